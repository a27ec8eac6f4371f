/**
 * Workfile saves inside the hub. A save asks Harmony to save (scene.saveAll through its session), copies the
 * project folder to a snapshot, and answers; the snapshot is zipped in the background (zipDirectory: temp
 * file beside the destination, verified, fsynced, renamed) while the hub goes on serving every session.
 * Progress and the outcome go to subscribed tools as `workfile.progress`, `workfile.saved`, `workfile.failed`
 * events, and the artist is told in Harmony (`dcckit.message`).
 *
 * One service per hub (keyed by its HubServices), created at first use; that first use also removes what a
 * killed hub left behind (temp archives, snapshots, reservations) and schedules the retention rule.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipDirectory, type ArchiveProgress } from '../../../kit/archive/index.ts';
import type { HubServices, SessionInfo } from '../../../kit/adapter.ts';
import { byIdPrefix } from '../../../kit/hub/sessions.ts';
import { formatBytes } from '../../../kit/cli/progress.ts';
import { workfileSettings, type WorkfileSettings } from './config.ts';
import { HarmonySaveError, NoDestinationError, WorkfileError, WorkfileNameError, WorkfileSessionError } from './errors.ts';
import { isOriginRecord, readOrigin, updateOrigin, writeOrigin } from './origin.ts';
import { pruneLocalCopies, type RetentionResult } from './retention.ts';
import { cleanSaveLeftovers, rememberSaveDir } from './save-dirs.ts';
import { SaveQueue, type SaveJob, type SaveOutcome } from './save-queue.ts';
import { sessionLabel } from '../session-label.ts';
import { checkDestination, describeSession, type ArchiveWriter } from './save-guard.ts';
import { snapshotProject } from './snapshot.ts';
import { compileTemplate } from './template.ts';
import { reserveNextVersion, type Reservation } from './versions.ts';

export interface SaveRequest {
  /** Session id; default: the only connected Harmony session. */
  session?: string;
  /** Save as the next free version of the workfile's name instead of over it. */
  versionUp?: boolean;
  /** Save to this archive (a later save without --to goes there too). */
  to?: string;
  /** Archive what symlinks leading outside the project folder point to (refused otherwise). */
  followOutsideLinks?: boolean;
  /** Overwrite the archive even when another session saves to it or it changed on disk since (save-guard.ts). */
  force?: boolean;
}

export interface SaveTicket {
  /** Matches the `ids` of the progress and outcome events. */
  id: string;
  dest: string;
  session: string;
  project: string;
  /** 'queued' when another zip to the same archive is still running. */
  state: 'started' | 'queued';
  /** Earlier queued saves this one replaced (their ids get this save's outcome). */
  supersedes: string[];
  /** The archive `dest` already exists and this save replaces it (no --version-up). */
  overwrites: boolean;
  snapshot: { bytes: number; files: number; ms: number };
}

export interface WorkfileServiceOptions {
  /** Zip worker threads. Default: one core fewer than the machine has (at least one), so Harmony keeps one. */
  zipThreads?: number;
  /** How long Harmony may take to save. Default 10 minutes. */
  saveTimeout?: number;
  /** No automatic retention before the hub has run this long (sessions of a restarted hub reconnect first). */
  settleMs?: number;
}

const DEFAULT_SAVE_TIMEOUT = 10 * 60_000;
const DEFAULT_SETTLE_MS = 20_000;

function errorPayload(err: Error): { name: string; code: string; message: string } {
  const code = (err as { code?: unknown }).code;
  return { name: err.name, code: typeof code === 'string' ? code : 'INTERNAL', message: err.message };
}

export class WorkfileService {
  readonly hub: HubServices;
  readonly settings: WorkfileSettings;
  private readonly queue: SaveQueue;
  private readonly opts: Required<WorkfileServiceOptions>;
  private maintenance: Promise<void> | null = null;
  private counter = 0;
  /** In-hub callers waiting for a save's archive (publish), by save id. */
  private readonly written = new Map<string, { resolve(dest: string): void; reject(err: Error): void }>();
  private pruneTimer: NodeJS.Timeout | null = null;
  /** Who wrote each archive last through this hub, to name them when another session finds it changed. */
  private readonly writers = new Map<string, ArchiveWriter>();

