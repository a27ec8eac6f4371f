/**
 * The folders saves have written archives to, kept in `<workArea>/.dcckit-save-dirs.json`, so the temp files
 * and reservations a killed hub left beside those archives can be found and removed later (the hub only
 * knows the work area at start; archives live beside the shots).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { cleanStaleTemps } from '../../../kit/archive/index.ts';
import { cleanStaleReservations } from './versions.ts';
import { JsonJournal } from '../../../kit/journal.ts';

const FILE = '.dcckit-save-dirs.json';
const MAX_DIRS = 200;
const FORGET_AFTER_MS = 60 * 24 * 60 * 60 * 1000;

/** cleanStaleTemps, which treats unreaped (zombie) processes as dead. */
function removeDeadTemps(dir: string): Promise<string[]> {
  return cleanStaleTemps(dir).catch(() => [] as string[]);
}

const journal = (workArea: string) => new JsonJournal(path.join(workArea, FILE));

export function rememberSaveDir(workArea: string, dir: string): Promise<void> {
  return journal(workArea).locked((dirs) => {
    dirs[path.resolve(dir)] = new Date().toISOString();
    const kept = Object.entries(dirs).sort((a, b) => b[1].localeCompare(a[1]));
    for (const [old] of kept.slice(MAX_DIRS)) delete dirs[old];
  });
}

/**
 * Removes what dead processes left in the work area and beside the archives saved lately: temp archives and
 * folders, and version reservations. Returns the removed paths.
 */
export function cleanSaveLeftovers(workArea: string): Promise<string[]> {
  const j = journal(workArea);
  return j.locked(async (dirs) => {
    const removed = await removeDeadTemps(workArea);
    await j.removeStaleTemps();
    for (const [dir, at] of Object.entries(dirs)) {
      const exists = await fsp.stat(dir).then((s) => s.isDirectory(), () => false);
      if (!exists || Date.now() - Date.parse(at) > FORGET_AFTER_MS) {
        delete dirs[dir];
        continue;
      }
      removed.push(...await removeDeadTemps(dir));
      removed.push(...await cleanStaleReservations(dir).catch(() => [] as string[]));
    }
    return removed;
  });
}
