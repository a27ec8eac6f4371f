/**
 * The folders saves have written archives to, kept in `<workArea>/.dcckit-save-dirs.json`, so the temp files
 * and reservations a killed hub left beside those archives can be found and removed later (the hub only
 * knows the work area at start; archives live beside the shots).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { cleanStaleTemps } from '../../../kit/archive/index.ts';
import { cleanStaleReservations } from './versions.ts';

const FILE = '.dcckit-save-dirs.json';
const MAX_DIRS = 200;
const FORGET_AFTER_MS = 60 * 24 * 60 * 60 * 1000;

type Journal = Record<string, string>;

async function read(workArea: string): Promise<Journal> {
  try {
    const data = JSON.parse(await fsp.readFile(path.join(workArea, FILE), 'utf8')) as { dirs?: Journal };
    return data && typeof data.dirs === 'object' && data.dirs ? data.dirs : {};
  } catch {
    return {};
  }
}

async function write(workArea: string, dirs: Journal): Promise<void> {
  const file = path.join(workArea, FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.mkdir(workArea, { recursive: true });
  await fsp.writeFile(tmp, `${JSON.stringify({ dirs }, null, 1)}\n`);
  await fsp.rename(tmp, file);
}

/** cleanStaleTemps, which treats unreaped (zombie) processes as dead. */
function removeDeadTemps(dir: string): Promise<string[]> {
  return cleanStaleTemps(dir).catch(() => [] as string[]);
}

/** Serialises read-modify-write of the journal within this process (the hub is its only writer). */
let chain: Promise<unknown> = Promise.resolve();
function locked<T>(fn: () => Promise<T>): Promise<T> {
  const next = chain.then(fn, fn);
  chain = next.catch(() => {});
  return next;
}

export function rememberSaveDir(workArea: string, dir: string): Promise<void> {
  return locked(async () => {
    const dirs = await read(workArea);
    dirs[path.resolve(dir)] = new Date().toISOString();
    const kept = Object.entries(dirs).sort((a, b) => b[1].localeCompare(a[1])).slice(0, MAX_DIRS);
    await write(workArea, Object.fromEntries(kept));
  });
}

/**
 * Removes what dead processes left in the work area and beside the archives saved lately: temp archives and
 * folders, and version reservations. Returns the removed paths.
 */
export function cleanSaveLeftovers(workArea: string): Promise<string[]> {
  return locked(async () => {
    const removed = await removeDeadTemps(workArea);
    for (const n of await fsp.readdir(workArea).catch(() => [] as string[])) {
      if (n.startsWith(`${FILE}.`) && n.endsWith('.tmp')) await fsp.rm(path.join(workArea, n), { force: true }).catch(() => {});
    }
    const dirs = await read(workArea);
    let changed = false;
    for (const [dir, at] of Object.entries(dirs)) {
      const exists = await fsp.stat(dir).then((s) => s.isDirectory(), () => false);
      if (!exists || Date.now() - Date.parse(at) > FORGET_AFTER_MS) {
        delete dirs[dir];
        changed = true;
        continue;
      }
      removed.push(...await removeDeadTemps(dir));
      removed.push(...await cleanStaleReservations(dir).catch(() => [] as string[]));
    }
    if (changed) await write(workArea, dirs).catch(() => {});
    return removed;
  });
}
