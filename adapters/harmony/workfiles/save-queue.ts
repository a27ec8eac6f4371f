/**
 * The background zips of saves, one lane per destination archive: at most one zip runs per destination, and
 * saves that arrive meanwhile wait in a single pending slot where the newest snapshot replaces an older one
 * (the older request is answered by the newer save: its id joins the newer job's ids). Different
 * destinations zip side by side.
 */
import type { ArchiveProgress, ZipSummary } from '../../../kit/archive/index.ts';
import type { Snapshot } from './snapshot.ts';
import type { Reservation } from './versions.ts';

export interface SaveJob {
  /** Every save request this job answers (its own and those it superseded). */
  ids: string[];
  dest: string;
  snapshot: Snapshot;
  /** The Harmony session to tell when it is done, if any. */
  session: string | null;
  projectDir: string;
  reservation?: Reservation;
  /** The destination archive existed when the save was asked: it is replaced (the artist is told so). */
  overwrites?: boolean;
  /** Who saves (session, user, host), named to another session that finds the archive changed. */
  label?: string;
}

export type SaveOutcome = { ok: true; summary: ZipSummary } | { ok: false; error: Error };

export interface SaveQueueHooks {
  zip(job: SaveJob, onProgress: (p: ArchiveProgress) => void): Promise<ZipSummary>;
  progress?(job: SaveJob, p: ArchiveProgress): void;
  superseded?(dropped: SaveJob, by: SaveJob): void;
  /** Called once the job's temp files and reservation are gone. */
  done(job: SaveJob, outcome: SaveOutcome): void | Promise<void>;
}

interface Lane { running: SaveJob | null; pending: SaveJob | null }

export class SaveQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly hooks: SaveQueueHooks;

  constructor(hooks: SaveQueueHooks) {
    this.hooks = hooks;
  }

  /** Starts the job now, or parks it behind the running zip of the same destination. */
  enqueue(job: SaveJob): { state: 'started' | 'queued'; superseded: string[] } {
    let lane = this.lanes.get(job.dest);
    if (!lane) {
      lane = { running: null, pending: null };
      this.lanes.set(job.dest, lane);
    }
    if (!lane.running) {
      this.start(lane, job);
      return { state: 'started', superseded: [] };
    }
    const dropped = lane.pending;
    lane.pending = job;
    if (!dropped) return { state: 'queued', superseded: [] };
    job.ids = [...dropped.ids, ...job.ids];
    void dropped.snapshot.release();
    void dropped.reservation?.release();
    this.hooks.superseded?.(dropped, job);
    return { state: 'queued', superseded: dropped.ids };
  }

  /** Running and waiting jobs, by destination. */
  status(): Array<{ dest: string; running: string[] | null; pending: string[] | null }> {
    return [...this.lanes].map(([dest, l]) => ({ dest, running: l.running?.ids ?? null, pending: l.pending?.ids ?? null }));
  }

  /** The jobs writing or waiting to write `dest`. */
  jobsFor(dest: string): SaveJob[] {
    const lane = this.lanes.get(dest);
    return lane ? [lane.running, lane.pending].filter((j): j is SaveJob => j !== null) : [];
  }

  get busy(): boolean {
    return this.lanes.size > 0;
  }

  /** Resolves once no zip runs or waits. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private start(lane: Lane, job: SaveJob): void {
    lane.running = job;
    void this.run(job).finally(() => {
      lane.running = null;
      const next = lane.pending;
      lane.pending = null;
      if (next) this.start(lane, next);
      else {
        this.lanes.delete(job.dest);
        if (!this.busy) for (const w of this.idleWaiters.splice(0)) w();
      }
    });
  }

  private async run(job: SaveJob): Promise<void> {
    let outcome: SaveOutcome;
    try {
      outcome = { ok: true, summary: await this.hooks.zip(job, (p) => this.hooks.progress?.(job, p)) };
    } catch (err) {
      outcome = { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
    }
    await job.snapshot.release();
    await job.reservation?.release();
    try {
      await this.hooks.done(job, outcome);
    } catch {
      // Reporting must never stop the queue.
    }
  }
}
