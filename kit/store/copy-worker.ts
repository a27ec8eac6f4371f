/**
 * Worker thread of the product store: copies one file with copy-on-write when the filesystem can
 * (COPYFILE_FICLONE falls back to a plain copy) while hashing the source with SHA-256 in the same worker,
 * so the caller's thread (the hub's) never spends time on bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';

export interface CopyJob { id: number; source: string; dest: string }
export type CopyReply =
  | { id: number; ok: true; size: number; sha256: string }
  | { id: number; ok: false; code?: string; message: string; path?: string };

async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await fsp.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest('hex') };
}

async function run(job: CopyJob): Promise<CopyReply> {
  try {
    const [, hashed] = await Promise.all([
      fsp.copyFile(job.source, job.dest, fs.constants.COPYFILE_FICLONE | fs.constants.COPYFILE_EXCL),
      hashFile(job.source),
    ]);
    const copied = (await fsp.stat(job.dest)).size;
    if (copied !== hashed.size) {
      return { id: job.id, ok: false, message: `${job.source} changed while it was copied (${hashed.size} bytes read, ${copied} written)`, path: job.source };
    }
    return { id: job.id, ok: true, ...hashed };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { id: job.id, ok: false, code: e.code, message: e.message, path: e.path };
  }
}

parentPort?.on('message', (job: CopyJob) => {
  void run(job).then((reply) => parentPort!.postMessage(reply));
});
