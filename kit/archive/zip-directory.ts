/**
 * zipDirectory: archive a folder's contents into a zip that appears at the destination only once it is
 * complete and verified.
 *
 *   scan -> temp file beside the destination -> workers read, checksum and deflate (or store) files in parallel
 *   and keep their output; this thread lays the output out in order and each worker writes its own at the
 *   place given (the data never enters this thread's heap, so its garbage collections stay short while a hub
 *   saves) -> central directory -> read every entry back (inflate + CRC-32) -> fsync -> rename over the
 *   destination -> fsync the folder.
 *
 * Any failure or abort removes the temp file; the previous archive at the destination is never touched.
 */
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32Combine } from './crc32-combine.ts';
import { hasCompressedExtension, looksIncompressible, sampleRanges } from './compressibility.ts';
import { ArchiveAbortedError, ArchiveError, ArchiveSourceError, ArchiveWriteError, OutsideLinkError, ZipCorruptError, errnoOf, writeHint, type OutsideLink } from './errors.ts';
import { planReadJobs, readFailureToError, runReadJobs } from './entry-reading.ts';
import { ProgressReporter, type ProgressCallback } from './progress.ts';
import { scanTree, type ExcludePredicate, type SourceEntry } from './scan.ts';
import { releaseTemp, tempPathBeside } from './temp-files.ts';
import { JobFailedError, leasePool, type PoolLease } from './worker-pool.ts';
import { CHUNK_SIZE, SMALL_FILE_MAX, type BatchItem, type CompressBatchResult, type CompressChunkResult, type WriteHeldResult } from './worker-jobs.ts';
import {
  METHOD_DEFLATE, METHOD_STORE, buildEndRecords, centralRecordLength, localHeaderLength, patchLocalHeaderSizes,
  writeCentralRecord, writeLocalHeader, type EntryRecord,
} from './zip-format.ts';
import { readZipDirectory } from './zip-reader.ts';

export interface ZipDirectoryOptions {
  /** Deflate level 0 (store everything) to 9. Default 6, like `zip`. */
  level?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Leave out entries (relative paths with forward slashes); excluding a folder excludes what is below it. */
  exclude?: ExcludePredicate;
  /** Worker threads. Default: available cores, at most 4. */
  threads?: number;
  /** 'always' writes ZIP64 records even for small archives (compatibility testing). Default 'auto'. */
  zip64?: 'auto' | 'always';
  /**
   * Symlinks are followed (what they lead to is stored). One leading outside `srcDir` refuses the archive
   * (OutsideLinkError, nothing written) unless this is true: a link to a library or home folder would put all
   * of it in the archive. Default false.
   */
  followOutsideLinks?: boolean;
  /**
   * Called with the finished, verified and synced temp archive just before it is renamed over the destination
   * (its mtime and size are the destination's from then on): a caller can note what it is about to put there,
   * so that a crash between the rename and its own bookkeeping still lets it recognise the archive. A throw
   * leaves the destination unchanged.
   */
  beforeRename?: (temp: string) => Promise<void>;
}

export interface ZipSummary {
  /** Entries in the archive (files and folders). */
  entries: number;
  files: number;
  directories: number;
  /** Files stored without compression because they looked already compressed. */
  storedFiles: number;
  bytesIn: number;
  bytesOut: number;
  /** Total time, and the part of it spent verifying. */
  ms: number;
  verifyMs: number;
  /** Source paths left out: dangling symlinks, symlink loops, sockets and other special files. */
  skipped: string[];
}

const BATCH_BYTES = 1024 * 1024;
const BATCH_ITEMS = 256;
/** Files at least this big get a ZIP64 local header up front (their compressed size is only known later). */
const ZIP64_LOCAL_FROM = 0xff000000;

