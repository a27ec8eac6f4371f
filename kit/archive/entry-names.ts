/**
 * Which entry names may be extracted. A name must be a relative path of plain segments separated by '/':
 * no absolute paths, drive letters, backslashes, '.', '..' or empty segments, no control characters (and on
 * Windows none of the characters or device names Windows gives a special meaning). Symlink entries and names
 * that collide (exact duplicates, a file that is also a folder, and on case-insensitive systems names that
 * differ only by case or Unicode form) are refused too.
 */
import { UnsafeZipEntryError, type UnsafeEntryReason } from './errors.ts';
import type { CentralEntry } from './zip-reader.ts';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;
const WINDOWS_SPECIAL = /[<>:"|?*]/;

export interface NameRules {
  windows: boolean;
  caseInsensitive: boolean;
}

export function platformNameRules(platform: NodeJS.Platform = process.platform): NameRules {
  return { windows: platform === 'win32', caseInsensitive: platform === 'win32' || platform === 'darwin' };
}

/** The segments of an entry's path, or an UnsafeZipEntryError. Folder names keep no trailing slash. */
export function entrySegments(entry: CentralEntry, zipPath: string, rules: NameRules): string[] {
  const name = entry.name;
  const refuse = (reason: UnsafeEntryReason, why: string) => new UnsafeZipEntryError(
    `Refusing to extract ${zipPath}: entry "${name}" ${why}. Nothing was extracted; the archive is damaged or hostile.`,
    zipPath, name, reason);
  if (entry.isSymlink) throw refuse('symlink', 'is a symbolic link (symlink entries could point outside the destination)');
  if (name.includes('\\')) throw refuse('backslash', 'uses backslashes as separators (it could escape the destination on Windows)');
  if (CONTROL.test(name)) throw refuse('bad-character', 'contains control characters');
  if (name.startsWith('/')) throw refuse('absolute-path', 'is an absolute path');
  if (/^[A-Za-z]:/.test(name)) throw refuse('drive-letter', 'starts with a drive letter');
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  const segments = trimmed.split('/');
  for (const seg of segments) {
    if (seg === '..') throw refuse('parent-segment', 'contains ".." and would escape the destination');
    if (seg === '' || seg === '.') throw refuse('bad-segment', 'contains an empty or "." path segment');
    if (rules.windows) {
      if (WINDOWS_SPECIAL.test(seg)) throw refuse('bad-character', `contains a character Windows does not allow in names (${seg})`);
      if (WINDOWS_RESERVED.test(seg) || /[. ]$/.test(seg)) throw refuse('bad-character', `uses a name Windows reserves (${seg})`);
    }
  }
  return segments;
}

/**
 * Checks every name and that no two entries land on the same path. Returns the segments of each entry,
 * index-aligned with `entries`.
 */
export function checkEntryNames(entries: CentralEntry[], zipPath: string, rules: NameRules): string[][] {
  const key = (segs: string[]) => {
    const k = segs.join('/');
    return rules.caseInsensitive ? k.normalize('NFC').toLowerCase() : k;
  };
  const seen = new Map<string, CentralEntry>();
  const parents = new Map<string, CentralEntry>();
  const all = entries.map((e) => {
    const segs = entrySegments(e, zipPath, rules);
    const k = key(segs);
    const prior = seen.get(k);
    if (prior) {
      throw new UnsafeZipEntryError(`Refusing to extract ${zipPath}: entries "${prior.name}" and "${e.name}" have the same `
        + `path${rules.caseInsensitive ? ' on this case-insensitive system' : ''}. Nothing was extracted.`, zipPath, e.name, 'duplicate');
    }
    seen.set(k, e);
    for (let i = 1; i < segs.length; i++) parents.set(key(segs.slice(0, i)), e);
    return segs;
  });
  entries.forEach((e, i) => {
    if (e.isDirectory) return;
    const child = parents.get(key(all[i]!));
    if (child) {
      throw new UnsafeZipEntryError(`Refusing to extract ${zipPath}: "${e.name}" is a file, yet "${child.name}" is inside it. `
        + 'Nothing was extracted.', zipPath, e.name, 'file-dir-conflict');
    }
  });
  return all;
}
