/**
 * Worker thread of the product store. Three jobs, so the caller's thread (the hub's) never spends time on bytes:
 * - `copy` (publishing): copies one file with copy-on-write when the filesystem can (COPYFILE_FICLONE falls back
 *   to a plain copy) while hashing the source with SHA-256;
 * - `load` (loading): a batch of a version's files, each opened and checked inside the version's real folder
 *   (by the descriptor where the kernel tells its path), then read ONCE, hashing what is read and writing those
 *   same bytes to its destination, so what is loaded is exactly what was hashed (a file swapped during the load
 *   cannot slip in). Synchronous calls on this thread: a load is many small files, and each asynchronous call
 *   would be a trip through libuv's shared pool (and a 1 MiB buffer per file: one per thread here);
 * - `hash` (loading a file that is linked, not copied): hashes it and tells which file it hashed (size, mtime,
 *   inode of the open handle) for the caller's cache.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';

/** One file of a `load` job: the manifest's path (already checked to be plain) and where its copy goes. */
export interface LoadItem { rel: string; dest: string }
export type LoadResult =
  | { ok: true; real: string; size: number; sha256: string }
  /** The file (the one actually opened, or its realpath) is outside the version's real folder. */
  | { ok: false; outside: string }
  /** The file (real path) is not a regular file (a folder, a FIFO, a device). */
  | { ok: false; notFile: string }
  /** `path` is the file that could not be resolved, read (the source) or written (the destination). */
  | { ok: false; code?: string; message: string; path: string; dest?: boolean };

export type CopyJob =
  | { id: number; kind?: 'copy'; source: string; dest: string }
  | { id: number; kind: 'load'; versionPath: string; root: string; items: LoadItem[] }
  | { id: number; kind: 'hash'; source: string };
/** What the file was when it was hashed (the `hash` job), for a cache keyed by path + size + mtime + inode. */
export interface HashedStat { size: number; mtimeMs: number; ino: number; dev: number }
export type CopyReply =
  | { id: number; ok: true; size: number; sha256: string; stat?: HashedStat }
  | { id: number; ok: true; results: LoadResult[] }
  | { id: number; ok: false; code?: string; message: string; path?: string };

const CHUNK = 1 << 20;

async function hashFile(file: string): Promise<{ size: number; sha256: string; stat: HashedStat }> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await fsp.open(file, 'r');
  try {
    const st = await handle.stat();
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { size, sha256: hash.digest('hex'), stat: { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev } };
  } finally {
    await handle.close();
  }
}

/** This thread's read buffer (the `load` job is synchronous: one file at a time). */
let loadBuffer: Buffer | undefined;
/** Where the kernel says an open descriptor's file is (Linux); null where it cannot tell. */
const FD_LINKS = process.platform === 'linux' && fs.existsSync('/proc/self/fd') ? '/proc/self/fd/' : null;

function failure(err: unknown, file: string, dest = false): LoadResult {
  const e = err as NodeJS.ErrnoException;
  return { ok: false, code: e.code, message: e.message, path: file, ...(dest ? { dest } : {}) };
}

/** Opens a file to read without waiting on a FIFO (a special file is refused after, by its fstat). */
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Opens one file of a version: where the kernel tells the path of an open descriptor (Linux), the file is opened
 * and that path must be inside `root` (symlinks anywhere followed, and no window between a check and the open);
 * elsewhere the realpath must be inside `root` and the open does not follow a last symlink.
 */
function openInside(joined: string, root: string): { fd: number; real: string } | LoadResult {
  if (FD_LINKS) {
    let fd: number;
    try {
      fd = fs.openSync(joined, READ_FLAGS);
    } catch (err) {
      return failure(err, joined);
    }
    let real: string;
    try {
      real = fs.readlinkSync(FD_LINKS + fd);
    } catch (err) {
      fs.closeSync(fd);
      return failure(err, joined);
    }
    if (real.startsWith(root + path.sep)) return { fd, real };
    fs.closeSync(fd);
    return { ok: false, outside: real };
  }
  let real: string;
  try {
    real = fs.realpathSync.native(joined);
  } catch (err) {
    return failure(err, joined);
  }
  if (!real.startsWith(root + path.sep)) return { ok: false, outside: real };
  try {
    return { fd: fs.openSync(real, READ_FLAGS | (fs.constants.O_NOFOLLOW ?? 0)), real };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ELOOP' ? { ok: false, outside: real } : failure(err, real);
  }
}

/**
 * One file of a load: opened inside `root` (the version's real folder, see openInside), a regular file, copied
 * to `dest` (created: never an existing file) while its bytes are hashed. A failed copy removes `dest`.
 */
function loadOne(versionPath: string, root: string, item: LoadItem): LoadResult {
  const opened = openInside(path.join(versionPath, item.rel), root);
  if ('ok' in opened) return opened;
  const { fd: input, real } = opened;
  let output: number | undefined;
  let created = false;
  let copied = false;
  try {
    if (!fs.fstatSync(input).isFile()) return { ok: false, notFile: real };
    try {
      output = fs.openSync(item.dest, 'wx');
      created = true;
    } catch (err) {
      return failure(err, item.dest, true);
    }
    const buf = (loadBuffer ??= Buffer.allocUnsafe(CHUNK));
    const hash = createHash('sha256');
    let size = 0;
    for (;;) {
      let bytesRead: number;
      try {
        bytesRead = fs.readSync(input, buf, 0, buf.length, null);
      } catch (err) {
        return failure(err, real);
      }
      if (bytesRead === 0) break;
      const chunk = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
      hash.update(chunk);
      size += bytesRead;
      try {
        for (let off = 0; off < bytesRead;) off += fs.writeSync(output, chunk, off, bytesRead - off);
      } catch (err) {
        return failure(err, item.dest, true);
      }
    }
    try {
      fs.closeSync(output);
    } catch (err) {
      return failure(err, item.dest, true);
    } finally {
      output = undefined;
    }
    copied = true;
    return { ok: true, real, size, sha256: hash.digest('hex') };
  } catch (err) {
    return failure(err, real);
  } finally {
    fs.closeSync(input);
    if (output !== undefined) {
      try { fs.closeSync(output); } catch { /* removed below */ }
    }
    if (created && !copied) {
      try { fs.rmSync(item.dest, { force: true }); } catch { /* nothing more to do */ }
    }
  }
}

async function run(job: CopyJob): Promise<CopyReply> {
  try {
    if (job.kind === 'hash') return { id: job.id, ok: true, ...await hashFile(job.source) };
    if (job.kind === 'load') return { id: job.id, ok: true, results: job.items.map((item) => loadOne(job.versionPath, job.root, item)) };
    const [, hashed] = await Promise.all([
      fsp.copyFile(job.source, job.dest, fs.constants.COPYFILE_FICLONE | fs.constants.COPYFILE_EXCL),
      hashFile(job.source),
    ]);
    const copied = (await fsp.stat(job.dest)).size;
    if (copied !== hashed.size) {
      return { id: job.id, ok: false, message: `${job.source} changed while it was copied (${hashed.size} bytes read, ${copied} written)`, path: job.source };
    }
    return { id: job.id, ok: true, size: hashed.size, sha256: hashed.sha256 };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { id: job.id, ok: false, code: e.code, message: e.message, path: e.path };
  }
}

parentPort?.on('message', (job: CopyJob) => {
  void run(job).then((reply) => parentPort!.postMessage(reply));
});