type Unit =
  | { kind: 'batch'; entries: SourceEntry[]; done: Promise<CompressBatchResult>; worker: number }
  | { kind: 'file-start'; entry: SourceEntry; deflate: boolean }
  | { kind: 'chunk'; length: number; last: boolean; done: Promise<CompressChunkResult>; worker: number };

/** A bounded FIFO between the planner (submits jobs) and the writer (consumes results in order). */
class UnitQueue {
  private readonly items: Unit[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly spaceWaiters: Array<() => void> = [];
  ended = false;
  private readonly capacity: number;
  constructor(capacity: number) { this.capacity = capacity; }
  async push(u: Unit): Promise<void> {
    while (this.items.length >= this.capacity) await new Promise<void>(r => this.spaceWaiters.push(r));
    this.items.push(u);
    this.waiters.shift()?.();
  }
  end(): void { this.ended = true; for (const w of this.waiters.splice(0)) w(); }
  async shift(): Promise<Unit | undefined> {
    for (;;) {
      const u = this.items.shift();
      if (u) { this.spaceWaiters.shift()?.(); return u; }
      if (this.ended) return undefined;
      await new Promise<void>(r => this.waiters.push(r));
    }
  }
  /** Wakes a blocked producer so it can notice a failure. */
  drainWaiters(): void { for (const w of this.spaceWaiters.splice(0)) w(); this.items.length = 0; }
}

function outsideLinksError(root: string, links: OutsideLink[]): OutsideLinkError {
  const shown = links.slice(0, 5).map((l) => `${l.rel} -> ${l.target}`).join('; ');
  return new OutsideLinkError(`${root} holds ${links.length} symlink${links.length === 1 ? '' : 's'} leading outside it (${shown}`
    + `${links.length > 5 ? '; ...' : ''}). Links are followed when zipping, so what they lead to would go into the archive. `
    + 'Nothing was written. Replace the link with a copy, or pass followOutsideLinks: true if that is wanted.', root, links);
}

export async function zipDirectory(srcDir: string, destZip: string, opts: ZipDirectoryOptions = {}): Promise<ZipSummary> {
  const started = performance.now();
  const level = opts.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new ArchiveError(`Invalid zip level ${level}: use an integer from 0 (store) to 9 (smallest).`, 'ARCHIVE_USAGE');
  }
  const signal = opts.signal;
  const dest = path.resolve(destZip);
  const what = `Zipping ${path.resolve(srcDir)} to ${dest}`;
  const aborted = () => new ArchiveAbortedError(what, signal?.reason);
  if (signal?.aborted) throw aborted();
  const progress = new ProgressReporter(opts.onProgress);

  const destStat = await fsp.stat(dest).catch(() => null);
  if (destStat?.isDirectory()) {
    throw new ArchiveWriteError(`Cannot write the archive to ${dest}: it is a folder. Give a file name ending in .zip.`, dest);
  }

  progress.phase('scan', 0, 0);
  const scan = await scanTree(srcDir, {
    exclude: opts.exclude, ignorePaths: [dest], signal, followOutsideLinks: opts.followOutsideLinks ?? false,
    onEntry: (files, bytes) => { progress.state.filesTotal = progress.state.filesDone = files; progress.state.bytesTotal = progress.state.bytesDone = bytes; progress.emit(false); },
  }).catch((err) => { throw signal?.aborted ? aborted() : err; });
  progress.emit(true);
  if (scan.outsideLinks.length) throw outsideLinksError(path.resolve(srcDir), scan.outsideLinks);

  const temp = tempPathBeside(dest);
  let fh: FileHandle | undefined;
  let pool: PoolLease | undefined;
  let renamed = false;
  const onAbort = () => pool?.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    try {
      fh = await fsp.open(temp, 'wx+', 0o666);
      if (destStat) await fh.chmod(destStat.mode & 0o777);
    } catch (err) {
      throw new ArchiveWriteError(`Cannot create the archive beside ${dest} (${errnoOf(err) ?? String(err)}). ${writeHint(errnoOf(err))}`, dest, err);
    }
    pool = leasePool(opts.threads);
    const forceZip64 = opts.zip64 === 'always';

