/**
 * Copies files into the store in worker threads (copy + SHA-256, see copy-worker.ts). One small pool per
 * process, started on first use; idle workers do not keep the process alive and end after half a minute (starting
 * one costs far more than a load's copies: a load or publish right after another finds them ready).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CopyJob, CopyReply, HashedStat, LoadItem, LoadResult } from './copy-worker.ts';

type Done = Extract<CopyReply, { ok: true }> extends infer R ? R extends unknown ? Omit<R, 'id'> : never : never;
type Hashed = { size: number; sha256: string; stat?: HashedStat };
type JobSpec = CopyJob extends infer J ? J extends CopyJob ? Omit<J, 'id'> : never : never;

const WORKER_URL = new URL(`./copy-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
const IDLE_MS = 30_000;

export class CopyFailedError extends Error {
  readonly code: string | undefined;
  readonly path: string | undefined;
  constructor(reply: Extract<CopyReply, { ok: false }>) {
    super(reply.message);
    this.code = reply.code;
    this.path = reply.path;
  }
}

interface Slot { worker: Worker; busy: number }
type Waiter = { resolve(r: Done): void; reject(e: Error): void; slot: Slot };

class CopyPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Waiter>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  readonly threads: number;

  constructor(threads: number) {
    this.threads = threads;
  }

  private slot(): Slot {
    let best = this.slots.reduce<Slot | undefined>((b, s) => (!b || s.busy < b.busy ? s : b), undefined);
    if (!best || (best.busy > 0 && this.slots.length < this.threads)) {
      const worker = new Worker(WORKER_URL);
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (reply: CopyReply) => this.settle(reply));
      worker.on('error', (err) => this.crash(slot, err));
      worker.on('exit', () => this.crash(slot, new Error('store copy worker exited')));
      this.slots.push(slot);
      best = slot;
    }
    return best;
  }

  run(job: JobSpec): Promise<Done> {
    clearTimeout(this.idleTimer);
    const slot = this.slot();
    const id = this.nextId++;
    slot.busy++;
    slot.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ ...job, id } as CopyJob);
    });
  }

  private settle(reply: CopyReply): void {
    const w = this.pending.get(reply.id);
    if (!w) return;
    this.pending.delete(reply.id);
    w.slot.busy--;
    if (w.slot.busy === 0) w.slot.worker.unref();
    if (reply.ok) {
      const { id: _id, ...done } = reply;
      w.resolve(done);
    } else w.reject(new CopyFailedError(reply));
    if (this.pending.size === 0) this.scheduleIdle();
  }

  private crash(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    for (const [id, w] of this.pending) {
      if (w.slot === slot) {
        this.pending.delete(id);
        w.reject(err);
      }
    }
  }

  private scheduleIdle(): void {
    this.idleTimer = setTimeout(() => {
      for (const s of this.slots.splice(0)) {
        s.worker.removeAllListeners('exit');
        void s.worker.terminate();
      }
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}

let shared: CopyPool | undefined;
const pool = () => (shared ??= new CopyPool(Math.max(1, Math.min(4, os.availableParallelism()))));

/** Copies `source` to `dest` (which must not exist) in a worker; resolves with its size and SHA-256. */
export async function copyAndHash(source: string, dest: string): Promise<{ size: number; sha256: string }> {
  const { size, sha256 } = await pool().run({ source, dest }) as Hashed;
  return { size, sha256 };
}

/** How many workers the pool runs at most (callers splitting work into batches keep them all busy). */
export function poolThreads(): number {
  return pool().threads;
}

/**
 * A batch of a version's files for a load, in one worker: each resolved inside `root` (the version folder's
 * real path), read once, hashed and copied to its `dest` (which must not exist). One result per item.
 */
export async function loadInWorker(versionPath: string, root: string, items: LoadItem[]): Promise<LoadResult[]> {
  return (await pool().run({ kind: 'load', versionPath, root, items }) as { results: LoadResult[] }).results;
}

/** Hashes a file in a worker; `stat` is the file that was hashed (size, mtime, inode). */
export async function hashInWorker(source: string): Promise<Required<Hashed>> {
  return await pool().run({ kind: 'hash', source }) as Required<Hashed>;
}
