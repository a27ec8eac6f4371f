/**
 * The files of one ingest, each read once. `check` decodes every file's header; a file that fits the memory
 * budget is read whole for it, and those same bytes are hashed and kept, so `write` only writes them into the
 * version. A bigger file has only its header read by `check`; `write` then copies it in one pass (each chunk
 * read is hashed and written: the SHA-256 is of the very bytes written), and refuses it if it changed since
 * the check.
 *
 * Both passes run with bounded parallelism on the libuv thread pool: per file a few small system calls, no
 * thread or process to start (an ingest of 1,000 frames is mostly opening and creating files).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fdReader, HEAD_BYTES, identifyHead, type Identified } from '../media/identify.ts';

export interface CheckedFile { size: number; id: Identified }

/** Files in flight at once (the libuv pool has 4 threads; more requests queued keep them busy). */
const PARALLEL = 16;
/** Largest file kept in memory between check and write, and the most kept at once. */
const KEEP_FILE_BYTES = 8 << 20;
const KEEP_TOTAL_BYTES = 256 << 20;

const open = (file: string, flags: string) => new Promise<number>((resolve, reject) => fs.open(file, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
const close = (fd: number) => new Promise<void>((resolve) => fs.close(fd, () => resolve()));
const fstat = (fd: number) => new Promise<fs.Stats>((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st))));

function readAt(fd: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
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

function writeNew(dest: string, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => fs.writeFile(dest, bytes, { flag: 'wx' }, (err) => {
    if (!err) return resolve();
    (err as NodeJS.ErrnoException).path ??= dest;
    reject(err);
  }));
}

/** Runs `fn` on the items, PARALLEL at a time; after a failure no new item starts, and it rejects once those in flight are done. */
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

export class FilePass {
  private readonly kept = new Map<string, Kept>();
  private keptBytes = 0;
  private readonly keepFileBytes: number;
  private readonly keepTotalBytes: number;

  /** The limits are the defaults but for tests of the path big files take. */
  constructor(limits: { keepFileBytes?: number; keepTotalBytes?: number } = {}) {
    this.keepFileBytes = limits.keepFileBytes ?? KEEP_FILE_BYTES;
    this.keepTotalBytes = limits.keepTotalBytes ?? KEEP_TOTAL_BYTES;
  }

  /** Decodes every file's header (reading, hashing and keeping the small ones whole). Unreadable files come back as `{ error }`. */
  async check(files: string[]): Promise<(CheckedFile | { error: string })[]> {
    const out: (CheckedFile | { error: string })[] = new Array(files.length);
    await each(files, async (file, i) => {
      let fd: number;
      try {
        fd = await open(file, 'r');
      } catch (err) {
        out[i] = { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
        return;
      }
      try {
        const st = await fstat(fd);
        const keep = st.size <= this.keepFileBytes && this.keptBytes + st.size <= this.keepTotalBytes;
        if (keep) this.keptBytes += st.size;
        const bytes = await readAt(fd, keep ? st.size : Math.min(st.size, HEAD_BYTES));
        const size = keep ? bytes.length : st.size;
        const id = identifyHead(bytes, size, fdReader(fd, size));
        this.kept.set(file, { size, mtimeMs: st.mtimeMs, bytes: keep ? bytes : null, sha256: keep ? createHash('sha256').update(bytes).digest('hex') : null });
        out[i] = { size, id };
      } catch (err) {
        out[i] = { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
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
    await each(files, async (f, i) => {
      let known = this.kept.get(f.source);
      if (!known) {
        // A file the ingest made (a layout, the thumbnail): small, read whole here, no worker to start for it.
        const st = await fs.promises.stat(f.source);
        if (st.size <= this.keepFileBytes) {
          const bytes = await fs.promises.readFile(f.source);
          known = { size: bytes.length, mtimeMs: st.mtimeMs, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
          this.keptBytes += bytes.length;
        }
      }
      if (known?.bytes) {
        await writeNew(f.dest, known.bytes);
        out[i] = { size: known.size, sha256: known.sha256! };
        known.bytes = null;
        this.keptBytes -= known.size;
      } else {
        const r = await copyOnce(f.source, f.dest);
        if (known) {
          const st = await fs.promises.stat(f.source);
          if (st.size !== known.size || r.size !== known.size || st.mtimeMs !== known.mtimeMs) {
            throw Object.assign(new Error(`${f.source} changed while it was ingested (it was ${known.size} bytes when its header was checked, ${r.size} when copied): ingest it again once it is finished`), { path: f.source, code: 'ECHANGED' });
          }
        }
        out[i] = r;
      }
      filesDone++;
      bytesDone += out[i]!.size;
      if (onProgress && (filesDone === files.length || filesDone % 32 === 0)) onProgress({ filesDone, filesTotal: files.length, bytesDone });
    });
    return out;
  }

  /** Forgets what was kept. */
  end(): void {
    this.kept.clear();
    this.keptBytes = 0;
  }
}