  constructor(hub: HubServices, opts: WorkfileServiceOptions = {}) {
    this.hub = hub;
    this.settings = workfileSettings(hub.config, hub.home);
    this.opts = {
      zipThreads: opts.zipThreads ?? Math.max(1, Math.min(4, os.availableParallelism() - 1)),
      saveTimeout: opts.saveTimeout ?? DEFAULT_SAVE_TIMEOUT,
      settleMs: opts.settleMs ?? DEFAULT_SETTLE_MS,
    };
    this.queue = new SaveQueue({
      // The snapshot's links lead into the project folder (fs.cp makes them absolute); the project itself was
      // checked for links leading outside it when the snapshot was taken (snapshot.ts).
      zip: (job, onProgress) => zipDirectory(job.snapshot.dir, job.dest, {
        onProgress, exclude: isOriginRecord, threads: this.opts.zipThreads, followOutsideLinks: true,
        // What is about to replace the archive, noted in the copy's record: a hub killed before onDone still
        // leaves the copy able to tell its own archive from someone else's (save-guard.ts).
        beforeRename: async (temp) => {
          const st = await fsp.stat(temp);
          await updateOrigin(job.projectDir, { pendingZip: { zip: job.dest, mtimeMs: st.mtimeMs, size: st.size } }).catch(() => null);
        },
      }),
      progress: (job, p) => this.onProgress(job, p),
      superseded: (dropped, by) => this.hub.emit('workfile.superseded', { ids: dropped.ids, by: by.ids[by.ids.length - 1]!, dest: by.dest }),
      done: (job, outcome) => this.onDone(job, outcome),
    });
  }

  /** Removes leftovers of killed saves (once per hub) and schedules the retention rule. */
  ready(): Promise<void> {
    this.maintenance ??= (async () => {
      const removed = await cleanSaveLeftovers(this.settings.workArea).catch(() => [] as string[]);
      for (const p of removed) this.hub.log.info(`workfiles: removed ${p}, left by an interrupted save`);
      this.schedulePrune([]);
    })();
    return this.maintenance;
  }

  status(): { busy: boolean; queue: ReturnType<SaveQueue['status']> } {
    return { busy: this.queue.busy, queue: this.queue.status() };
  }

  /** Resolves when no archive is being written or waits to be. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private pickSession(req: SaveRequest, caller: SessionInfo | null): SessionInfo {
    if (caller) return caller;
    const harmony = this.hub.sessions().filter((s) => s.dcc === 'harmony');
    if (req.session) {
      const s = harmony.find((x) => x.id === req.session) ?? byIdPrefix(harmony, req.session);
      if (!s) throw new WorkfileSessionError(`No Harmony session "${req.session}" is connected (see dcc-kit sessions).`);
      return s;
    }
    const live = harmony.filter((s) => s.connected);
    if (live.length === 1) return live[0]!;
    if (live.length === 0) throw new WorkfileSessionError('No Harmony session is connected, so there is nothing to save. Start one with: dcc-kit launch harmony <workfile.zip>');
    throw new WorkfileSessionError(`${live.length} Harmony sessions are connected: choose one with --session, or run the command in the shot's folder `
      + `(${live.map(sessionLabel).join('; ')}).`);
  }

  /** Saves a session's scene: returns once Harmony saved and the snapshot is taken; the zip runs on. */
  async save(req: SaveRequest, caller: SessionInfo | null = null): Promise<SaveTicket> {
    await this.ready();
    const session = this.pickSession(req, caller);
    const projectDir = await this.projectDir(session);
    const origin = await readOrigin(projectDir);
    const base = req.to ? path.resolve(req.to) : origin?.zip;
    if (!base) throw new NoDestinationError(projectDir);
    if (!base.toLowerCase().endsWith('.zip')) throw new WorkfileNameError(`A workfile must be a .zip archive: ${base} does not end in .zip.`);
    const destDir = path.dirname(base);
    const dirStat = await fsp.stat(destDir).catch(() => null);
    if (!dirStat?.isDirectory()) throw new WorkfileError(`Cannot save to ${base}: the folder ${destDir} does not exist. Create it first, or choose another place with --to.`, 'WORKFILE_NO_FOLDER');

    // Noted before anything is put there (a version reservation, temp archives), so what a killed hub leaves
    // in this folder is found by the next hub's start even if no save here ever finished.
    await rememberSaveDir(this.settings.workArea, destDir).catch((err) => this.hub.log.warn(`workfiles: cannot note ${destDir}: ${(err as Error).message}`));
    let reservation: Reservation | undefined;
    let dest = base;
    if (req.versionUp) {
      const template = compileTemplate(this.settings.template);
      const fields = template.parse(path.basename(base));
      if (!fields) {
        throw new WorkfileNameError(`${path.basename(base)} does not follow the workfile template "${this.settings.template}", so it has no `
          + 'version to go up from. Save with --to <name> following the template, e.g. --to ' + path.join(destDir, template.format({ name: 'shot', version: 1 })));
      }
      reservation = await reserveNextVersion(destDir, fields.name, template);
      dest = reservation.path;
    }
    // A save asked from Harmony's menu shows its error there anyway; one asked by a tool is told to the artist.
    const tellErrors = caller === null;
    try {
      if (req.force) {
        this.hub.log.info(`workfiles: ${session.id} saves to ${dest} with --force (no check of other sessions or changes on disk)`);
      } else {
        // The writes under way first, then the record: a save of this copy that finishes in between has
        // recorded the archive's new mtime before it leaves the queue, so the fresh record matches it.
        const writing = this.queue.jobsFor(dest).map((j) => ({ session: j.session, projectDir: j.projectDir }));
        await checkDestination({
          dest, session, projectDir, origin: await readOrigin(projectDir), sessions: this.hub.sessions(), lastWriter: this.writers.get(dest), writing,
        });
      }
      await this.harmonySave(session, projectDir, dest, tellErrors);
      let snapshot;
      try {
        snapshot = await snapshotProject(projectDir, this.settings.workArea, { followOutsideLinks: req.followOutsideLinks });
      } catch (err) {
        if (tellErrors) this.tell(session.id, `dcc-kit: the workfile was NOT saved to ${dest}.\n${(err as Error).message}`, 'critical');
        throw err;
      }
      // Later saves go where this one goes. A record that cannot be written costs only that: the archive still is.
      const usedAt = new Date().toISOString();
      await (origin
        ? updateOrigin(projectDir, origin.zip === dest ? { usedAt } : { zip: dest, zipMtimeMs: null, zipSize: null, source: 'workfile', usedAt })
        : writeOrigin(projectDir, { format: 1, zip: dest, zipMtimeMs: null, zipSize: null, sceneMtimeMs: null, source: 'workfile', usedAt })
      ).catch((err) => this.hub.log.warn(`workfiles: cannot record the destination in ${projectDir}: ${(err as Error).message}`));
      if (origin?.zip !== dest) this.hub.annotate(session.id, { workfile: dest });
      const id = `save-${process.pid}-${++this.counter}-${Date.now().toString(36)}`;
      const overwrites = !reservation && (await fsp.stat(dest).then((st) => st.isFile(), () => false));
      const job: SaveJob = { ids: [id], dest, snapshot, session: session.id, projectDir, reservation, overwrites, label: describeSession(session, dest) };
      const { state, superseded } = this.queue.enqueue(job);
      reservation = undefined; // the queue releases it now
      this.hub.log.info(`workfiles: ${session.id} saved ${projectDir}; archiving to ${dest} (${state}, ${formatBytes(snapshot.bytes)})`);
      return {
        id, dest, session: session.id, project: projectDir, state, supersedes: superseded, overwrites,
        snapshot: { bytes: snapshot.bytes, files: snapshot.files, ms: Math.round(snapshot.ms) },
      };
    } finally {
      await reservation?.release();
    }
  }

