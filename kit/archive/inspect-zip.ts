/** listZip and verifyZip: read-only looks at an archive. */
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveAbortedError, ArchiveSourceError, errnoOf } from './errors.ts';
import { planReadJobs, runReadJobs } from './entry-reading.ts';
import { ProgressReporter, type ProgressCallback } from './progress.ts';
import { leasePool, type PoolLease } from './worker-pool.ts';
import { METHOD_DEFLATE, METHOD_STORE } from './zip-format.ts';
import { readZipDirectory } from './zip-reader.ts';

export interface ZipEntryInfo {
  /** Name as stored; folders end with '/'. */
  name: string;
  isDirectory: boolean;
  isSymlink: boolean;
  /** Uncompressed size in bytes. */
  size: number;
  compressedSize: number;
  method: 'store' | 'deflate' | number;
  crc32: number;
  mtime: Date;
  /** Unix mode (type and permission bits) when the archive recorded one. */
  mode: number | undefined;
}

export async function openZipFile(zipPath: string): Promise<FileHandle> {
  try {
    return await fsp.open(zipPath, 'r');
  } catch (err) {
    throw new ArchiveSourceError(`Cannot open the archive ${path.resolve(zipPath)} (${errnoOf(err) ?? String(err)}). `
      + 'Check the path and that the file is readable.', zipPath, err);
  }
}

/** The entries of an archive, in central-directory order. Throws ZipCorruptError when the directory is damaged. */
export async function listZip(zipPath: string): Promise<ZipEntryInfo[]> {
  const fh = await openZipFile(zipPath);
  try {
    const dir = await readZipDirectory(fh, zipPath);
    return dir.entries.map(e => ({
      name: e.name, isDirectory: e.isDirectory, isSymlink: e.isSymlink, size: e.size, compressedSize: e.compressedSize,
      method: e.method === METHOD_STORE ? 'store' : e.method === METHOD_DEFLATE ? 'deflate' : e.method,
      crc32: e.crc32, mtime: e.mtime, mode: e.unixMode,
    }));
  } finally {
    await fh.close();
  }
}

export interface VerifyZipOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  threads?: number;
}

export interface VerifySummary {
  entries: number;
  /** Uncompressed bytes checked. */
  bytes: number;
  ms: number;
}

/**
 * Reads every entry: local headers must agree with the central directory, data must inflate to exactly the
 * declared size and match its CRC-32. Throws ZipCorruptError (or a subclass) naming the first bad entry.
 */
export async function verifyZip(zipPath: string, opts: VerifyZipOptions = {}): Promise<VerifySummary> {
  const started = performance.now();
  const what = `Verifying ${zipPath}`;
  if (opts.signal?.aborted) throw new ArchiveAbortedError(what, opts.signal.reason);
  const fh = await openZipFile(zipPath);
  let pool: PoolLease | undefined;
  const onAbort = () => pool?.cancel();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const dir = await readZipDirectory(fh, zipPath);
    const bytesTotal = dir.entries.reduce((s, e) => s + e.size, 0);
    const progress = new ProgressReporter(opts.onProgress);
    progress.phase('verify', bytesTotal, dir.entries.filter(e => !e.isDirectory).length);
    const jobs = planReadJobs(dir, fh.fd, dir.entries, () => undefined, false);
    pool = leasePool(opts.threads);
    const r = await runReadJobs(pool, jobs, progress, opts.signal, zipPath, 'Use another copy of this archive.', what);
    progress.emit(true);
    return { entries: dir.entries.length, bytes: r.bytes, ms: performance.now() - started };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    pool?.cancel();
    await pool?.release();
    await fh.close();
  }
}
