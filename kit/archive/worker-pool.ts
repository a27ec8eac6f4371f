/**
 * The archive worker threads. One pool per process is shared by all operations (starting a worker costs
 * 50-300 ms, so a hub that saves often keeps them warm); it ends its threads after a few idle seconds and never
 * keeps the process alive while idle. Each operation takes a lease: its own cancel flag, its own in-flight jobs.
 *
 * Jobs go to the least busy worker (at most `depth` queued per worker so none idles between messages).
 * `lease.cancel()` raises a shared flag that running jobs check between files and chunks, so workers stop
 * promptly instead of being terminated in the middle of a file operation; `lease.release()` waits for the
 * lease's jobs to settle, so nothing of a failed operation still writes after its cleanup.
 */
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import type { JobFailure, WorkerJob } from './worker-jobs.ts';
import { ArchiveError } from './errors.ts';

const WORKER_URL = new URL(`./archive-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
const IDLE_MS = 5000;

export class JobFailedError extends Error {
  readonly failure: JobFailure;
  constructor(failure: JobFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

export function defaultThreadCount(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

interface Slot {
  worker: Worker;
  busy: number;
}

interface Pending {
  slot: Slot;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

type WorkerReply = { id: number; ok: boolean; result?: unknown; failure?: JobFailure };

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: Array<() => void> = [];
  private nextId = 1;
  private closing = false;
  private readonly depth: number;
  broken: Error | undefined;

  constructor(threads: number, depth = 2) {
    this.depth = depth;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_URL);
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (msg: WorkerReply) => this.onMessage(msg));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`archive worker exited unexpectedly (code ${code})`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number { return this.slots.length; }

  private onMessage(msg: WorkerReply): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    p.slot.busy--;
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new JobFailedError(msg.failure!));
    this.waiting.shift()?.();
  }

  private fail(cause: Error): void {
    if (this.broken) return;
    const err = new ArchiveError(`An archive worker thread failed (${cause.message}); the operation was stopped and `
      + 'nothing was replaced. Try again; if it keeps failing, report it with this message.', 'ARCHIVE_WORKER', { cause });
    this.broken = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const w of this.waiting.splice(0)) w();
  }

  private async freeSlot(): Promise<Slot> {
    for (;;) {
      if (this.broken) throw this.broken;
      let best: Slot | undefined;
      for (const s of this.slots) if (s.busy < this.depth && (!best || s.busy < best.busy)) best = s;
      if (best) return best;
      await new Promise<void>(r => this.waiting.push(r));
    }
  }

  /** Resolves once the job is handed to a worker, with the promise of its result and which worker runs it. */
  async submit<T>(job: WorkerJob, cancel: Int32Array, transfer: ArrayBuffer[] = []): Promise<{ done: Promise<T>; worker: number }> {
    return this.post<T>(await this.freeSlot(), job, cancel, transfer);
  }

  /** Hands the job to one given worker now, whatever its queue (a write of output that worker holds). */
  submitTo<T>(worker: number, job: WorkerJob, cancel: Int32Array): { done: Promise<T>; worker: number } {
    if (this.broken) throw this.broken;
    return this.post<T>(this.slots[worker]!, job, cancel, []);
  }

  private post<T>(slot: Slot, job: WorkerJob, cancel: Int32Array, transfer: ArrayBuffer[]): { done: Promise<T>; worker: number } {
    const id = this.nextId++;
    slot.busy++;
    const done = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { slot, resolve: resolve as (v: unknown) => void, reject });
    });
    done.catch(() => {}); // the caller may stop awaiting after a failure elsewhere
    slot.worker.postMessage({ id, job, cancel }, transfer);
    return { done, worker: this.slots.indexOf(slot) };
  }

  /** While unref'd, idle threads do not keep the process alive. */
  setRef(ref: boolean): void {
    for (const s of this.slots) (ref ? s.worker.ref() : s.worker.unref());
  }

  async terminate(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map(s => s.worker.terminate()));
  }
}

/** One operation's use of a pool. */
export class PoolLease {
  private readonly pool: WorkerPool;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly onRelease: () => void;
  private released = false;

  constructor(pool: WorkerPool, onRelease: () => void) {
    this.pool = pool;
    this.onRelease = onRelease;
  }

  get size(): number { return this.pool.size; }

  async submit<T>(job: WorkerJob, transfer: ArrayBuffer[] = []): Promise<{ done: Promise<T>; worker: number }> {
    if (this.released) throw new Error('pool lease already released');
    return this.track(await this.pool.submit<T>(job, this.cancelFlag, transfer));
  }

  submitTo<T>(worker: number, job: WorkerJob): { done: Promise<T>; worker: number } {
    if (this.released) throw new Error('pool lease already released');
    return this.track(this.pool.submitTo<T>(worker, job, this.cancelFlag));
  }

  private track<R extends { done: Promise<unknown> }>(r: R): R {
    this.inFlight.add(r.done);
    const forget = () => { this.inFlight.delete(r.done); };
    r.done.then(forget, forget);
    return r;
  }

  /** Asks this operation's running jobs to stop at their next checkpoint. */
  cancel(): void {
    Atomics.store(this.cancelFlag, 0, 1);
  }

  /** Waits until none of this lease's jobs runs any more, then gives the pool back. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await Promise.allSettled([...this.inFlight]);
    this.onRelease();
  }
}

let shared: WorkerPool | undefined;
let sharedLeases = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** A lease on the shared pool, or on a private pool when a specific thread count is asked for. */
export function leasePool(threads?: number): PoolLease {
  if (threads !== undefined && threads !== defaultThreadCount()) {
    const own = new WorkerPool(Math.max(1, Math.floor(threads)));
    return new PoolLease(own, () => { void own.terminate(); });
  }
  if (!shared || shared.broken) {
    if (shared) void shared.terminate();
    shared = new WorkerPool(defaultThreadCount());
  }
  clearTimeout(idleTimer);
  sharedLeases++;
  const pool = shared;
  pool.setRef(true);
  return new PoolLease(pool, () => {
    sharedLeases--;
    if (sharedLeases > 0 || pool !== shared) return;
    pool.setRef(false);
    idleTimer = setTimeout(() => {
      if (sharedLeases === 0 && shared === pool) {
        shared = undefined;
        void pool.terminate();
      }
    }, IDLE_MS);
    idleTimer.unref();
  });
}