    progress.phase('zip', scan.totalBytes, scan.fileCount);
    const { records, bytesOut, storedFiles } = await writeEntries(fh, temp, dest, scan.entries, pool, level, forceZip64, progress, signal, aborted);
    progress.emit(true);

    const verifyStart = performance.now();
    progress.phase('verify', scan.totalBytes, scan.fileCount);
    await verifyWritten(fh, temp, dest, records, pool, progress, signal, what);
    const verifyMs = performance.now() - verifyStart;
    if (signal?.aborted) throw aborted();

    try {
      await fh.sync();
      await fh.close();
      fh = undefined;
      await opts.beforeRename?.(temp);
      await fsp.rename(temp, dest);
      renamed = true;
    } catch (err) {
      throw new ArchiveWriteError(`Cannot move the finished archive into place at ${dest} (${errnoOf(err) ?? String(err)}). `
        + `${writeHint(errnoOf(err))} The previous archive is unchanged.`, dest, err);
    }
    await syncDirectory(path.dirname(dest));
    progress.emit(true);
    return {
      entries: records.length,
      files: scan.fileCount,
      directories: records.length - scan.fileCount,
      storedFiles,
      bytesIn: scan.totalBytes,
      bytesOut,
      ms: performance.now() - started,
      verifyMs,
      skipped: scan.skipped,
    };
  } catch (err) {
    if (signal?.aborted && !renamed) throw aborted();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!renamed) pool?.cancel();
    await pool?.release();
    if (fh) await fh.close().catch(() => {});
    if (!renamed) await fsp.rm(temp, { force: true }).catch(() => {});
    releaseTemp(temp);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let d: FileHandle | undefined;
  try {
    d = await fsp.open(dir, 'r');
    await d.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename itself has happened.
  } finally {
    await d?.close().catch(() => {});
  }
}

/** Chooses store or deflate for a file too large for one job, from its extension or a few samples. */
async function chooseDeflate(entry: SourceEntry, level: number): Promise<boolean> {
  if (level === 0 || hasCompressedExtension(entry.rel)) return false;
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(entry.abs, 'r');
    const slices: Uint8Array[] = [];
    for (const [start, length] of sampleRanges(entry.size)) {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, start);
      slices.push(buf.subarray(0, bytesRead));
    }
    return !looksIncompressible(slices);
  } catch {
    return true; // the chunk jobs will report the read error with context
  } finally {
    await fh?.close().catch(() => {});
  }
}

