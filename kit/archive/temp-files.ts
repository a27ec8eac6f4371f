/**
 * Temporary files and folders written beside a destination, and the cleanup of those left by killed processes.
 *
 * Name: `.<dest-name>.dcckit-tmp-<host>-<pid>-<random>` (and `...dcckit-old-...` for a folder being replaced).
 * The host is part of the name because workfiles often live on shared storage: a pid is only meaningful on the
 * machine that wrote it, so temps of other hosts are removed by age only.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { isProcessAlive } from '../process.ts';

const TEMP_NAME = /^\..+\.dcckit-(tmp|old)-([A-Za-z0-9_]{1,32})-(\d{1,10})-([0-9a-f]{8})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Paths this process is currently using; cleanStaleTemps never touches them, whatever their age. */
const activeTemps = new Set<string>();

export function hostTag(): string {
  const first = os.hostname().split('.')[0] ?? '';
  return first.replace(/[^A-Za-z0-9]/g, '_').slice(0, 32) || 'host';
}

/** The destination's name cut to at most 100 UTF-8 bytes, so the temp name stays under the 255-byte limit. */
function shortBase(name: string): string {
  if (Buffer.byteLength(name) <= 100) return name;
  let out = '';
  let bytes = 0;
  for (const ch of name) {
    bytes += Buffer.byteLength(ch);
    if (bytes > 100) break;
    out += ch;
  }
  return out;
}

/** A fresh temp path beside `dest`, registered as active until `releaseTemp`. */
export function tempPathBeside(dest: string, kind: 'tmp' | 'old' = 'tmp'): string {
  const p = path.join(path.dirname(dest),
    `.${shortBase(path.basename(dest))}.dcckit-${kind}-${hostTag()}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  activeTemps.add(path.resolve(p));
  return p;
}

export function releaseTemp(p: string): void {
  activeTemps.delete(path.resolve(p));
}

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}


export interface CleanStaleTempsOptions {
  /** Temps older than this are removed even when their process looks alive (pid reuse). Default one day. */
  maxAgeMs?: number;
}

/**
 * Removes the temp files and folders in `dir` left by processes that died (the pid in the name is not
 * running on this host) or that are older than `maxAgeMs`. Returns the removed paths. A missing `dir` is fine.
 * Called at hub start, so a SIGKILLed save leaves nothing behind for long.
 */
export async function cleanStaleTemps(dir: string, opts: CleanStaleTempsOptions = {}): Promise<string[]> {
  const maxAgeMs = opts.maxAgeMs ?? DAY_MS;
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  const myHost = hostTag();
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const full = path.join(dir, name);
    if (activeTemps.has(path.resolve(full))) continue;
    const pid = Number(m[3]);
    let stale = m[2] === myHost && pid !== process.pid && !isProcessAlive(pid);
    if (!stale) {
      const st = await fsp.lstat(full).catch(() => null);
      if (!st) continue;
      stale = Date.now() - st.mtimeMs > maxAgeMs;
    }
    if (!stale) continue;
    try {
      await fsp.rm(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // Someone else is cleaning too, or it is not ours to remove: leave it.
    }
  }
  return removed;
}
