/**
 * Worker thread of the product store. Three jobs, so the caller's thread (the hub's) never spends time on bytes:
 * - `copy` (publishing): copies one file with copy-on-write when the filesystem can (COPYFILE_FICLONE falls back
 *   to a plain copy) while hashing the source with SHA-256;
 * - `verified` (loading): reads the source ONCE, hashing what it reads and writing those same bytes to the
 *   destination, so what is loaded is exactly what was hashed (a file swapped during the load cannot slip in);
 * - `hash` (loading a file that is linked, not copied): hashes it and tells which file it hashed (size, mtime,
 *   inode of the open handle) for the caller's cache.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';

export type CopyJob =
  | { id: number; kind?: 'copy'; source: string; dest: string }
  | { id: number; kind: 'verified'; source: string; dest: string }
  | { id: number; kind: 'hash'; source: string };
/** What the file was when it was hashed (the `hash` job), for a cache keyed by path + size + mtime + inode. */
export interface HashedStat { size: number; mtimeMs: number; ino: number; dev: number }
export type CopyReply =
  | { id: number; ok: true; size: number; sha256: string; stat?: HashedStat }
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

/** One read of the source feeds both the hash and the destination. A write error names the destination. */
async function verifiedCopy(source: string, dest: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const input = await fsp.open(source, 'r');
  try {
    const output = await fsp.open(dest, 'wx').catch((err: NodeJS.ErrnoException) => { err.path = dest; throw err; });
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const { bytesRead } = await input.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        const chunk = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
        hash.update(chunk);
        size += bytesRead;
        let off = 0;
        while (off < bytesRead) {
          const { bytesWritten } = await output.write(chunk, off, bytesRead - off).catch((err: NodeJS.ErrnoException) => { err.path = dest; throw err; });
          off += bytesWritten;
        }
      }
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
  return { size, sha256: hash.digest('hex') };
}

async function run(job: CopyJob): Promise<CopyReply> {
  try {
    if (job.kind === 'hash') return { id: job.id, ok: true, ...await hashFile(job.source) };
    if (job.kind === 'verified') return { id: job.id, ok: true, ...await verifiedCopy(job.source, job.dest) };
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