async function writeEntries(fh: FileHandle, temp: string, dest: string, entries: SourceEntry[], pool: PoolLease, level: number,
  forceZip64: boolean, progress: ProgressReporter, signal: AbortSignal | undefined, aborted: () => Error,
): Promise<{ records: EntryRecord[]; bytesOut: number; storedFiles: number }> {
  const queue = new UnitQueue(pool.size * 4);
  let failed: unknown;

  const planner = (async () => {
    let batch: SourceEntry[] = [];
    let batchBytes = 0;
    const flush = async () => {
      if (!batch.length) return;
      const items: BatchItem[] = batch.map(e => ({
        abs: e.abs, name: e.isDirectory ? `${e.rel}/` : e.rel, isDirectory: e.isDirectory, size: e.size, mode: e.mode,
        mtimeMs: e.mtimeMs, store: hasCompressedExtension(e.rel),
      }));
      const { done, worker } = await pool.submit<CompressBatchResult>({ kind: 'compress-batch', level, forceZip64, items, hold: true });
      await queue.push({ kind: 'batch', entries: batch, done, worker });
      batch = [];
      batchBytes = 0;
    };
    for (const e of entries) {
      if (failed || signal?.aborted) return;
      if (e.isDirectory || e.size <= SMALL_FILE_MAX) {
        batch.push(e);
        batchBytes += e.size;
        if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_ITEMS) await flush();
        continue;
      }
      await flush();
      const deflate = await chooseDeflate(e, level);
      await queue.push({ kind: 'file-start', entry: e, deflate });
      for (let offset = 0; offset < e.size; offset += CHUNK_SIZE) {
        if (failed || signal?.aborted) return;
        const length = Math.min(CHUNK_SIZE, e.size - offset);
        const last = offset + length >= e.size;
        const { done, worker } = await pool.submit<CompressChunkResult>({ kind: 'compress-chunk', abs: e.abs, offset, length, level, deflate, last, hold: true });
        await queue.push({ kind: 'chunk', length, last, done, worker });
      }
    }
    await flush();
  })().catch((err) => { failed ??= err; }).finally(() => queue.end());

  const records: EntryRecord[] = [];
  let pos = 0;
  let storedFiles = 0;
  const writeError = (errno: string | undefined, cause: unknown) => new ArchiveWriteError(`Cannot write the archive ${temp} (${errno ?? String(cause)}). `
    + `${writeHint(errno)} The previous archive at ${dest} is unchanged.`, dest, cause);
  const write = async (buf: Uint8Array, at: number): Promise<void> => {
    try {
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await fh.write(buf, done, buf.length - done, at + done);
        done += bytesWritten;
      }
    } catch (err) {
      throw writeError(errnoOf(err), err);
    }
  };
  // Writes of held output under way (each by the worker that holds it), at most a few per worker.
  const writing = new Set<Promise<void>>();
  let heldWriteFailed: unknown;
  const checkHeldWrites = () => {
    if (heldWriteFailed === undefined) return;
    const f = heldWriteFailed instanceof JobFailedError ? heldWriteFailed.failure : null;
    throw f?.failure === 'write' ? writeError(f.errno, heldWriteFailed) : heldWriteFailed;
  };
  const writeHeld = async (worker: number, key: number, at: number): Promise<void> => {
    const { done } = pool.submitTo<WriteHeldResult>(worker, { kind: 'write-held', key, fd: fh.fd, position: at, subject: temp });
    const w: Promise<void> = done.then(() => { writing.delete(w); }, (err) => { writing.delete(w); heldWriteFailed ??= err; });
    writing.add(w);
    if (writing.size >= pool.size * 4) await Promise.race(writing);
    checkHeldWrites();
  };

  try {
    let big: { rec: EntryRecord; header: Buffer; headerAt: number } | undefined;
    for (;;) {
      const unit = await queue.shift();
      if (!unit) break;
      if (signal?.aborted) throw aborted();
      if (unit.kind === 'batch') {
        const res = await unit.done;
        await writeHeld(unit.worker, res.held!, pos);
        let p = pos;
        unit.entries.forEach((e, i) => {
          const r = res.entries[i]!;
          records.push({
            nameBytes: Buffer.from(e.isDirectory ? `${e.rel}/` : e.rel, 'utf8'), isDirectory: e.isDirectory, method: r.method,
            crc32: r.crc32, compressedSize: r.compressedSize, size: e.size, mode: e.mode, mtimeMs: e.mtimeMs,
            zip64Local: r.zip64Local, localOffset: p,
          });
          if (!e.isDirectory && r.method === METHOD_STORE && e.size > 0) storedFiles++;
          p += r.recordLength;
        });
        pos += res.byteLength;
        progress.add(unit.entries.reduce((s, e) => s + e.size, 0), unit.entries.filter(e => !e.isDirectory).length);
      } else if (unit.kind === 'file-start') {
        const e = unit.entry;
        const rec: EntryRecord = {
          nameBytes: Buffer.from(e.rel, 'utf8'), isDirectory: false, method: unit.deflate ? METHOD_DEFLATE : METHOD_STORE,
          crc32: 0, compressedSize: 0, size: 0, mode: e.mode, mtimeMs: e.mtimeMs,
          zip64Local: forceZip64 || e.size >= ZIP64_LOCAL_FROM, localOffset: pos,
        };
        const header = Buffer.alloc(localHeaderLength(rec.nameBytes.length, rec.zip64Local));
        writeLocalHeader(header, 0, rec);
        await write(header, pos);
        big = { rec, header, headerAt: pos };
        pos += header.length;
        if (!unit.deflate) storedFiles++;
      } else {
        const res = await unit.done;
        const b = big!;
        await writeHeld(unit.worker, res.held!, pos);
        pos += res.byteLength;
        b.rec.crc32 = crc32Combine(b.rec.crc32, res.crc32, unit.length);
        b.rec.size += unit.length;
        b.rec.compressedSize += res.byteLength;
        progress.add(unit.length, unit.last ? 1 : 0);
        if (unit.last) {
          if (!b.rec.zip64Local && b.rec.compressedSize >= 0xffffffff) {
            throw new ArchiveError(`Internal error: ${b.rec.nameBytes.toString()} compressed past 4 GiB without a ZIP64 header.`);
          }
          patchLocalHeaderSizes(b.header, b.rec);
          await write(b.header, b.headerAt);
          records.push(b.rec);
          big = undefined;
        }
      }
    }
    await planner;
    if (failed) throw failed;
    await Promise.all(writing);
    checkHeldWrites();
    if (signal?.aborted) throw aborted();

    const cdOffset = pos;
    const cd = Buffer.allocUnsafe(records.reduce((s, r) => s + centralRecordLength(r), 0));
    let p = 0;
    for (const r of records) p += writeCentralRecord(cd, p, r);
    await write(cd, pos);
    pos += cd.length;
    const end = buildEndRecords(records.length, cdOffset, cd.length, forceZip64);
    await write(end, pos);
    pos += end.length;
    return { records, bytesOut: pos, storedFiles };
  } catch (err) {
    failed ??= err;
    pool.cancel();
    queue.drainWaiters();
    await planner;
    throw mapZipError(failed, dest);
  }
}

