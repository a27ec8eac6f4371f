/**
 * The files of one ingest, each read once. `check` decodes every file's header; a file that fits the memory
 * budget is read whole for it, and those same bytes are hashed and kept, so `write` only writes them into the
 * version. A bigger file has only its header read by `check`; `write` then copies it in one pass (each chunk
 * read is hashed and written: the SHA-256 is of the very bytes written), and refuses it if it changed since
 * the check.
 *
 * Per file it is a few small system calls (an ingest of 1,000 frames is mostly opening and creating files), made
 * one of two ways:
 * - by default with bounded parallelism on the libuv thread pool, so the thread that runs the pass (the hub's) is
 *   never blocked by a slow file system;
 * - `blocking: true`, for a process of its own (the `dcc-kit ingest` command): synchronous calls in slices of a
 *   few milliseconds, the event loop served between them (progress, abort, the thumbnail). Each asynchronous call
 *   costs a round trip through the thread pool that is larger than the call itself; there is no thread or
 *   process to start either (two worker threads take ~100 ms to start, as long as 1,000 small files take).
 */
import { createHash, hash as digest } from 'node:crypto';
import fs from 'node:fs';
import { fdReader, HEAD_BYTES, identifyHead, type Identified } from '../media/identify.ts';

export interface CheckedFile { size: number; id: Identified }

/** Files in flight at once (the libuv pool has 4 threads; more requests queued keep them busy). */
const PARALLEL = 16;
/** With `blocking`, the longest stretch of synchronous calls before the event loop is served. */
const SLICE_MS = 8;
/** Largest file kept in memory between check and write, and the most kept at once. */
const KEEP_FILE_BYTES = 8 << 20;
const KEEP_TOTAL_BYTES = 256 << 20;

const open = (file: string, flags: string) => new Promise<number>((resolve, reject) => fs.open(file, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
const close = (fd: number) => new Promise<void>((resolve) => fs.close(fd, () => resolve()));
const fstat = (fd: number) => new Promise<fs.Stats>((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st))));

function readAt(fd: number, buf: Buffer): Promise<Buffer> {
  const length = buf.length;
  return new Promise((resolve, reject) => {
    const step = (got: number) => {
      if (got >= length) return resolve(buf);
      fs.read(fd, buf, got, length - got, got, (err, n) => {
        if (err) return reject(err);
        if (n === 0) return resolve(buf.subarray(0, got));
        step(got + n);
      });
    };
    step(0);
  });
}

function readAtSync(fd: number, buf: Buffer): Buffer {
  const length = buf.length;
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, got);
    if (n === 0) return buf.subarray(0, got);
    got += n;
  }
  return buf;
}

function writeNew(dest: string, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => fs.writeFile(dest, bytes, { flag: 'wx' }, (err) => {
    if (!err) return resolve();
    (err as NodeJS.ErrnoException).path ??= dest;
    reject(err);
  }));
}

/** The read size of a file copied in one pass. */
const CHUNK = 1 << 20;

/** Copies `source` to `dest` (which must not exist) reading it once; resolves with its size and SHA-256. */
async function copyOnce(source: string, dest: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const input = await open(source, 'r');
  try {
    const output = await open(dest, 'wx').catch((err: NodeJS.ErrnoException) => { err.path = dest; throw err; });
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const n = await new Promise<number>((resolve, reject) => fs.read(input, buf, 0, CHUNK, size, (err, got) => (err ? reject(err) : resolve(got))));
        if (n === 0) break;
        const chunk = buf.subarray(0, n);
        hash.update(chunk);
        size += n;
        for (let off = 0; off < n;) {
          off += await new Promise<number>((resolve, reject) => fs.write(output, chunk, off, n - off, (err, wrote) => {
            if (!err) return resolve(wrote);
            (err as NodeJS.ErrnoException).path ??= dest;
            reject(err);
          }));
        }
      }
    } finally {
      await close(output);
    }
  } finally {
    await close(input);
  }
  return { size, sha256: hash.digest('hex') };
}

