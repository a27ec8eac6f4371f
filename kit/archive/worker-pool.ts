/**
 * A small pool of archive worker threads for one operation. Jobs go to the least busy worker (at most
 * `depth` in flight per worker so none idles between messages); results come back as promises.
 * `cancel()` raises a shared flag that running jobs check between files and chunks, so workers stop
 * promptly without being terminated in the middle of a file operation; `close()` then ends the threads.
 */
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import type { JobFailure, WorkerJob } from './worker-jobs.ts';

const WORKER_URL = new URL(`./archive-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export class JobFailedError extends Error {
  readonly failure: JobFailure;
  constructor(failure: JobFailure) {
    super(failure.message);
    this.failure = failure;
  }
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

export function defaultThreadCount(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: Array<() => void> = [];
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private broken: Error | undefined;
  private closing = false;
  private readonly depth: number;

  constructor(threads = defaultThreadCount(), depth = 2) {
    this.depth = depth;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_URL, { workerData: { cancel: this.cancelFlag } });
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (msg: { id: number; ok: boolean; result?: unknown; failure?: JobFailure }) => this.onMessage(msg));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`archive worker exited unexpectedly (code ${code})`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number { return this.slots.length; }

  private onMessage(msg: { id: number; ok: boolean; result?: unknown; failure?: JobFailure }): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    p.slot.busy--;
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new JobFailedError(msg.failure!));
    this.waiting.shift()?.();
  }

  private fail(err: Error): void {
    if (this.broken) return;
    this.broken = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const w of this.waiting.splice(0)) w();
  }

  /** Resolves when some worker can take another job without queueing more than `depth`. */
  private async freeSlot(): Promise<Slot> {
    for (;;) {
      if (this.broken) throw this.broken;
      let best: Slot | undefined;
      for (const s of this.slots) if (s.busy < this.depth && (!best || s.busy < best.busy)) best = s;
      if (best) return best;
      await new Promise<void>(r => this.waiting.push(r));
    }
  }

  /** Queues a job; resolves once it is handed to a worker, with the promise of its result. */
  async submit<T>(job: WorkerJob, transfer: ArrayBuffer[] = []): Promise<{ done: Promise<T> }> {
    const slot = await this.freeSlot();
    const id = this.nextId++;
    slot.busy++;
    const done = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { slot, resolve: resolve as (v: unknown) => void, reject });
    });
    done.catch(() => {}); // the caller may stop awaiting after a failure elsewhere
    slot.worker.postMessage({ id, job }, transfer);
    return { done };
  }

  /** Asks running jobs to stop at their next checkpoint. */
  cancel(): void {
    Atomics.store(this.cancelFlag, 0, 1);
  }

  /** Waits for in-flight jobs to finish (they stop early after cancel()), then ends the threads. */
  async close(): Promise<void> {
    if (this.closing) return;
    const inFlight = [...this.pending.values()].map(p => new Promise<void>(r => {
      const orig = { resolve: p.resolve, reject: p.reject };
      p.resolve = (v) => { orig.resolve(v); r(); };
      p.reject = (e) => { orig.reject(e); r(); };
    }));
    if (!this.broken) await Promise.all(inFlight);
    this.closing = true;
    await Promise.all(this.slots.map(s => s.worker.terminate()));
  }
}
