/** Paths and helpers for the launch tests' stand-in DCC (test/fixtures/launch/fake-app.mjs). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '../../kit/hub/runtime.ts';
import { PATIENCE_MS } from './patience.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/launch');
export const FAKE_APP = path.join(FIXTURES, 'fake-app.mjs');
export const LAUNCHER = path.join(FIXTURES, 'launcher.mjs');

/** A temp folder removed when the test ends. */
export function tempDir(t: { teardown(fn: () => void): void }, prefix = 'dcckit-launch-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Polls `check` every 20 ms; false if it never held within `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = PATIENCE_MS): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Alive and not a zombie (a killed orphan nobody reaps counts as dead). */
export const alive = isProcessAlive;

/** Kills a leftover process (and its group, for detached ones) so a failing test leaves nothing behind. */
export function killQuietly(pid: number | undefined, group = false): void {
  if (!pid || !isProcessAlive(pid)) return;
  try { process.kill(group ? -pid : pid, 'SIGKILL'); } catch { /* gone */ }
}

/** Linux only: the process group of `pid`, from /proc/<pid>/stat. */
export function processGroup(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}