/** copyOnce with synchronous calls. */
function copyOnceSync(source: string, dest: string): { size: number; sha256: string } {
  const hash = createHash('sha256');
  let size = 0;
  const input = fs.openSync(source, 'r');
  try {
    const output = openNewSync(dest);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const n = fs.readSync(input, buf, 0, CHUNK, size);
        if (n === 0) break;
        hash.update(buf.subarray(0, n));
        size += n;
        writeAllSync(output, buf.subarray(0, n), dest);
      }
    } finally {
      fs.closeSync(output);
    }
  } finally {
    fs.closeSync(input);
  }
  return { size, sha256: hash.digest('hex') };
}

function writeAllSync(fd: number, bytes: Uint8Array, dest: string): void {
  try {
    for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
  } catch (err) {
    (err as NodeJS.ErrnoException).path ??= dest;
    throw err;
  }
}

/** Creates `dest`, which must not exist; an error names it. */
function openNewSync(dest: string): number {
  try {
    return fs.openSync(dest, 'wx');
  } catch (err) {
    (err as NodeJS.ErrnoException).path = dest;
    throw err;
  }
}

function writeNewSync(dest: string, bytes: Buffer): void {
  const fd = openNewSync(dest);
  try {
    writeAllSync(fd, bytes, dest);
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `fn` on each item in turn with synchronous calls, serving the event loop every SLICE_MS. */
async function eachInSlices<T>(items: T[], fn: (item: T, index: number) => void): Promise<void> {
  let since = performance.now();
  for (let i = 0; i < items.length; i++) {
    fn(items[i]!, i);
    if (performance.now() - since >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

/** Runs `fn` on the items, PARALLEL at a time; after a failure no new item starts, and it rejects once those in flight are done. */
async function each<T>(items: T[], fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failure ??= { err };
      }
    }
  }));
  if (failure) throw (failure as { err: unknown }).err;
}

interface Kept { size: number; mtimeMs: number; bytes: Buffer | null; sha256: string | null }

/**
 * Buffers cut from 4 MiB slabs: one allocation for hundreds of small files instead of one each (a thousand
 * buffers outside the heap make V8 collect garbage every few dozen files). A slab lives while a piece of it does.
 */
class Slabs {
  private static readonly SIZE = 4 << 20;
  private slab: Buffer | null = null;
  private used = 0;

  take(size: number): Buffer {
    if (size > Slabs.SIZE / 8) return Buffer.allocUnsafe(size);
    if (!this.slab || this.used + size > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(Slabs.SIZE);
      this.used = 0;
    }
    const piece = this.slab.subarray(this.used, this.used + size);
    this.used += size;
    return piece;
  }
}

export class FilePass {
  private readonly slabs = new Slabs();
  private readonly kept = new Map<string, Kept>();
  private keptBytes = 0;
  private readonly keepFileBytes: number;
  private readonly keepTotalBytes: number;
  private readonly blocking: boolean;

  /** The limits are the defaults but for tests of the path big files take; `blocking`: see the top of this file. */
  constructor(opts: { keepFileBytes?: number; keepTotalBytes?: number; blocking?: boolean } = {}) {
    this.keepFileBytes = opts.keepFileBytes ?? KEEP_FILE_BYTES;
    this.keepTotalBytes = opts.keepTotalBytes ?? KEEP_TOTAL_BYTES;
    this.blocking = opts.blocking ?? false;
  }

  /** Whether a file of `size` bytes is read whole and kept (and counted against the budget). */
  private reserveKeep(size: number): boolean {
    const keep = size <= this.keepFileBytes && this.keptBytes + size <= this.keepTotalBytes;
    if (keep) this.keptBytes += size;
    return keep;
  }

  /** Identifies what was read of `file` (all of it when `keep`) and remembers it for the write. */
  private examine(file: string, fd: number, st: fs.Stats, bytes: Buffer, keep: boolean): CheckedFile {
    const size = keep ? bytes.length : st.size;
    const id = identifyHead(bytes, size, fdReader(fd, size));
    this.kept.set(file, { size, mtimeMs: st.mtimeMs, bytes: keep ? bytes : null, sha256: keep ? digest('sha256', bytes) : null });
    return { size, id };
  }

