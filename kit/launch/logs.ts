/** Launch logs under `<home>/logs/`: names, pruning, reading their tail. */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function logsDir(home: string): string {
  return path.join(home, 'logs');
}

/**
 * The last `lines` lines of a text file (fewer if it is shorter), read backwards in blocks so a huge log
 * costs only its end. A missing file has no lines.
 */
export async function tailFile(file: string, lines = 40, opts: { maxBytes?: number } = {}): Promise<string[]> {
  if (lines <= 0) return [];
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const size = (await handle.stat()).size;
    const floor = Math.max(0, size - maxBytes);
    const blocks: Buffer[] = [];
    let start = size;
    let newlines = 0;
    // One newline more than asked for: the line before it may be cut.
    while (start > floor && newlines <= lines) {
      const len = Math.min(64 * 1024, start - floor);
      start -= len;
      const buf = Buffer.alloc(len);
      const { bytesRead } = await handle.read(buf, 0, len, start);
      const block = buf.subarray(0, bytesRead);
      for (const byte of block) if (byte === 0x0a) newlines++;
      blocks.unshift(block);
    }
    let text = Buffer.concat(blocks).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1); // drop the partial first line (if there is a newline)
    const all = text.split(/\r?\n/);
    if (all.length > 0 && all[all.length - 1] === '') all.pop();
    return all.slice(-lines);
  } finally {
    await handle.close();
  }
}

/** Deletes the oldest `<name>-<stamp>-*.log` files beyond `keep` (a log still open on Windows is skipped). */
export async function pruneLogs(dir: string, name: string, keep: number, except: string): Promise<void> {
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{8}-\\d{6}-.*\\.log$`);
  let names: string[];
  try {
    // Provisional names are skipped: one may belong to a launch starting right now.
    names = (await fsp.readdir(dir)).filter((n) => pattern.test(n) && !n.includes('-starting-') && path.join(dir, n) !== except);
  } catch {
    return;
  }
  names.sort(); // the timestamp sorts oldest first
  for (const old of names.slice(0, Math.max(0, names.length - (Math.max(1, keep) - 1)))) {
    await fsp.unlink(path.join(dir, old)).catch(() => {});
  }
}
