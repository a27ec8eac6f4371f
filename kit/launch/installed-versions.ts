/** Finding installed versions of a DCC (or its per-version user folders) by folder name, newest first. */
import fs from 'node:fs';

/** Numeric comparison of dotted versions, newest first ("21.0.440" before "20.5.613" before "20.5"). */
export function compareVersionsDescending(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? -1) - (pa[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Entries of `dir` whose name matches `pattern` (its first group is the version), newest version first.
 * A folder that cannot be read has none.
 */
export function versionedEntries(dir: string, pattern: RegExp): { name: string; version: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: { name: string; version: string }[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (m) found.push({ name, version: m[1]! });
  }
  return found.sort((x, y) => compareVersionsDescending(x.version, y.version) || x.name.localeCompare(y.name));
}
