/**
 * AfanasyClient: submit, list, inspect and act on jobs of an Afanasy (CGRU) server.
 * One request per connection (wire.ts); every job is validated locally before it is sent (validate.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  FarmError,
  FarmJobNotFoundError,
  FarmProtocolError,
  FarmServerError,
} from './errors.ts';
import type { AfanasyJobDocument, JobSpec } from './job.ts';
import { toAfanasyJson } from './job.ts';
import type { AfanasySettings } from './settings.ts';
import { resolveAfanasySettings } from './settings.ts';
import type { JobInfo, JobProgress, TaskOutput } from './status.ts';
import { parseJob, parseJobProgress, parseTaskProgress } from './status.ts';
import { assertValidJobDocument } from './validate.ts';
import { addressOf, exchange } from './wire.ts';

/** Afanasy's own system job: always in the server's list, never a render job. */
export const SYSTEM_JOB_ID = 1;

/**
 * A job on the server: its id, or id and serial. With a serial, calls fail with FarmJobNotFoundError when the
 * id has been reused by another job since (ids are reused after deletion; serials never repeat).
 */
export type JobRef = number | { id: number; serial?: number };

export interface SubmittedJob {
  id: number;
  serial: number;
}

export interface JobsFilter {
  /** Only jobs of these users. */
  users?: string[];
  /** Only jobs whose name starts with this text (the server's mask is a plain match, not a regex). */
  mask?: string;
  ids?: number[];
}

export interface SubmitOptions {
  /** Fill a missing `user_name`/`host_name` from the settings (default true). Present values are kept as is. */
  fillDefaults?: boolean;
  /** The name of a job that has none or an empty one (afserver would run it as ""). Default "dcc-kit job". */
  defaultName?: string;
}

/** Job operations of an action. */
export type JobOperation = 'delete' | 'pause' | 'start' | 'stop' | 'restart' | 'restart_errors';

export interface WaitOptions {
  /** Time between polls, default 2000 ms. */
  intervalMs?: number;
  /** Called with every polled state, including the last. */
  onUpdate?: (job: JobInfo) => void;
  signal?: AbortSignal;
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJobSpec(job: unknown): job is JobSpec {
  return isObject(job) && !('job' in job) && Array.isArray(job.blocks);
}

function refParts(ref: JobRef): { id: number; serial: number | undefined } {
  return typeof ref === 'number' ? { id: ref, serial: undefined } : { id: ref.id, serial: ref.serial };
}

export class AfanasyClient {
  readonly settings: AfanasySettings;

  constructor(settings: Partial<AfanasySettings> = {}) {
    this.settings = resolveAfanasySettings(settings);
  }

  /** "host:port" of the server. */
  get address(): string {
    return addressOf(this.settings);
  }

  /**
   * Send any request body and return the reply object. An `info` error reply becomes FarmServerError;
   * `context` names what was asked for in that error ("job 5", "the job list").
   */
  async request(body: object, context = 'the request', signal?: AbortSignal): Promise<Obj> {
    // Every request has a total deadline besides the idle timeout (settings.deadlineMs, default 3 x timeoutMs).
    const reply = await exchange({ ...this.settings, signal }, body);
    if (!isObject(reply)) throw new FarmProtocolError(this.address, `expected a JSON object, got ${JSON.stringify(reply)?.slice(0, 60)}`);
    const info = reply.info;
    if (isObject(info) && info.kind === 'error') {
      throw new FarmServerError(this.address, typeof info.text === 'string' ? info.text : JSON.stringify(info), context);
    }
    return reply;
  }

  /**
   * The document that `submit` would send: a JobSpec converted, or an Afanasy document (`{"job": {...}}`)
   * copied, with a missing user_name/host_name filled from the settings, then validated.
   * Throws JobValidationError listing every problem.
   */
  prepareJob(job: JobSpec | AfanasyJobDocument | unknown, options: SubmitOptions = {}): AfanasyJobDocument {
    const fill = options.fillDefaults ?? true;
    const defaults = fill ? { userName: this.settings.user, hostName: this.settings.hostName } : {};
    let doc: unknown;
    if (isJobSpec(job)) {
      doc = toAfanasyJson(job, defaults);
    } else {
      doc = structuredClone(job);
      if (fill && isObject(doc) && isObject(doc.job)) {
        if (!('user_name' in doc.job)) doc.job.user_name = this.settings.user;
        if (!('host_name' in doc.job)) doc.job.host_name = this.settings.hostName;
        if (doc.job.name === undefined || (typeof doc.job.name === 'string' && doc.job.name.trim() === '')) doc.job.name = options.defaultName ?? 'dcc-kit job';
      }
    }
    assertValidJobDocument(doc, { maxTasks: this.settings.maxTasks, maxFrames: this.settings.maxFrames });
    return doc;
  }

