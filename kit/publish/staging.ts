/**
 * A publish run's scratch folder (a copy of the scene for the batch render, template zips, render logs):
 * `<home>/staging/<hub pid>-<run id>`, not the system temp folder, because it can hold a whole scene and
 * /tmp is often a RAM disk. A run removes its folder when it ends; a hub that was killed cannot, so the next
 * hub removes the folders named after a process that is gone.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../process.ts';

export function stagingRoot(home: string): string {
  return path.join(home || os.tmpdir(), home ? 'staging' : 'dcckit-staging');
}

export async function createStagingDir(home: string, runId: string): Promise<string> {
  const root = stagingRoot(home);
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  const dir = path.join(root, `${process.pid}-${runId}`);
  await fs.mkdir(dir, { mode: 0o700 });
  return dir;
}

/** Removes staging folders left by processes that are gone; returns how many. */
export async function removeOrphanedStaging(home: string): Promise<number> {
  const root = stagingRoot(home);
  let names: string[];
  try { names = await fs.readdir(root); } catch { return 0; }
  let removed = 0;
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue;
    await fs.rm(path.join(root, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
