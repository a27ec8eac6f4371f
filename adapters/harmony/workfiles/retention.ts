/**
 * The retention rule for local work copies: per workfile (the {name} of the template), keep the
 * `keepLocalCopies` most recently used copies, and remove copies unused for `maxLocalAgeDays` (0: no age
 * limit). Never removed: a copy a Harmony session has open, one used in the last minutes (a Harmony that is
 * still starting), and - by the count rule - one holding scene saves that are not in its archive yet.
 * Only folders with a workfile record are considered: nothing else in the work area is ours to delete.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { releaseTemp, tempPathBeside } from '../../../kit/archive/temp-files.ts';
import { newestSceneMtime, readOrigin, type WorkfileOrigin } from './origin.ts';
import { compileTemplate } from './template.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const RECENT_USE_GRACE_MS = 10 * 60 * 1000;

export interface RetentionOptions {
  keepLocalCopies: number;
  maxLocalAgeDays: number;
  template: string;
  /** Scene paths (.xstage or project folders) open in Harmony sessions. */
  inUse: string[];
  /** Extra folders never to remove (the copy just opened). */
  protect?: string[];
  now?: number;
  graceMs?: number;
}

export interface RetentionResult {
  removed: string[];
  /** Folders the rule would have removed but kept, and why. */
  kept: Array<{ dir: string; reason: string }>;
}

function real(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

function inside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

interface Copy { dir: string; group: string; usedAt: number; origin: WorkfileOrigin }

export async function pruneLocalCopies(workArea: string, opts: RetentionOptions): Promise<RetentionResult> {
  const now = opts.now ?? Date.now();
  const grace = opts.graceMs ?? RECENT_USE_GRACE_MS;
  const template = compileTemplate(opts.template);
  const busy = [...opts.inUse, ...(opts.protect ?? [])].filter(Boolean).map(real);
  const result: RetentionResult = { removed: [], kept: [] };
  const copies: Copy[] = [];
  for (const ent of await fsp.readdir(workArea, { withFileTypes: true }).catch(() => [])) {
    if (!ent.isDirectory() || ent.name.startsWith('.')) continue;
    const dir = path.join(workArea, ent.name);
    const origin = await readOrigin(dir);
    if (!origin) continue;
    const base = origin.zip ? path.basename(origin.zip) : `${ent.name}.zip`;
    const group = origin.source === 'template' ? '(new scenes)' : template.parse(base)?.name ?? base;
    const usedAt = Date.parse(origin.usedAt) || (await fsp.stat(dir)).mtimeMs;
    copies.push({ dir, group, usedAt, origin });
  }
  const groups = new Map<string, Copy[]>();
  for (const c of copies) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  for (const list of groups.values()) {
    list.sort((a, b) => b.usedAt - a.usedAt);
    for (const [rank, c] of list.entries()) {
      const tooOld = opts.maxLocalAgeDays > 0 && now - c.usedAt > opts.maxLocalAgeDays * DAY_MS;
      const beyondCount = rank >= opts.keepLocalCopies;
      if (!tooOld && !beyondCount) continue;
      const realDir = real(c.dir);
      if (busy.some((p) => inside(p, realDir))) { result.kept.push({ dir: c.dir, reason: 'open in Harmony' }); continue; }
      if (now - c.usedAt < grace) { result.kept.push({ dir: c.dir, reason: 'used in the last minutes' }); continue; }
      if (!tooOld && c.origin.sceneMtimeMs !== null && newestSceneMtime(c.dir) > c.origin.sceneMtimeMs) {
        result.kept.push({ dir: c.dir, reason: 'holds scene saves not yet archived' });
        continue;
      }
      // Renamed to a temp name first: a removal cut short leaves a temp folder, never a half-deleted copy.
      const doomed = tempPathBeside(c.dir, 'old');
      try {
        await fsp.rename(c.dir, doomed);
      } catch {
        releaseTemp(doomed);
        result.kept.push({ dir: c.dir, reason: 'could not be moved (in use by another program?)' });
        continue;
      }
      await fsp.rm(doomed, { recursive: true, force: true }).catch(() => {});
      releaseTemp(doomed);
      result.removed.push(c.dir);
    }
  }
  return result;
}
