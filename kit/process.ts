import fs from 'node:fs';

/** True for a running process; a zombie (exited, not yet reaped by its parent) counts as dead. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return false;
    } catch { /* no procfs: trust kill(0) */ }
  }
  return true;
}

/** True when `pid` is `ancestor` or one of its descendants (Linux /proc; elsewhere only the same pid). */
export function isDescendantOf(pid: number, ancestor: number): boolean {
  let current = pid;
  for (let depth = 0; depth < 32 && current > 1; depth++) {
    if (current === ancestor) return true;
    if (process.platform !== 'linux') return false;
    try {
      const stat = fs.readFileSync(`/proc/${current}/stat`, 'utf8');
      current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}