  /** Validate and send a job. Returns the id and serial the server assigned: track the job by them, not by name. */
  async submit(job: JobSpec | AfanasyJobDocument | unknown, options: SubmitOptions = {}): Promise<SubmittedJob> {
    const doc = this.prepareJob(job, options);
    const label = `the job ${JSON.stringify(doc.job.name ?? '')}`;
    const reply = await this.request(doc, label);
    // Servers before 3.4.1 answer a rejected job with {"id":0,"serial":0,"error":"Invalid job."}.
    if (typeof reply.error === 'string') throw new FarmServerError(this.address, reply.error, label);
    const { id, serial } = reply;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || typeof serial !== 'number') {
      throw new FarmProtocolError(this.address, `a job submission should be answered with {"id", "serial"}, got ${JSON.stringify(reply).slice(0, 80)}`);
    }
    return { id, serial };
  }

  /** Jobs on the server, without Afanasy's system job. */
  async jobs(filter: JobsFilter = {}): Promise<JobInfo[]> {
    const get: Obj = { type: 'jobs', user_name: this.settings.user, host_name: this.settings.hostName };
    if (filter.users?.length) get.users = filter.users;
    if (filter.mask) get.mask = filter.mask;
    if (filter.ids?.length) get.ids = filter.ids;
    const reply = await this.request({ get }, 'the job list');
    return this.#jobList(reply).filter((job) => job.id !== SYSTEM_JOB_ID);
  }

  /** One job with its blocks and per-block progress counters. `full` adds commands, directories and files. */
  async job(ref: JobRef, options: { full?: boolean; signal?: AbortSignal } = {}): Promise<JobInfo> {
    const { id, serial } = this.#checkRef(ref);
    const get: Obj = { type: 'jobs', ids: [id] };
    if (options.full) get.mode = 'full';
    const reply = await this.#requestJob(id, { get }, `job ${id}`, options.signal);
    const job = this.#jobList(reply).find((j) => j.id === id);
    if (!job) throw new FarmJobNotFoundError(this.address, id);
    if (serial !== undefined && job.serial !== serial) {
      throw new FarmJobNotFoundError(
        this.address,
        id,
        `the id now belongs to ${JSON.stringify(job.name)} with serial ${job.serial}, not ${serial}: your job was deleted and its id reused`,
      );
    }
    return job;
  }

  /** State of every task, per block. */
  async progress(ref: JobRef): Promise<JobProgress> {
    const { id, serial } = this.#checkRef(ref);
    if (serial !== undefined) await this.job(ref);
    const reply = await this.#requestJob(id, { get: { type: 'jobs', ids: [id], mode: 'progress' } }, `the progress of job ${id}`);
    if (!isObject(reply.job_progress)) throw new FarmProtocolError(this.address, 'a progress reply has no "job_progress"');
    return parseJobProgress(reply.job_progress, id);
  }

