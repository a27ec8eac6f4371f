/**
 * The CPU-heavy work of the archive engine, run in worker threads (see archive-worker.ts and worker-pool.ts):
 * reading source files, CRC-32, deflate/inflate, writing extracted files. Everything here is synchronous on
 * purpose: a worker has nothing else to do, and sync zlib avoids the ~150 µs per call that async zlib spends
 * in stream machinery on the main thread (measured: 2 000 small async deflates 388 ms vs 35 ms sync).
 *
 * Failures are returned as plain JobFailure objects (class instances do not cross threads); the main thread
 * turns them into typed errors.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { looksIncompressible, sampleRanges } from './compressibility.ts';
import {
  LOCAL_HEADER_SIZE, METHOD_DEFLATE, METHOD_STORE, SIG_LOCAL, localHeaderLength, writeLocalHeader,
  type EntryRecord,
} from './zip-format.ts';

/**
 * The nice value of archive worker threads on Linux: below the hub's main thread and the DCC, so a zip does
 * not delay their calls, but not 19: at 19 a zip gets ~1.5% of a CPU beside work at normal priority, and a
 * save could take many minutes while the artist renders locally (at 10, ~10%).
 */
export const WORKER_NICE = 10;

/** Largest file compressed in one piece; bigger files are split into chunks compressed in parallel. */
export const SMALL_FILE_MAX = 2 * 1024 * 1024;
export const CHUNK_SIZE = 2 * 1024 * 1024;
/** Entries bigger than this (either size) are inflated as a stream rather than in one buffer. */
export const STREAM_ENTRY_MIN = 16 * 1024 * 1024;
const STREAM_READ_SIZE = 1024 * 1024;
const DICT_SIZE = 32 * 1024;

export interface BatchItem {
  abs: string;
  name: string;
  isDirectory: boolean;
  size: number;
  mode: number;
  mtimeMs: number;
  /** The extension says it is compressed already: store without looking. */
  store: boolean;
}

export interface CompressBatchJob {
  kind: 'compress-batch';
  level: number;
  forceZip64: boolean;
  items: BatchItem[];
  /** Keep the output in this worker (`held`) for a later write-held job instead of sending it back. */
  hold?: boolean;
}

export interface CompressBatchResult {
  /** Local header + data of every item, back to back, in the first `byteLength` bytes (absent when held). */
  buffer?: ArrayBuffer;
  /** The key of the output kept in the worker, for write-held. */
  held?: number;
  byteLength: number;
  entries: Array<{ method: number; crc32: number; compressedSize: number; zip64Local: boolean; recordLength: number }>;
}

export interface CompressChunkJob {
  kind: 'compress-chunk';
  abs: string;
  offset: number;
  length: number;
  level: number;
  deflate: boolean;
  last: boolean;
  hold?: boolean;
}

export interface CompressChunkResult {
  buffer?: ArrayBuffer;
  held?: number;
  byteOffset: number;
  byteLength: number;
  crc32: number;
}

export interface ReadItem {
  index: number;
  name: string;
  nameBytes: Uint8Array;
  localOffset: number;
  /** Offset this entry's header and data must end before (next entry's header or the central directory). */
  limit: number;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Extraction: absolute path of the file to create (exclusively). Absent when only verifying. */
  target?: string;
  mode?: number;
  mtimeMs?: number;
}

export interface ReadEntriesJob {
  kind: 'read-entries';
  /** File descriptor of the archive, opened by the main thread (descriptors are per process). */
  zipFd: number;
  /** Byte range covering every item (read in one go unless streaming a single big entry). */
  start: number;
  end: number;
  items: ReadItem[];
  fsync: boolean;
}

export interface ReadEntriesResult {
  bytes: number;
  files: number;
}

/** Writes output a compress job of this worker kept, at `position` of the archive open as `fd`, and frees it. */
export interface WriteHeldJob {
  kind: 'write-held';
  key: number;
  fd: number;
  position: number;
  /** The archive being written, named in a failure. */
  subject: string;
}

export interface WriteHeldResult { bytes: number }

export type WorkerJob = CompressBatchJob | CompressChunkJob | ReadEntriesJob | WriteHeldJob;

export type FailureKind = 'source' | 'corrupt' | 'checksum' | 'size' | 'write' | 'exists' | 'aborted' | 'internal';

export interface JobFailure {
  failure: FailureKind;
  message: string;
  /** Entry name (read jobs) or source path (compress jobs). */
  subject: string;
  errno?: string;
}

