/**
 * extractZip: unpack an archive into a folder that appears (or replaces the old one) only when everything was
 * extracted and checked. All names, sizes and limits are checked from the central directory before anything
 * is written; data is inflated in worker threads, each entry checked against its declared size and CRC-32,
 * into a temp folder beside the destination, which is then renamed into place. A refused or failed archive
 * leaves nothing behind.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ArchiveAbortedError, ArchiveWriteError, DestinationExistsError, ZipLimitError, errnoOf, writeHint } from './errors.ts';
import { checkEntryNames, platformNameRules } from './entry-names.ts';
import { planReadJobs, runReadJobs, type EntryTarget } from './entry-reading.ts';
import { openZipFile } from './inspect-zip.ts';
import { ProgressReporter, type ProgressCallback } from './progress.ts';
import { releaseTemp, tempPathBeside } from './temp-files.ts';
import { leasePool, type PoolLease } from './worker-pool.ts';
import { currentUmask, extractedDirMode, extractedFileMode } from './modes.ts';
import { readZipDirectory, type CentralEntry } from './zip-reader.ts';

export const DEFAULT_MAX_BYTES = 20 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 500_000;
/**
 * The ratio every zip the kit opens is held to unless its caller passes another (one policy: workfiles, template
 * and workfile products a loader unzips, a farm job's scene, a new scene's template). Real project files compress
 * far less (the bench's reference Harmony project 1.3:1, its largest .xstage 8.2:1); a run of one byte ~1030:1.
 */
export const DEFAULT_MAX_RATIO = 100;
/** Entries (and archives) that expand to less than this are not held to the ratio: small text files may compress well. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

export interface ExtractZipOptions {
  /** Replace `destDir` when it exists (the old folder is removed only after the new one is in place). Default false. */
  replace?: boolean;
  /** Refuse archives whose entries add up to more than this many bytes. Default 20 GiB. */
  maxBytes?: number;
  /** Refuse archives with more entries than this. Default 500 000. */
  maxEntries?: number;
  /**
   * Refuse an entry, or the archive as a whole, that inflates to more than this many times its compressed size
   * (entries of 1 MiB and more). Default DEFAULT_MAX_RATIO (100); Harmony passes harmony.workfiles.maxCompressionRatio.
   * Checked before anything is written; the inflaters stop at an entry's declared size, so no entry can inflate
   * past the ratio either.
   */
  maxRatio?: number;
  /** Names the setting that sets maxRatio, for the error message. */
  maxRatioSetting?: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  threads?: number;
  /** fsync every extracted file before the rename (slower; survives a power cut). Default false. */
  fsync?: boolean;
  /** Give files and folders the modification times stored in the archive, as `unzip` does. Default true. */
  restoreMtimes?: boolean;
}

export interface ExtractSummary {
  entries: number;
  files: number;
  directories: number;
  bytes: number;
  ms: number;
}

function ratioText(size: number, compressed: number): string {
  return `${compressed > 0 ? Math.round(size / compressed) : 'infinite'}:1 (${size} bytes from ${compressed})`;
}

/** Refuses an archive holding a zip bomb: an entry or the whole expanding more than `maxRatio` times. */
export function checkCompressionRatio(entries: CentralEntry[], zipPath: string, maxRatio: number, setting: string): void {
  const advice = `Nothing was extracted. Real project files compress far less (Harmony projects well below 100:1): this looks like a zip bomb. If the archive is trusted, raise ${setting} (now ${maxRatio}).`;
  let size = 0;
  let compressed = 0;
  for (const e of entries) {
    size += e.size;
    compressed += e.compressedSize;
    if (e.size >= RATIO_FLOOR_BYTES && e.size > maxRatio * e.compressedSize) {
      throw new ZipLimitError(`Entry "${e.name}" of ${zipPath} would inflate ${ratioText(e.size, e.compressedSize)}, `
        + `more than the limit of ${maxRatio}:1. ${advice}`, zipPath, 'ratio');
    }
  }
  if (size >= RATIO_FLOOR_BYTES && size > maxRatio * compressed) {
    throw new ZipLimitError(`${zipPath} would inflate ${ratioText(size, compressed)} over its ${entries.length} entries, `
      + `more than the limit of ${maxRatio}:1. ${advice}`, zipPath, 'ratio');
  }
}

