/** Which disk a path is on, to say so when it is full: its mount point, device and free space. */
import fs from 'node:fs';
import path from 'node:path';

export interface DiskInfo { mountPoint: string; device: string | null; freeBytes: number | null }

/** The nearest existing folder at or above `p`. */
function existing(p: string): string {
  let dir = path.resolve(p);
  while (dir !== path.dirname(dir) && !fs.existsSync(dir)) dir = path.dirname(dir);
  return dir;
}

/** Octal escapes of /proc/self/mountinfo (`\040` for a space). */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function diskOf(p: string): DiskInfo {
  let dir = existing(p);
  try {
    const dev = fs.statSync(dir).dev;
    while (dir !== path.dirname(dir) && fs.statSync(path.dirname(dir)).dev === dev) dir = path.dirname(dir);
  } catch { /* keep the nearest folder */ }
  let device: string | null = null;
  try {
    for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const [left, right] = line.split(' - ');
      if (!left || !right) continue;
      if (unescape(left.split(' ')[4] ?? '') === dir) device = unescape(right.split(' ')[1] ?? '') || null;
    }
  } catch { /* not Linux */ }
  let freeBytes: number | null = null;
  try {
    const s = fs.statfsSync(dir);
    freeBytes = s.bavail * s.bsize;
  } catch { /* unknown */ }
  return { mountPoint: dir, device, freeBytes };
}

export function describeDisk(p: string): string {
  const d = diskOf(p);
  const free = d.freeBytes === null ? '' : `, ${formatFree(d.freeBytes)} free`;
  return `the disk mounted at ${d.mountPoint}${d.device ? ` (${d.device})` : ''}${free}`;
}

function formatFree(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}
