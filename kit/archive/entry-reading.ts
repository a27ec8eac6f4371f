/**
 * Reading every entry of an archive back through the worker pool: used by verification (after writing, and
 * verifyZip) and by extraction. Entries are taken in file order and grouped into regions of a few MiB that a
 * worker reads with one call; large entries are streamed on their own.
 */
import { ArchiveAbortedError, ArchiveError, ArchiveSourceError, ArchiveWriteError, UnsafeZipEntryError, ZipChecksumError, ZipCorruptError, ZipSizeMismatchError, writeHint } from './errors.ts';
import { JobFailedError, type PoolLease } from './worker-pool.ts';
import { LOCAL_HEADER_SIZE } from './zip-format.ts';
import { STREAM_ENTRY_MIN, type JobFailure, type ReadEntriesJob, type ReadEntriesResult, type ReadItem } from './worker-jobs.ts';
import type { CentralEntry, ZipDirectory } from './zip-reader.ts';
import type { ProgressReporter } from './progress.ts';

const REGION_MAX = 4 * 1024 * 1024;
const REGION_ITEMS_MAX = 512;

export interface EntryTarget {
  target: string;
  mode: number;
  mtimeMs: number | undefined;
}

/**
 * Sorts entries by offset, checks that no two share or overlap their header start, and groups them into jobs.
 * `targetOf` gives the output file of an entry (extraction) or undefined (verification only).
 */
export function planReadJobs(dir: ZipDirectory, zipFd: number, entries: CentralEntry[],
  targetOf: (e: CentralEntry) => EntryTarget | undefined, fsync: boolean): ReadEntriesJob[] {
  const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  const jobs: ReadEntriesJob[] = [];
  let current: ReadEntriesJob | undefined;
  let currentBytes = 0;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    const next = sorted[i + 1];
    if (next && next.localOffset === e.localOffset) {
      throw new ZipCorruptError(`Entries "${e.name}" and "${next.name}" of ${dir.zipPath} point at the same data. `
        + 'Overlapping entries are a zip-bomb technique; the archive is refused.', dir.zipPath, next.name);
    }
    const limit = next ? next.localOffset : dir.dataEnd;
    if (e.localOffset + LOCAL_HEADER_SIZE + e.nameBytes.length + e.compressedSize > limit) {
      throw new ZipSizeMismatchError(`Entry "${e.name}" of ${dir.zipPath} declares ${e.compressedSize} compressed bytes, which run past `
        + `${next ? `the next entry ("${next.name}")` : 'the end of the archive data'}. The archive is damaged or hostile.`, dir.zipPath, e.name);
    }
    const end = Math.min(limit, e.localOffset + LOCAL_HEADER_SIZE + e.nameBytes.length + 0xffff + e.compressedSize);
    const t = targetOf(e);
    const item: ReadItem = {
      index: e.index, name: e.name, nameBytes: e.nameBytes, localOffset: e.localOffset, limit, method: e.method,
      compressedSize: e.compressedSize, size: e.size, crc32: e.crc32,
      ...(t ? { target: t.target, mode: t.mode, ...(t.mtimeMs !== undefined ? { mtimeMs: t.mtimeMs } : {}) } : {}),
    };
    const span = end - e.localOffset;
    const streamed = e.compressedSize >= STREAM_ENTRY_MIN || e.size >= STREAM_ENTRY_MIN;
    if (streamed || span + e.size > REGION_MAX) {
      jobs.push({ kind: 'read-entries', zipFd, start: e.localOffset, end, items: [item], fsync });
      current = undefined;
      continue;
    }
    if (!current || currentBytes + span + e.size > REGION_MAX || current.items.length >= REGION_ITEMS_MAX) {
      current = { kind: 'read-entries', zipFd, start: e.localOffset, end, items: [], fsync };
      currentBytes = 0;
      jobs.push(current);
    }
    current.items.push(item);
    current.end = end;
    currentBytes += span + e.size;
  }
  return jobs;
}

/** Turns a worker failure into the typed error the caller sees. `afterwards` ends the message (what state things are in). */
export function readFailureToError(f: JobFailure, zipPath: string, afterwards: string): ArchiveError {
  switch (f.failure) {
    case 'corrupt': return new ZipCorruptError(`Entry "${f.subject}" of ${zipPath} is damaged: ${f.message}. ${afterwards}`, zipPath, f.subject);
    case 'checksum': return new ZipChecksumError(`Entry "${f.subject}" of ${zipPath} is damaged: ${f.message}. ${afterwards}`, zipPath, f.subject);
    case 'size': return new ZipSizeMismatchError(`Entry "${f.subject}" of ${zipPath} lies about its size: ${f.message}. `
      + `The archive is damaged or hostile. ${afterwards}`, zipPath, f.subject);
    case 'exists': return new UnsafeZipEntryError(`Entry "${f.subject}" of ${zipPath} would overwrite a file extracted just before: `
      + `${f.message}. ${afterwards}`, zipPath, f.subject, 'duplicate');
    case 'write': return new ArchiveWriteError(`Cannot write ${f.subject}: ${f.message}. ${writeHint(f.errno)} ${afterwards}`, f.subject, Object.assign(new Error(f.message), { code: f.errno }));
    case 'source': return new ArchiveSourceError(`Cannot read ${f.subject}: ${f.message}.`, f.subject, Object.assign(new Error(f.message), { code: f.errno }));
    case 'aborted': return new ArchiveAbortedError('The operation');
    case 'internal': return new ArchiveError(`Unexpected failure in an archive worker: ${f.message}. ${afterwards}`, 'ARCHIVE_INTERNAL');
  }
}

/** Runs every job through the pool (in order, bounded by the pool's depth) and waits for all of them. */
export async function runReadJobs(pool: PoolLease, jobs: ReadEntriesJob[], progress: ProgressReporter,
  signal: AbortSignal | undefined, zipPath: string, afterwards: string, what: string): Promise<ReadEntriesResult> {
  const total: ReadEntriesResult = { bytes: 0, files: 0 };
  const running: Promise<void>[] = [];
  let firstError: unknown;
  const onDone = (r: ReadEntriesResult) => {
    total.bytes += r.bytes;
    total.files += r.files;
    progress.add(r.bytes, r.files);
  };
  try {
    for (const job of jobs) {
      if (signal?.aborted) throw new ArchiveAbortedError(what, signal.reason);
      if (firstError) break;
      const { done } = await pool.submit<ReadEntriesResult>(job);
      running.push(done.then(onDone, (err) => { firstError ??= err; pool.cancel(); }));
    }
    await Promise.all(running);
    if (signal?.aborted) throw new ArchiveAbortedError(what, signal.reason);
    if (firstError) throw firstError;
  } catch (err) {
    pool.cancel();
    await Promise.allSettled(running);
    const e = firstError && !(err instanceof ArchiveAbortedError) ? firstError : err;
    if (e instanceof JobFailedError) {
      if (e.failure.failure === 'aborted' && signal?.aborted) throw new ArchiveAbortedError(what, signal.reason);
      throw readFailureToError(e.failure, zipPath, afterwards);
    }
    throw e;
  }
  return total;
}