  private async projectDir(session: SessionInfo): Promise<string> {
    let dir: unknown;
    try {
      dir = await this.hub.call(session.id, { function: 'scene.currentProjectPath' }, { timeout: 30_000 });
    } catch (err) {
      throw new HarmonySaveError(`Cannot ask Harmony (session ${session.id}) which scene is open: ${(err as Error).message}`, { cause: err });
    }
    if (typeof dir !== 'string' || !dir) throw new HarmonySaveError(`Harmony (session ${session.id}) has no scene open, so there is nothing to save.`);
    return path.resolve(dir);
  }

  private async harmonySave(session: SessionInfo, projectDir: string, dest: string, tellErrors: boolean): Promise<void> {
    let ok: unknown;
    try {
      ok = await this.hub.call(session.id, { function: 'scene.saveAll' }, { timeout: this.opts.saveTimeout });
    } catch (err) {
      throw new HarmonySaveError(`Harmony stopped answering while it saved the scene (${(err as Error).message}). Nothing was archived; `
        + `${dest} is unchanged. Harmony's own save in ${projectDir} may be incomplete: reopen the workfile and check it.`, { cause: err });
    }
    if (ok !== true) {
      const text = `Harmony could not save the scene in ${projectDir} (scene.saveAll returned ${JSON.stringify(ok)}). `
        + `Check the free space and permissions there. Nothing was archived; ${dest} is unchanged.`;
      if (tellErrors) this.tell(session.id, `dcc-kit: ${text}`, 'critical');
      throw new HarmonySaveError(text);
    }
  }

  /** Relays the progress of an extraction done by a CLI process (dcc-kit launch / workfile open) to tools. */
  extractProgress(zip: string, dir: string, p: ArchiveProgress): void {
    this.hub.emit('workfile.progress', { ids: [], zip, dir, ...p, phase: 'extract' });
  }

  private onProgress(job: SaveJob, p: ArchiveProgress): void {
    this.hub.emit('workfile.progress', { ids: job.ids, dest: job.dest, session: job.session, ...p });
  }

  /** Resolves with the archive's path once the save with this id is written (rejects if it failed). */
  whenWritten(id: string): Promise<string> {
    return new Promise((resolve, reject) => this.written.set(id, { resolve, reject }));
  }

