/**
 * Permissions of what a zip extracts. The archive's modes are a wish, not an order: the process umask applies
 * (as for any file this process makes) and nothing is ever made world-writable, whatever the archive says, so a
 * hostile or careless archive cannot leave a `drwxrwxrwx` folder in a shared work area. The owner always keeps
 * read and write (and search, on folders) so the extractor can finish and clean up.
 */
import fs from 'node:fs';

/** The process umask, read without changing it (Linux: /proc; elsewhere the set-and-restore of process.umask). */
export function currentUmask(): number {
  try {
    const m = /^Umask:\s*([0-7]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return parseInt(m[1]!, 8);
  } catch { /* not Linux */ }
  const old = process.umask(0o022);
  process.umask(old);
  return old;
}

/** Mode to create an extracted file with (open() applies the umask on top). */
export function extractedFileMode(unixMode: number | undefined): number {
  if (unixMode === undefined) return 0o644;
  return ((unixMode & 0o777) | 0o600) & ~0o002;
}

/** Mode to give an extracted folder explicitly (chmod does not apply the umask: it is applied here). */
export function extractedDirMode(unixMode: number, umask = currentUmask()): number {
  return ((unixMode & 0o777) | 0o700) & ~umask & ~0o002;
}
