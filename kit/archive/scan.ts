/**
 * Lists the tree to zip: every directory (so empty ones survive) and every regular file, depth first, names
 * sorted so archives of the same tree are laid out the same way. Symlinks are followed (their target's content
 * is stored; the extractor refuses symlink entries anyway); symlink loops, dangling links and special files
 * (sockets, FIFOs, devices) are skipped and reported.
 */
import fsp from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { ArchiveSourceError, errnoOf, type OutsideLink } from './errors.ts';
import { isTempName } from './temp-files.ts';

export interface SourceEntry {
  /** Path inside the archive: forward slashes, no leading slash, no trailing slash. */
  rel: string;
  abs: string;
  isDirectory: boolean;
  size: number;
  /** Unix mode with type bits (0o100644, 0o040755). */
  mode: number;
  mtimeMs: number;
}

export interface ExcludeInfo {
  isDirectory: boolean;
  size: number;
}

/** Return true to leave an entry (and, for a directory, everything below it) out of the archive. */
export type ExcludePredicate = (relPath: string, info: ExcludeInfo) => boolean;

export interface ScanResult {
  entries: SourceEntry[];
  fileCount: number;
  totalBytes: number;
  /** Paths (relative) that were not archived: dangling symlinks, loops, special files. */
  skipped: string[];
  /** Symlinks leading outside the folder, not followed (only when followOutsideLinks is false). */
  outsideLinks: OutsideLink[];
}

export interface ScanOptions {
  exclude?: ExcludePredicate;
  /** Absolute paths never to include (the destination archive when it lies inside the source). */
  ignorePaths?: string[];
  signal?: AbortSignal;
  onEntry?: (fileCount: number, totalBytes: number) => void;
  /**
   * Follow symlinks that lead outside the folder (default true here). When false they are neither followed nor
   * listed as entries but reported in `outsideLinks`, so the caller can refuse the tree without walking what
   * they lead to (a link to a home folder).
   */
  followOutsideLinks?: boolean;
}

export async function scanTree(srcDir: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const root = path.resolve(srcDir);
  let rootStat: Stats;
  try {
    rootStat = await fsp.stat(root);
  } catch (err) {
    throw new ArchiveSourceError(`The folder to zip, ${root}, cannot be read (${errnoOf(err) ?? String(err)}). `
      + 'Check that the project folder exists.', root, err);
  }
  if (!rootStat.isDirectory()) {
    throw new ArchiveSourceError(`${root} is not a folder: zipDirectory archives the contents of a folder.`, root);
  }
  const ignore = new Set((opts.ignorePaths ?? []).map(p => path.resolve(p)));
  const result: ScanResult = { entries: [], fileCount: 0, totalBytes: 0, skipped: [], outsideLinks: [] };
  const realRoot = opts.followOutsideLinks === false ? await fsp.realpath(root) : null;

  const walk = async (absDir: string, relDir: string, ancestors: Set<string>): Promise<void> => {
    opts.signal?.throwIfAborted();
    let names: string[];
    try {
      names = await fsp.readdir(absDir);
    } catch (err) {
      throw new ArchiveSourceError(`Cannot list ${absDir} (${errnoOf(err) ?? String(err)}). `
        + 'Check that the project folder is readable and was not moved during the save.', absDir, err);
    }
    names.sort();
    const kept = names.filter(n => !isTempName(n));
    const stats = await Promise.all(kept.map(async (name) => {
      const abs = path.join(absDir, name);
      if (ignore.has(abs)) return null;
      let lst: Stats;
      try {
        lst = await fsp.lstat(abs);
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') return { name, abs, lst: null, st: null };
        throw new ArchiveSourceError(`Cannot read ${abs} (${errnoOf(err) ?? String(err)}).`, abs, err);
      }
      if (!lst.isSymbolicLink()) return { name, abs, lst, st: lst };
      try {
        return { name, abs, lst, st: await fsp.stat(abs) };
      } catch (err) {
        const code = errnoOf(err);
        if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return { name, abs, lst, st: null };
        throw new ArchiveSourceError(`Cannot read ${abs} (${code ?? String(err)}).`, abs, err);
      }
    }));
    for (const s of stats) {
      if (!s) continue;
      const rel = relDir ? `${relDir}/${s.name}` : s.name;
      if (!s.lst) continue; // vanished since readdir: not part of the snapshot
      if (!s.st) { result.skipped.push(rel); continue; } // dangling symlink or link loop
      if (realRoot !== null && s.lst.isSymbolicLink()) {
        const target = await fsp.realpath(s.abs).catch(() => null);
        if (target !== null && !isInside(realRoot, target)) { result.outsideLinks.push({ rel, target }); continue; }
      }
      const st = s.st;
      if (st.isDirectory()) {
        if (opts.exclude?.(rel, { isDirectory: true, size: 0 })) continue;
        const id = `${st.dev}:${st.ino}`;
        if (ancestors.has(id)) { result.skipped.push(rel); continue; }
        result.entries.push({ rel, abs: s.abs, isDirectory: true, size: 0, mode: 0o040000 | (st.mode & 0o777), mtimeMs: st.mtimeMs });
        ancestors.add(id);
        await walk(s.abs, rel, ancestors);
        ancestors.delete(id);
      } else if (st.isFile()) {
        if (opts.exclude?.(rel, { isDirectory: false, size: st.size })) continue;
        result.entries.push({ rel, abs: s.abs, isDirectory: false, size: st.size, mode: 0o100000 | (st.mode & 0o777), mtimeMs: st.mtimeMs });
        result.fileCount++;
        result.totalBytes += st.size;
        opts.onEntry?.(result.fileCount, result.totalBytes);
      } else {
        result.skipped.push(rel);
      }
    }
  };
  await walk(root, '', new Set([`${rootStat.dev}:${rootStat.ino}`]));
  return result;
}

/** Whether the resolved path `target` is `root` or lies below it. */
function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The symlinks under `srcDir` (files or folders) that lead outside it, resolved: zipping follows links, so
 * what they lead to would be archived as if it were part of the folder (a link to a shared library folder, or
 * to a home folder, would put all of it in the archive). Links inside the folder and dangling links are fine.
 */
export async function findOutsideLinks(srcDir: string): Promise<OutsideLink[]> {
  const root = await fsp.realpath(path.resolve(srcDir));
  const found: OutsideLink[] = [];
  const walk = async (absDir: string, relDir: string): Promise<void> => {
    const ents = await fsp.readdir(absDir, { withFileTypes: true }).catch(() => []);
    for (const ent of ents.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(absDir, ent.name);
      const rel = relDir ? `${relDir}/${ent.name}` : ent.name;
      if (ent.isDirectory()) await walk(abs, rel);
      else if (ent.isSymbolicLink()) {
        const target = await fsp.realpath(abs).catch(() => null);
        if (target === null) continue; // dangling or a loop: the zip skips and reports it
        if (!isInside(root, target)) found.push({ rel, target });
      }
    }
  };
  await walk(root, '');
  return found;
}