  /** The stored output (stdout) of a task's last run. Blocks and tasks count from 0. */
  async taskOutput(ref: JobRef, block: number, task: number): Promise<TaskOutput> {
    const { id, serial } = this.#checkRef(ref);
    for (const [what, n] of [['block', block], ['task', task]] as const) {
      if (!Number.isInteger(n) || n < 0) throw new FarmError(`The ${what} number must be an integer >= 0, not ${n}.`, 'FARM_ARGUMENT');
    }
    if (serial !== undefined) await this.job(ref);
    const context = `the output of job ${id} block ${block} task ${task}`;
    const reply = await this.request({ get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [block], task_ids: [task] } }, context);
    // 3.4.1 answers {"task": ...}; older servers {"task_output": ...}.
    const t = isObject(reply.task) ? reply.task : isObject(reply.task_output) ? reply.task_output : undefined;
    if (!t) throw new FarmProtocolError(this.address, 'a task output reply has no "task"');
    const data = typeof t.data === 'string' ? t.data : '';
    const jobName = typeof t.job_name === 'string' ? t.job_name : '';
    const progress = parseTaskProgress(t.progress, block, task);
    // The server reports failures inside the output as "ERROR: ...". Its own failures come with no job name
    // (bad job, block or task number) or for a task that has no finished run; a task's real stdout does not.
    if (data.startsWith('ERROR: ') && (jobName === '' || progress.starts === 0 || progress.states.includes('RUN'))) {
      const text = data.slice('ERROR: '.length);
      if (/invalid job id/i.test(text)) throw new FarmJobNotFoundError(this.address, id);
      throw new FarmServerError(this.address, text, context);
    }
    return {
      jobId: id,
      block,
      task,
      jobName,
      blockName: typeof t.block_name === 'string' ? t.block_name : '',
      taskName: typeof t.task_name === 'string' ? t.task_name : '',
      service: typeof t.service === 'string' ? t.service : '',
      output: data,
      progress,
    };
  }

  /** Delete a job. Resolves to the job as it was just before. */
  delete(ref: JobRef): Promise<JobInfo> { return this.operate(ref, 'delete'); }
  /** Pause a job (Afanasy's offline): no new tasks start. Resolves to the job as it was just before. */
  pause(ref: JobRef): Promise<JobInfo> { return this.operate(ref, 'pause'); }
  /** Start a paused job. Resolves to the job as it was just before. */
  start(ref: JobRef): Promise<JobInfo> { return this.operate(ref, 'start'); }

  /**
   * Apply an operation to one job and resolve to the job as it was just before. The server ignores unknown ids
   * silently, so the job is looked up first (which also checks the serial when the ref has one).
   */
  async operate(ref: JobRef, operation: JobOperation): Promise<JobInfo> {
    const { id } = this.#checkRef(ref);
    const { user, hostName } = this.settings;
    if (!user.trim() || !hostName.trim()) {
      throw new FarmError(
        'Afanasy actions need both a user name and a host name, and one of them is empty. Set the farm user and hostName settings.',
        'FARM_ARGUMENT',
      );
    }
    const job = await this.job(ref);
    await this.request(
      { action: { type: 'jobs', ids: [id], user_name: user, host_name: hostName, operation: { type: operation } } },
      `${operation} of job ${id}`,
    );
    return job;
  }

  /**
   * Poll a job until it is done or in error, and return its last state. A job with a task in error stops
   * the wait at once: it cannot become done without someone restarting that task.
   */
  async waitForJob(ref: JobRef, options: WaitOptions = {}): Promise<JobInfo> {
    const intervalMs = options.intervalMs ?? 2000;
    for (;;) {
      options.signal?.throwIfAborted();
      const job = await this.job(ref, { signal: options.signal });
      options.onUpdate?.(job);
      if (job.status === 'done' || job.status === 'error') return job;
      await sleep(intervalMs, undefined, { signal: options.signal });
    }
  }

  #checkRef(ref: JobRef): { id: number; serial: number | undefined } {
    const parts = refParts(ref);
    if (!Number.isInteger(parts.id) || parts.id < 1) {
      throw new FarmError(`A job id is an integer >= 1, not ${parts.id}.`, 'FARM_ARGUMENT');
    }
    if (parts.id === SYSTEM_JOB_ID) {
      throw new FarmJobNotFoundError(this.address, parts.id, "id 1 is Afanasy's own system job, not a render job");
    }
    return parts;
  }

  /** A get for one id: the server's "Invalid ID" becomes FarmJobNotFoundError. */
  async #requestJob(id: number, body: object, context: string, signal?: AbortSignal): Promise<Obj> {
    try {
      return await this.request(body, context, signal);
    } catch (err) {
      if (err instanceof FarmServerError && /invalid id/i.test(err.serverText)) throw new FarmJobNotFoundError(this.address, id);
      throw err;
    }
  }

  #jobList(reply: Obj): JobInfo[] {
    if (!Array.isArray(reply.jobs)) throw new FarmProtocolError(this.address, 'a job list reply has no "jobs" array');
    return reply.jobs.map(parseJob);
  }
}