class JobError extends Error {
  readonly failure: JobFailure;
  constructor(failure: JobFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** Set to non-zero by the main thread to ask running jobs to stop at the next file or chunk. */
let cancelFlag: Int32Array | undefined;
export function setCancelFlag(flag: Int32Array): void { cancelFlag = flag; }
function checkCancel(): void {
  if (cancelFlag && Atomics.load(cancelFlag, 0) !== 0) throw new JobError({ failure: 'aborted', message: 'aborted', subject: '' });
}

export function failureOf(err: unknown): JobFailure {
  if (err instanceof JobError) return err.failure;
  const e = err as NodeJS.ErrnoException;
  return { failure: 'internal', message: e?.message ?? String(err), subject: e?.path ?? '', errno: e?.code };
}

function writeFailure(target: string, err: unknown): JobError {
  if (err instanceof JobError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new JobError({ failure: 'write', subject: target, errno: code, message: `cannot write it (${code ?? String(err)})` });
}

// ---------------------------------------------------------------------------------------------- compress

function readSourceExactly(abs: string, size: number, position = 0, into?: Buffer): Buffer {
  const buf = into ?? Buffer.allocUnsafe(size);
  let fd: number;
  try {
    fd = fs.openSync(abs, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new JobError({ failure: 'source', subject: abs, errno: code,
      message: code === 'ENOENT' ? 'it disappeared while the archive was being written' : `it cannot be opened (${code})` });
  }
  try {
    let done = 0;
    while (done < size) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, done, size - done, position + done);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new JobError({ failure: 'source', subject: abs, errno: code, message: `it cannot be read (${code})` });
      }
      if (n === 0) {
        throw new JobError({ failure: 'source', subject: abs,
          message: `it shrank while the archive was being written (expected ${position + size} bytes, found ${position + done})` });
      }
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

function shouldStore(item: BatchItem, data: Buffer): boolean {
  if (item.store) return true;
  return looksIncompressible(sampleRanges(data.length).map(([s, l]) => data.subarray(s, s + l)));
}

/**
 * Output kept in this worker until the main thread says where it goes (write-held): a zip's compressed data
 * never enters the main thread's heap, whose garbage collections would pause the hub's calls. Entries of an
 * operation that was cancelled are dropped at the next message (or when the idle worker ends).
 */
const held = new Map<number, { data: Uint8Array; cancel: Int32Array | undefined }>();
let nextHeld = 1;

function hold(data: Uint8Array): number {
  const key = nextHeld++;
  held.set(key, { data, cancel: cancelFlag });
  return key;
}

export function dropCancelledHeld(): void {
  for (const [key, h] of held) if (h.cancel && Atomics.load(h.cancel, 0) !== 0) held.delete(key);
}

function writeHeld(job: WriteHeldJob): { result: WriteHeldResult; transfer: ArrayBuffer[] } {
  const h = held.get(job.key);
  held.delete(job.key);
  if (!h) throw new JobError({ failure: 'internal', subject: job.subject, message: `no held output ${job.key} in this worker` });
  checkCancel();
  let done = 0;
  while (done < h.data.length) {
    try {
      done += fs.writeSync(job.fd, h.data, done, h.data.length - done, job.position + done);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new JobError({ failure: 'write', subject: job.subject, errno: code, message: `cannot write it (${code ?? String(err)})` });
    }
  }
  return { result: { bytes: done }, transfer: [] };
}

/** Grow-only scratch memory of this worker: source reads and archive regions reuse it instead of allocating. */
let scratch = Buffer.allocUnsafeSlow(0);
function scratchOf(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 1024 * 1024));
  return scratch.subarray(0, size);
}

export function compressBatch(job: CompressBatchJob): { result: CompressBatchResult; transfer: ArrayBuffer[] } {
  // Each record fits in header + size bytes: data that does not shrink is stored.
  let capacity = 0;
  const names = job.items.map((item) => {
    const nameBytes = Buffer.from(item.name, 'utf8');
    capacity += localHeaderLength(nameBytes.length, job.forceZip64 && !item.isDirectory) + item.size;
    return nameBytes;
  });
  const out = Buffer.allocUnsafeSlow(capacity);
  let p = 0;
  const entries: CompressBatchResult['entries'] = [];
  job.items.forEach((item, i) => {
    checkCancel();
    const rec: EntryRecord = {
      nameBytes: names[i]!, isDirectory: item.isDirectory, method: METHOD_STORE, crc32: 0,
      compressedSize: 0, size: 0, mode: item.mode, mtimeMs: item.mtimeMs, zip64Local: job.forceZip64 && !item.isDirectory,
      localOffset: 0,
    };
    let data: Uint8Array | null = null;
    if (!item.isDirectory && item.size > 0) {
      const raw = readSourceExactly(item.abs, item.size, 0, scratchOf(item.size));
      rec.size = raw.length;
      rec.crc32 = zlib.crc32(raw);
      data = raw;
      if (job.level > 0 && !shouldStore(item, raw)) {
        const deflated = zlib.deflateRawSync(raw, { level: job.level });
        if (deflated.length < raw.length) { data = deflated; rec.method = METHOD_DEFLATE; }
      }
      rec.compressedSize = data.length;
    }
    const start = p;
    p += writeLocalHeader(out, p, rec);
    if (data) { out.set(data, p); p += data.length; }
    entries.push({ method: rec.method, crc32: rec.crc32, compressedSize: rec.compressedSize, zip64Local: rec.zip64Local, recordLength: p - start });
  });
  if (job.hold) return { result: { held: hold(out.subarray(0, p)), byteLength: p, entries }, transfer: [] };
  return { result: { buffer: out.buffer as ArrayBuffer, byteLength: p, entries }, transfer: [out.buffer as ArrayBuffer] };
}

/**
 * One chunk of a large file. Chunks are independent deflate runs primed with the previous 32 KiB as
 * dictionary and ended with a sync flush (the last with a final block), so their concatenation is one valid
 * deflate stream of nearly the same size as a single run (the technique of pigz).
 */
export function compressChunk(job: CompressChunkJob): { result: CompressChunkResult; transfer: ArrayBuffer[] } {
  checkCancel();
  const dictLength = job.deflate ? Math.min(DICT_SIZE, job.offset) : 0;
  // Stored chunks travel to the main thread as they are read; deflated ones are read into scratch memory.
  const into = job.deflate ? scratchOf(dictLength + job.length) : Buffer.allocUnsafeSlow(job.length);
  const buf = readSourceExactly(job.abs, dictLength + job.length, job.offset - dictLength, into);
  const chunk = buf.subarray(dictLength);
  const crc32 = zlib.crc32(chunk);
  if (!job.deflate) {
    if (job.hold) return { result: { held: hold(chunk), byteOffset: 0, byteLength: job.length, crc32 }, transfer: [] };
    return { result: { buffer: buf.buffer as ArrayBuffer, byteOffset: dictLength, byteLength: job.length, crc32 }, transfer: [buf.buffer as ArrayBuffer] };
  }
  const deflated = zlib.deflateRawSync(chunk, {
    level: job.level,
    ...(dictLength ? { dictionary: buf.subarray(0, dictLength) } : {}),
    finishFlush: job.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
  });
  if (job.hold) return { result: { held: hold(deflated), byteOffset: 0, byteLength: deflated.length, crc32 }, transfer: [] };
  const out = Buffer.allocUnsafeSlow(deflated.length);
  out.set(deflated);
  return { result: { buffer: out.buffer as ArrayBuffer, byteOffset: 0, byteLength: out.length, crc32 }, transfer: [out.buffer as ArrayBuffer] };
}

// ---------------------------------------------------------------------------------------------- read back

function readFromZip(fd: number, buf: Buffer, position: number, subject: string): void {
  let done = 0;
  while (done < buf.length) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, done, buf.length - done, position + done);
    } catch (err) {
      throw new JobError({ failure: 'corrupt', subject, errno: (err as NodeJS.ErrnoException).code,
        message: `the archive cannot be read here (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
    }
    if (n === 0) throw new JobError({ failure: 'corrupt', subject, message: 'the archive ends in the middle of this entry (truncated file)' });
    done += n;
  }
}

/** Checks the local header of `item` found at `header[at..]`; returns the offset of its data relative to `at`. */
function parseLocalHeader(header: Buffer, at: number, item: ReadItem): number {
  const bad = (what: string) => new JobError({ failure: 'corrupt', subject: item.name, message: what });
  if (at + LOCAL_HEADER_SIZE > header.length || header.readUInt32LE(at) !== SIG_LOCAL) {
    throw bad('its local header is missing or damaged');
  }
  const nameLength = header.readUInt16LE(at + 26);
  const extraLength = header.readUInt16LE(at + 28);
  if (at + LOCAL_HEADER_SIZE + nameLength > header.length) throw bad('its local header runs past its bounds');
  const localName = header.subarray(at + LOCAL_HEADER_SIZE, at + LOCAL_HEADER_SIZE + nameLength);
  if (!Buffer.from(item.nameBytes).equals(localName)) throw bad('its local header names a different file than the central directory');
  if (header.readUInt16LE(at + 8) !== item.method) throw bad('its local header gives a different compression method than the central directory');
  // Without a data descriptor the local header repeats the CRC-32 and sizes; Info-ZIP (unzip -t) checks those,
  // so an archive whose two headers disagree is refused here rather than opened without a word.
  if ((header.readUInt16LE(at + 6) & 0x0008) === 0) {
    const localCrc = header.readUInt32LE(at + 14);
    if (localCrc !== item.crc32) {
      throw bad(`its local header gives CRC-32 ${localCrc.toString(16).padStart(8, '0')} but the central directory ${item.crc32.toString(16).padStart(8, '0')} (unzip -t reports a bad CRC)`);
    }
    const localCompressed = header.readUInt32LE(at + 18);
    const localSize = header.readUInt32LE(at + 22);
    if ((localCompressed !== 0xffffffff && localCompressed !== item.compressedSize) || (localSize !== 0xffffffff && localSize !== item.size)) {
      throw bad('its local header gives other sizes than the central directory');
    }
  }
  return LOCAL_HEADER_SIZE + nameLength + extraLength;
}

function writeOutput(item: ReadItem, data: Uint8Array | null, doSync: boolean): void {
  const target = item.target!;
  let fd: number;
  try {
    fd = fs.openSync(target, 'wx', (item.mode ?? 0o644) & 0o777);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new JobError({ failure: 'exists', subject: item.name, errno: code,
        message: 'another entry already created this file (names that differ only by case or Unicode form on this file system)' });
    }
    throw new JobError({ failure: 'write', subject: target, errno: code, message: `cannot create it (${code})` });
  }
  try {
    if (data) writeAll(fd, data, target);
    if (item.mtimeMs !== undefined) {
      const t = item.mtimeMs / 1000;
      fs.futimesSync(fd, t, t);
    }
    if (doSync) fs.fsyncSync(fd);
  } catch (err) {
    throw writeFailure(target, err);
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, data: Uint8Array, target: string): void {
  let done = 0;
  while (done < data.length) {
    try {
      done += fs.writeSync(fd, data, done, data.length - done);
    } catch (err) {
      throw writeFailure(target, err);
    }
  }
}

function sizeLie(item: ReadItem, what: string): JobError {
  return new JobError({ failure: 'size', subject: item.name, message: what });
}

function inflateWhole(item: ReadItem, compressed: Buffer): Buffer {
  let res: { buffer: Buffer; engine: zlib.InflateRaw };
  try {
    res = zlib.inflateRawSync(compressed, { info: true, maxOutputLength: Math.max(1, item.size) }) as unknown as { buffer: Buffer; engine: zlib.InflateRaw };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw sizeLie(item, `it inflates to more than its declared size of ${item.size} bytes`);
    }
    throw new JobError({ failure: 'corrupt', subject: item.name, message: `its compressed data is damaged (${(err as Error).message})` });
  }
  if (res.buffer.length !== item.size) {
    throw sizeLie(item, `it inflates to ${res.buffer.length} bytes but declares ${item.size}`);
  }
  if (res.engine.bytesWritten !== compressed.length) {
    throw sizeLie(item, `its deflate data ends after ${res.engine.bytesWritten} bytes but declares ${compressed.length}`);
  }
  return res.buffer;
}

export async function readEntries(job: ReadEntriesJob): Promise<{ result: ReadEntriesResult; transfer: ArrayBuffer[] }> {
  if (job.items.length === 1 && (job.items[0]!.compressedSize >= STREAM_ENTRY_MIN || job.items[0]!.size >= STREAM_ENTRY_MIN)) {
    return { result: await streamEntry(job, job.items[0]!), transfer: [] };
  }
  const region = scratchOf(job.end - job.start);
  readFromZip(job.zipFd, region, job.start, job.items[0]?.name ?? '');
  let bytes = 0;
  let files = 0;
  for (const item of job.items) {
    checkCancel();
    const at = item.localOffset - job.start;
    const bounded = region.subarray(0, item.limit - job.start);
    const dataStart = at + parseLocalHeader(bounded, at, item);
    const dataEnd = dataStart + item.compressedSize;
    if (dataEnd > bounded.length) {
      throw sizeLie(item, `its declared compressed size (${item.compressedSize} bytes) runs past the next entry or the end of the archive`);
    }
    const compressed = region.subarray(dataStart, dataEnd);
    let data: Buffer;
    if (item.method === METHOD_STORE) {
      if (item.compressedSize !== item.size) throw sizeLie(item, `it is stored, yet declares ${item.compressedSize} stored bytes for ${item.size} bytes`);
      data = compressed;
    } else {
      data = inflateWhole(item, compressed);
    }
    if (zlib.crc32(data) !== item.crc32) {
      throw new JobError({ failure: 'checksum', subject: item.name, message: 'its data does not match its CRC-32 checksum' });
    }
    if (item.target !== undefined) writeOutput(item, data.length ? data : null, job.fsync);
    bytes += data.length;
    if (!item.name.endsWith('/')) files++;
  }
  return { result: { bytes, files }, transfer: [] };
}

async function streamEntry(job: ReadEntriesJob, item: ReadItem): Promise<ReadEntriesResult> {
  const head = Buffer.allocUnsafe(Math.min(LOCAL_HEADER_SIZE + 2 * 0xffff, item.limit - item.localOffset));
  readFromZip(job.zipFd, head, item.localOffset, item.name);
  const dataStart = item.localOffset + parseLocalHeader(head, 0, item);
  if (dataStart + item.compressedSize > item.limit) {
    throw sizeLie(item, `its declared compressed size (${item.compressedSize} bytes) runs past the next entry or the end of the archive`);
  }
  if (item.method === METHOD_STORE && item.compressedSize !== item.size) {
    throw sizeLie(item, `it is stored, yet declares ${item.compressedSize} stored bytes for ${item.size} bytes`);
  }
  let fd: number | undefined;
  if (item.target !== undefined) {
    try {
      fd = fs.openSync(item.target, 'wx', (item.mode ?? 0o644) & 0o777);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new JobError({ failure: code === 'EEXIST' ? 'exists' : 'write', subject: code === 'EEXIST' ? item.name : item.target, errno: code,
        message: code === 'EEXIST' ? 'another entry already created this file' : `cannot create it (${code})` });
    }
  }
  let crc = 0;
  let produced = 0;
  const sink = (chunk: Buffer): void => {
    produced += chunk.length;
    if (produced > item.size) throw sizeLie(item, `it inflates to more than its declared size of ${item.size} bytes`);
    crc = zlib.crc32(chunk, crc);
    if (fd !== undefined) writeAll(fd, chunk, item.target!);
  };
  async function* compressedChunks(): AsyncGenerator<Buffer> {
    for (let done = 0; done < item.compressedSize;) {
      checkCancel();
      const n = Math.min(STREAM_READ_SIZE, item.compressedSize - done);
      const buf = Buffer.allocUnsafe(n);
      readFromZip(job.zipFd, buf, dataStart + done, item.name);
      done += n;
      yield buf;
    }
  }
  try {
    if (item.method === METHOD_STORE) {
      for await (const chunk of compressedChunks()) sink(chunk);
    } else {
      const inflater = zlib.createInflateRaw({ chunkSize: STREAM_READ_SIZE });
      try {
        await pipeline(compressedChunks, inflater, async (source: AsyncIterable<Buffer>) => { for await (const c of source) sink(c); });
      } catch (err) {
        if (err instanceof JobError) throw err;
        throw new JobError({ failure: 'corrupt', subject: item.name, message: `its compressed data is damaged (${(err as Error).message})` });
      }
      if (inflater.bytesWritten !== item.compressedSize) {
        throw sizeLie(item, `its deflate data ends after ${inflater.bytesWritten} bytes but declares ${item.compressedSize}`);
      }
    }
    if (produced !== item.size) throw sizeLie(item, `it inflates to ${produced} bytes but declares ${item.size}`);
    if (crc !== item.crc32) throw new JobError({ failure: 'checksum', subject: item.name, message: 'its data does not match its CRC-32 checksum' });
    if (fd !== undefined) {
      try {
        if (item.mtimeMs !== undefined) fs.futimesSync(fd, item.mtimeMs / 1000, item.mtimeMs / 1000);
        if (job.fsync) fs.fsyncSync(fd);
      } catch (err) {
        throw writeFailure(item.target!, err);
      }
    }
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return { bytes: produced, files: 1 };
}

export async function runJob(job: WorkerJob): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  switch (job.kind) {
    case 'compress-batch': return compressBatch(job);
    case 'compress-chunk': return compressChunk(job);
    case 'read-entries': return readEntries(job);
    case 'write-held': return writeHeld(job);
  }
}