  /** Decodes every file's header (reading, hashing and keeping the small ones whole). Unreadable files come back as `{ error }`. */
  async check(files: string[]): Promise<(CheckedFile | { error: string })[]> {
    const out: (CheckedFile | { error: string })[] = new Array(files.length);
    const failed = (err: unknown) => ({ error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
    if (this.blocking) {
      await eachInSlices(files, (file, i) => {
        let fd: number;
        try {
          fd = fs.openSync(file, 'r');
        } catch (err) {
          out[i] = failed(err);
          return;
        }
        try {
          const st = fs.fstatSync(fd);
          const keep = this.reserveKeep(st.size);
          out[i] = this.examine(file, fd, st, readAtSync(fd, this.slabs.take(keep ? st.size : Math.min(st.size, HEAD_BYTES))), keep);
        } catch (err) {
          out[i] = failed(err);
        } finally {
          fs.closeSync(fd);
        }
      });
      return out;
    }
    await each(files, async (file, i) => {
      let fd: number;
      try {
        fd = await open(file, 'r');
      } catch (err) {
        out[i] = failed(err);
        return;
      }
      try {
        const st = await fstat(fd);
        const keep = this.reserveKeep(st.size);
        out[i] = this.examine(file, fd, st, await readAt(fd, this.slabs.take(keep ? st.size : Math.min(st.size, HEAD_BYTES))), keep);
      } catch (err) {
        out[i] = failed(err);
      } finally {
        await close(fd);
      }
    });
    return out;
  }

  /**
   * Writes files to their destinations (which must not exist); resolves with each file's size and SHA-256, of
   * the very bytes written. A file `check` did not see (one the ingest made) is read here, once.
   */
  async write(files: { source: string; dest: string }[], onProgress?: (p: { filesDone: number; filesTotal: number; bytesDone: number }) => void): Promise<{ size: number; sha256: string }[]> {
    const out: { size: number; sha256: string }[] = new Array(files.length);
    let filesDone = 0;
    let bytesDone = 0;
    const done = (i: number) => {
      filesDone++;
      bytesDone += out[i]!.size;
      if (onProgress && (filesDone === files.length || filesDone % 32 === 0)) onProgress({ filesDone, filesTotal: files.length, bytesDone });
    };
    if (this.blocking) {
      await eachInSlices(files, (f, i) => {
        let known = this.kept.get(f.source);
        if (!known) {
          const st = fs.statSync(f.source);
          if (st.size <= this.keepFileBytes) known = this.made(st, fs.readFileSync(f.source));
        }
        if (known?.bytes) {
          writeNewSync(f.dest, known.bytes);
          out[i] = this.written(known);
        } else {
          const r = copyOnceSync(f.source, f.dest);
          if (known) this.assertUnchanged(f.source, known, r.size, fs.statSync(f.source));
          out[i] = r;
        }
        done(i);
      });
      return out;
    }
    await each(files, async (f, i) => {
      let known = this.kept.get(f.source);
      if (!known) {
        const st = await fs.promises.stat(f.source);
        if (st.size <= this.keepFileBytes) known = this.made(st, await fs.promises.readFile(f.source));
      }
      if (known?.bytes) {
        await writeNew(f.dest, known.bytes);
        out[i] = this.written(known);
      } else {
        const r = await copyOnce(f.source, f.dest);
        if (known) this.assertUnchanged(f.source, known, r.size, await fs.promises.stat(f.source));
        out[i] = r;
      }
      done(i);
    });
    return out;
  }
  /** A file the ingest made (a layout, the thumbnail), which `check` did not see: small, read whole by the caller. */
  private made(st: fs.Stats, bytes: Buffer): Kept {
    this.keptBytes += bytes.length;
    return { size: bytes.length, mtimeMs: st.mtimeMs, bytes, sha256: digest('sha256', bytes) };
  }

  /** What a kept file's write resolves with; its bytes are let go. */
  private written(known: Kept): { size: number; sha256: string } {
    const r = { size: known.size, sha256: known.sha256! };
    known.bytes = null;
    this.keptBytes -= known.size;
    return r;
  }

  /** A file too big to keep was copied in one pass after its check: refused if it changed in between. */
  private assertUnchanged(source: string, known: Kept, copied: number, st: fs.Stats): void {
    if (st.size !== known.size || copied !== known.size || st.mtimeMs !== known.mtimeMs) {
      throw Object.assign(new Error(`${source} changed while it was ingested (it was ${known.size} bytes when its header was checked, ${copied} when copied): ingest it again once it is finished`), { path: source, code: 'ECHANGED' });
    }
  }

  /** Forgets what was kept. */
  end(): void {
    this.kept.clear();
    this.keptBytes = 0;
  }
}