export async function extractZip(zipPath: string, destDir: string, opts: ExtractZipOptions = {}): Promise<ExtractSummary> {
  const started = performance.now();
  const dest = path.resolve(destDir);
  const what = `Extracting ${zipPath} to ${dest}`;
  const signal = opts.signal;
  const aborted = () => new ArchiveAbortedError(what, signal?.reason);
  if (signal?.aborted) throw aborted();
  const restoreMtimes = opts.restoreMtimes ?? true;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;

  const existing = await fsp.lstat(dest).catch(() => null);
  if (existing && !opts.replace) throw new DestinationExistsError(dest);
  if (existing && !existing.isDirectory()) {
    throw new ArchiveWriteError(`Cannot extract to ${dest}: a file (not a folder) is in the way. Move it, or choose another folder.`, dest);
  }

  const fh = await openZipFile(zipPath);
  let pool: PoolLease | undefined;
  let temp: string | undefined;
  let old: string | undefined;
  let placed = false;
  const onAbort = () => pool?.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const dir = await readZipDirectory(fh, zipPath, { maxEntries: opts.maxEntries ?? DEFAULT_MAX_ENTRIES });
    const segments = checkEntryNames(dir.entries, zipPath, platformNameRules());
    const totalBytes = dir.entries.reduce((s, e) => s + e.size, 0);
    if (totalBytes > maxBytes) {
      throw new ZipLimitError(`${zipPath} would expand to ${totalBytes} bytes, more than the limit of ${maxBytes}. `
        + 'Nothing was extracted; raise maxBytes if this archive is trusted.', zipPath, 'bytes');
    }
    checkCompressionRatio(dir.entries, zipPath, opts.maxRatio ?? DEFAULT_MAX_RATIO, opts.maxRatioSetting ?? 'maxRatio');
    if (signal?.aborted) throw aborted();

    await fsp.mkdir(path.dirname(dest), { recursive: true }).catch((err) => {
      throw new ArchiveWriteError(`Cannot create ${path.dirname(dest)} (${errnoOf(err)}). ${writeHint(errnoOf(err))}`, dest, err);
    });
    temp = tempPathBeside(dest);
    await fsp.mkdir(temp).catch((err) => {
      throw new ArchiveWriteError(`Cannot create a folder beside ${dest} (${errnoOf(err)}). ${writeHint(errnoOf(err))}`, dest, err);
    });

    // Folders first: explicit folder entries and the parents of every file.
    const dirPaths = new Set<string>();
    const explicitDirs: Array<{ entry: CentralEntry; abs: string }> = [];
    dir.entries.forEach((e, i) => {
      const segs = segments[i]!;
      const upTo = e.isDirectory ? segs.length : segs.length - 1;
      for (let k = 1; k <= upTo; k++) dirPaths.add(segs.slice(0, k).join('/'));
      if (e.isDirectory) explicitDirs.push({ entry: e, abs: path.join(temp!, ...segs) });
    });
    try {
      for (const d of [...dirPaths].sort((a, b) => a.length - b.length)) await fsp.mkdir(path.join(temp, ...d.split('/')), { recursive: true });
    } catch (err) {
      throw new ArchiveWriteError(`Cannot create folders in ${temp} (${errnoOf(err)}). ${writeHint(errnoOf(err))}`, dest, err);
    }

    const files = dir.entries.filter(e => !e.isDirectory);
    const targetOf = (e: CentralEntry): EntryTarget | undefined => e.isDirectory ? undefined : {
      target: path.join(temp!, ...segments[e.index]!),
      mode: extractedFileMode(e.unixMode),
      mtimeMs: restoreMtimes ? e.mtime.getTime() : undefined,
    };
    const progress = new ProgressReporter(opts.onProgress);
    progress.phase('extract', totalBytes, files.length);
    const jobs = planReadJobs(dir, fh.fd, dir.entries, targetOf, opts.fsync ?? false);
    pool = leasePool(opts.threads);
    const afterwards = `Nothing was extracted; ${dest} is unchanged.`;
    await runReadJobs(pool, jobs, progress, signal, zipPath, afterwards, what);

    // Folder modes and times last (deepest first): writing files changes a folder's mtime.
    const umask = currentUmask();
    for (const { entry, abs } of explicitDirs.sort((a, b) => b.abs.length - a.abs.length)) {
      if (entry.unixMode !== undefined) await fsp.chmod(abs, extractedDirMode(entry.unixMode, umask));
      if (restoreMtimes) await fsp.utimes(abs, entry.mtime, entry.mtime);
    }
    if (signal?.aborted) throw aborted();

    if (existing) {
      old = tempPathBeside(dest, 'old');
      await fsp.rename(dest, old).catch((err) => {
        throw new ArchiveWriteError(`Cannot move the old ${dest} aside (${errnoOf(err)}): is a file in it open in another program? `
          + 'Nothing was changed.', dest, err);
      });
    }
    try {
      await fsp.rename(temp, dest);
      placed = true;
    } catch (err) {
      if (old) await fsp.rename(old, dest).then(() => { old = undefined; }, () => {});
      const code = errnoOf(err);
      if (code === 'EEXIST' || code === 'ENOTEMPTY') throw new DestinationExistsError(dest);
      throw new ArchiveWriteError(`Cannot move the extracted folder into place at ${dest} (${code}). ${writeHint(code)}`, dest, err);
    }
    progress.emit(true);
    return {
      entries: dir.entries.length, files: files.length, directories: dir.entries.length - files.length,
      bytes: totalBytes, ms: performance.now() - started,
    };
  } catch (err) {
    if (signal?.aborted && !placed) throw aborted();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    pool?.cancel();
    await pool?.release();
    await fh.close().catch(() => {});
    if (temp) {
      if (!placed) await fsp.rm(temp, { recursive: true, force: true }).catch(() => {});
      releaseTemp(temp);
    }
    if (old) {
      if (placed) await fsp.rm(old, { recursive: true, force: true }).catch(() => {});
      releaseTemp(old);
    }
  }
}
