/**
 * The record a local work copy keeps of where it came from: `<copy>/.dcckit-workfile.json`. Saves read it to
 * know their destination archive; opens read it to decide whether the copy can be reused; retention reads it
 * to know which folders of the work area are ours. The zip writer leaves it out of every archive.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export const ORIGIN_FILE = '.dcckit-workfile.json';

export interface WorkfileOrigin {
  format: 1;
  /** The archive saves go to (absolute), or null for a new scene that has none yet. */
  zip: string | null;
  /** The archive's mtime and size when this copy last matched it (after an extraction or a save). */
  zipMtimeMs: number | null;
  zipSize: number | null;
  /** Newest .xstage mtime at the top of the copy at that moment: a newer one means unarchived changes. */
  sceneMtimeMs: number | null;
  /** 'workfile' (extracted from zip) or 'template' (a new scene). */
  source: 'workfile' | 'template';
  /** Last open or save, ISO time: the retention rule removes the least recently used copies first. */
  usedAt: string;
  /**
   * The archive a save of this copy was about to rename into place (noted just before the rename): if the hub
   * died before it could record the save, an archive matching this is still this copy's own (save-guard.ts).
   */
  pendingZip?: { zip: string; mtimeMs: number; size: number } | null;
}

/** True for the archive-relative path of the record or of a write of it cut short (the zip writer's exclude). */
export function isOriginRecord(rel: string): boolean {
  return rel === ORIGIN_FILE || (rel.startsWith(`${ORIGIN_FILE}.`) && rel.endsWith('.tmp'));
}

/** The record, or null when there is none (or it is not one). A read that fails otherwise (EMFILE, EACCES) throws. */
export async function readOrigin(dir: string): Promise<WorkfileOrigin | null> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, ORIGIN_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
  try {
    const rec = JSON.parse(text) as WorkfileOrigin;
    return rec && rec.format === 1 ? rec : null;
  } catch {
    return null;
  }
}

/** Writes the record atomically (a torn record would send a save to the wrong place). */
export async function writeOrigin(dir: string, rec: WorkfileOrigin): Promise<void> {
  const file = path.join(dir, ORIGIN_FILE);
  const tmp = `${file}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`;
  await fsp.writeFile(tmp, `${JSON.stringify(rec, null, 2)}\n`);
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** Updates of a record in flight, by folder: each waits for the one before (no lost update in this process). */
const updating = new Map<string, Promise<unknown>>();

/**
 * Changes the record: `change` is the fields to set, or a function of the current record that returns them
 * (null: leave it as it is), so a decision made on the record and its write are one step.
 */
export function updateOrigin(
  dir: string, change: Partial<WorkfileOrigin> | ((rec: WorkfileOrigin) => Partial<WorkfileOrigin> | null),
): Promise<WorkfileOrigin | null> {
  const key = path.resolve(dir);
  const run = (updating.get(key) ?? Promise.resolve()).catch(() => null).then(async () => {
    const rec = await readOrigin(dir);
    if (!rec) return null;
    const fields = typeof change === 'function' ? change(rec) : change;
    if (!fields) return rec;
    const next = { ...rec, ...fields };
    await writeOrigin(dir, next);
    return next;
  });
  updating.set(key, run);
  void run.finally(() => { if (updating.get(key) === run) updating.delete(key); }).catch(() => null);
  return run;
}

/** The newest mtime of the .xstage files at the top of a project folder (0 when there are none). */
export function newestSceneMtime(dir: string): number {
  let newest = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.toLowerCase().endsWith('.xstage')) continue;
    try {
      newest = Math.max(newest, fs.statSync(path.join(dir, name)).mtimeMs);
    } catch { /* removed meanwhile */ }
  }
  return newest;
}
