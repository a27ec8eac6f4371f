/**
 * The versions of workfiles in a folder, and picking the next free version number safely when two saves
 * race: the number is reserved by creating `.<file>.dcckit-reserved` beside it with O_EXCL, which only one
 * creator wins (also between machines on shared storage), and removed once the save is over.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compileTemplate, type WorkfileTemplate } from './template.ts';
import { WorkfileNameError } from './errors.ts';
import { isProcessAlive } from '../../../kit/hub/runtime.ts';

export interface WorkfileVersion {
  path: string;
  file: string;
  name: string;
  version: number;
  size: number;
  mtimeMs: number;
}

const RESERVED_SUFFIX = '.dcckit-reserved';
const DAY_MS = 24 * 60 * 60 * 1000;

export function reservationPath(zip: string): string {
  return path.join(path.dirname(zip), `.${path.basename(zip)}${RESERVED_SUFFIX}`);
}

/** The workfile a reservation file reserves, or null for any other name. */
function reservedFile(name: string): string | null {
  return name.startsWith('.') && name.endsWith(RESERVED_SUFFIX) ? name.slice(1, -RESERVED_SUFFIX.length) : null;
}

/** Workfiles in `dir` that follow the template, newest version first (ties: newest file first). */
export async function listWorkfiles(dir: string, template: string | WorkfileTemplate, name?: string): Promise<WorkfileVersion[]> {
  const t = typeof template === 'string' ? compileTemplate(template) : template;
  let ents;
  try {
    ents = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: WorkfileVersion[] = [];
  for (const ent of ents) {
    if (!ent.isFile() && !ent.isSymbolicLink()) continue;
    const fields = t.parse(ent.name);
    if (!fields || (name !== undefined && fields.name !== name)) continue;
    const full = path.join(dir, ent.name);
    const st = await fsp.stat(full).catch(() => null);
    if (!st?.isFile()) continue;
    out.push({ path: full, file: ent.name, name: fields.name, version: fields.version, size: st.size, mtimeMs: st.mtimeMs });
  }
  return out.sort((a, b) => b.version - a.version || b.mtimeMs - a.mtimeMs || a.file.localeCompare(b.file));
}

/**
 * The workfile to open when none is named: the highest version of the workfile (name) that was saved most
 * recently, so a folder holding several shots' or tasks' workfiles opens the one worked on last.
 */
export async function latestWorkfile(dir: string, template: string): Promise<WorkfileVersion | null> {
  const all = await listWorkfiles(dir, template);
  const newest = all.reduce<WorkfileVersion | null>((best, v) => (!best || v.mtimeMs > best.mtimeMs ? v : best), null);
  return newest ? all.find((v) => v.name === newest.name)! : null;
}

interface ReservationNote { host: string; pid: number; createdAt: string }

/** A reservation left by a process that died (same host, pid gone) or older than a day. */
async function reservationIsStale(file: string): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([fsp.readFile(file, 'utf8'), fsp.stat(file)]);
    if (Date.now() - st.mtimeMs > DAY_MS) return true;
    const note = JSON.parse(text) as ReservationNote;
    return note.host === os.hostname() && note.pid !== process.pid && !isProcessAlive(note.pid);
  } catch (err) {
    // Unreadable or half-written: stale only once it is old enough not to be a reservation being written now.
    const st = await fsp.stat(file).catch(() => null);
    return st ? Date.now() - st.mtimeMs > 60_000 : (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Removes the reservations in `dir` left by dead processes. Returns the removed paths. */
export async function cleanStaleReservations(dir: string): Promise<string[]> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const n of names) {
    if (!reservedFile(n)) continue;
    const full = path.join(dir, n);
    if (await reservationIsStale(full)) {
      await fsp.rm(full, { force: true }).catch(() => {});
      removed.push(full);
    }
  }
  return removed;
}

export interface Reservation {
  path: string;
  version: number;
  release(): Promise<void>;
}

/**
 * Reserves the next version of `name` in `dir`: one above every existing version and live reservation.
 * Concurrent callers (in this process or others) get different numbers.
 */
export async function reserveNextVersion(dir: string, name: string, template: string | WorkfileTemplate): Promise<Reservation> {
  const t = typeof template === 'string' ? compileTemplate(template) : template;
  if (!name || /[\\/]/.test(name)) throw new WorkfileNameError(`"${name}" cannot be a workfile name: it must be a plain name without folders.`);
  let version = 1;
  for (const v of await listWorkfiles(dir, t, name)) version = Math.max(version, v.version + 1);
  for (const n of await fsp.readdir(dir).catch(() => [] as string[])) {
    const file = reservedFile(n);
    const fields = file ? t.parse(file) : null;
    if (fields && fields.name === name) version = Math.max(version, fields.version + 1);
  }
  const note: ReservationNote = { host: os.hostname(), pid: process.pid, createdAt: new Date().toISOString() };
  for (let attempts = 0; attempts < 10_000; attempts++, version++) {
    const zip = path.join(dir, t.format({ name, version }));
    const lock = reservationPath(zip);
    try {
      const fh = await fsp.open(lock, 'wx');
      try { await fh.writeFile(JSON.stringify(note)); } finally { await fh.close(); }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        if (await reservationIsStale(lock)) { await fsp.rm(lock, { force: true }); version--; }
        continue;
      }
      throw err;
    }
    // A writer that does not reserve (an older tool, a copy by hand) may have taken the number meanwhile.
    if (await fsp.stat(zip).then(() => true, () => false)) {
      await fsp.rm(lock, { force: true });
      continue;
    }
    let released = false;
    return {
      path: zip,
      version,
      release: async () => {
        if (released) return;
        released = true;
        await fsp.rm(lock, { force: true }).catch(() => {});
      },
    };
  }
  throw new WorkfileNameError(`Could not find a free version number for ${name} in ${dir}.`);
}