  private settleWaiters(job: SaveJob, outcome: SaveOutcome): void {
    for (const id of job.ids) {
      const w = this.written.get(id);
      if (!w) continue;
      this.written.delete(id);
      if (outcome.ok) w.resolve(job.dest);
      else w.reject(outcome.error);
    }
  }

  private async onDone(job: SaveJob, outcome: SaveOutcome): Promise<void> {
    this.settleWaiters(job, outcome);
    if (outcome.ok) {
      const st = await fsp.stat(job.dest).catch(() => null);
      if (st) {
        this.writers.set(job.dest, {
          session: job.session ?? '', projectDir: job.projectDir, label: job.label ?? 'this hub',
          at: new Date(st.mtimeMs).toISOString(), mtimeMs: st.mtimeMs, size: st.size,
        });
        // Only while the copy still saves to this archive (a later save may have chosen another meanwhile).
        await updateOrigin(job.projectDir, (rec) => (rec.zip === job.dest
          ? { zipMtimeMs: st.mtimeMs, zipSize: st.size, sceneMtimeMs: job.snapshot.sceneMtimeMs, pendingZip: null }
          : null)).catch(() => null);
      }
      const s = outcome.summary;
      this.hub.log.info(`workfiles: wrote ${job.dest} (${formatBytes(s.bytesOut)} from ${formatBytes(s.bytesIn)}, ${Math.round(s.ms)} ms)`);
      this.hub.emit('workfile.saved', {
        ids: job.ids, dest: job.dest, session: job.session, bytes: s.bytesIn, bytesOut: s.bytesOut, files: s.files, ms: Math.round(s.ms),
      });
      const replaced = job.overwrites
        ? `\nThis replaced the previous ${path.basename(job.dest)}. To keep earlier states, save a new version: dcc-kit workfile save --version-up.`
        : '';
      if (job.session) this.tell(job.session, `dcc-kit: saved ${path.basename(job.dest)} (${formatBytes(s.bytesOut)}) in ${path.dirname(job.dest)}.${replaced}`, 'information');
    } else {
      const err = outcome.error;
      this.hub.log.warn(`workfiles: could not write ${job.dest}: ${err.message}`);
      this.hub.emit('workfile.failed', { ids: job.ids, dest: job.dest, session: job.session, error: errorPayload(err) });
      if (job.session) this.tell(job.session, `dcc-kit: the workfile was NOT saved to ${job.dest}.\n${err.message}`, 'critical');
    }
  }

  /** Shows a message box in Harmony; a Harmony that went away meanwhile is only logged. */
  private tell(session: string, text: string, kind: 'information' | 'warning' | 'critical'): void {
    this.hub.call(session, { request: 'dcckit.message', args: { text, kind } }, { timeout: 60 * 60_000 })
      .catch((err) => this.hub.log.info(`workfiles: could not tell session ${session}: ${(err as Error).message}`));
  }

  /** Applies the retention rule now. Copies open in a session, and `protect`, are kept. */
  async prune(protect: string[] = []): Promise<RetentionResult> {
    const inUse = this.hub.sessions().filter((s) => s.dcc === 'harmony' && s.scene).map((s) => s.scene!);
    const result = await pruneLocalCopies(this.settings.workArea, {
      keepLocalCopies: this.settings.keepLocalCopies, maxLocalAgeDays: this.settings.maxLocalAgeDays,
      template: this.settings.template, inUse, protect,
    });
    for (const dir of result.removed) this.hub.log.info(`workfiles: removed the old local copy ${dir}`);
    return result;
  }

  /**
   * Applies the retention rule once the hub has run for `settleMs` (before that, Harmony sessions of a hub
   * that was restarted may not have reconnected, and their copies would look unused).
   */
  schedulePrune(protect: string[]): { scheduled: boolean } {
    const wait = this.opts.settleMs - process.uptime() * 1000;
    if (wait <= 0) {
      void this.prune(protect).catch((err) => this.hub.log.warn(`workfiles: retention failed: ${(err as Error).message}`));
      return { scheduled: false };
    }
    if (this.pruneTimer) clearTimeout(this.pruneTimer);
    this.pruneTimer = setTimeout(() => {
      this.pruneTimer = null;
      void this.prune(protect).catch((err) => this.hub.log.warn(`workfiles: retention failed: ${(err as Error).message}`));
    }, wait);
    this.pruneTimer.unref();
    return { scheduled: true };
  }
}

const services = new WeakMap<HubServices, WorkfileService>();

/** The workfile service of a hub (created at first use). */
export function workfileService(hub: HubServices, opts?: WorkfileServiceOptions): WorkfileService {
  let s = services.get(hub);
  if (!s) {
    s = new WorkfileService(hub, opts);
    services.set(hub, s);
  }
  return s;
}