function mapZipError(err: unknown, dest: string): unknown {
  if (err instanceof JobFailedError) {
    const f = err.failure;
    if (f.failure === 'source') {
      return new ArchiveSourceError(`Cannot archive ${f.subject}: ${f.message}. The previous archive at ${dest} is unchanged; `
        + 'save again once the project folder is complete.', f.subject, Object.assign(new Error(f.message), { code: f.errno }));
    }
    return readFailureToError(f, dest, `The previous archive at ${dest} is unchanged.`);
  }
  return err;
}

/** Reads the temp archive back: its central directory must list exactly what was written, and every entry must inflate to its CRC. */
async function verifyWritten(fh: FileHandle, temp: string, dest: string, records: EntryRecord[], pool: PoolLease,
  progress: ProgressReporter, signal: AbortSignal | undefined, what: string): Promise<void> {
  const afterwards = `The archive just written failed verification (a failing disk or memory?); the previous archive at ${dest} is unchanged.`;
  const dir = await readZipDirectory(fh, temp);
  const mismatch = (why: string) => new ZipCorruptError(`${afterwards} ${why}`, temp);
  if (dir.entries.length !== records.length) throw mismatch(`It lists ${dir.entries.length} entries instead of ${records.length}.`);
  dir.entries.forEach((e, i) => {
    const r = records[i]!;
    if (!e.nameBytes.equals(r.nameBytes) || e.crc32 !== r.crc32 || e.size !== r.size || e.compressedSize !== r.compressedSize
      || e.localOffset !== r.localOffset || e.method !== r.method) {
      throw mismatch(`Its central directory record for "${e.name}" differs from what was written.`);
    }
  });
  const jobs = planReadJobs(dir, fh.fd, dir.entries, () => undefined, false);
  await runReadJobs(pool, jobs, progress, signal, temp, afterwards, what);
}
