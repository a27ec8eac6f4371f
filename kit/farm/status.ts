/**
 * Typed views of what afserver reports about jobs: the job list entries, the per-task progress and task
 * output. State strings arrive as padded tokens (" RDY RUN"); they are split into `states` here.
 */
import type { FrameRange } from './frames.ts';
import { taskName } from './frames.ts';
import { BLOCK_FLAG_NUMERIC } from './job.ts';

/** Afanasy state tokens dcc-kit looks at. The server reports more (WTM, SKP, WRN, ...); they are kept as is. */
export type StateToken = 'RDY' | 'RUN' | 'DON' | 'ERR' | 'OFF' | 'WDP' | 'SKP' | (string & {});

/** A one-word summary of a job's states, most important first: error, done, paused, running, waiting, ready. */
export type JobStatus = 'error' | 'done' | 'paused' | 'running' | 'waiting' | 'ready' | 'unknown';

export interface BlockInfo {
  index: number;
  name: string;
  service: string;
  /** A frame-range block (flags bit 0). */
  numeric: boolean;
  frames: FrameRange | undefined;
  states: StateToken[];
  tasksTotal: number;
  tasksReady: number;
  tasksRunning: number;
  tasksDone: number;
  tasksError: number;
  /** The server's percentage of the block (running tasks count partially). */
  percent: number;
  /** Present when the job was read in full mode. */
  command?: string;
  workingDirectory?: string;
  files?: string[];
  /** Task names of a task-list block (full mode only). */
  taskNames?: string[];
}

export interface JobInfo {
  id: number;
  /** Unique for the server's lifetime; ids are reused after deletion, serials never. */
  serial: number;
  /** The name the server gave the job (it appends -1, -2, ... to repeated names). */
  name: string;
  userName: string;
  hostName: string;
  priority: number;
  /** The state string split into tokens, e.g. ["RDY", "OFF"]. */
  states: StateToken[];
  status: JobStatus;
  /** Unix seconds. */
  timeCreation?: number;
  timeStarted?: number;
  timeDone?: number;
  tasksTotal: number;
  tasksRunning: number;
  tasksDone: number;
  tasksError: number;
  blocks: BlockInfo[];
}

export interface TaskProgress {
  block: number;
  task: number;
  states: StateToken[];
  /** How many times the task was started. */
  starts: number;
  errors: number;
  /** Render host of the last start. */
  host?: string;
  timeStarted?: number;
  timeDone?: number;
}

export interface JobProgress {
  id: number;
  /** One list of task progress per block. */
  blocks: TaskProgress[][];
}

export interface TaskOutput {
  jobId: number;
  block: number;
  task: number;
  jobName: string;
  blockName: string;
  taskName: string;
  service: string;
  /** The task's stdout as stored by the server. */
  output: string;
  progress: TaskProgress;
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function optNum(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** " RDY RUN" -> ["RDY", "RUN"]. */
export function parseStates(state: unknown): StateToken[] {
  return typeof state === 'string' ? state.split(/\s+/).filter(Boolean) : [];
}

export function jobStatus(states: readonly string[]): JobStatus {
  if (states.includes('ERR')) return 'error';
  if (states.includes('DON')) return 'done';
  if (states.includes('OFF')) return 'paused';
  if (states.includes('RUN')) return 'running';
  if (states.includes('WDP') || states.includes('WTM')) return 'waiting';
  if (states.includes('RDY')) return 'ready';
  return 'unknown';
}

function parseBlock(raw: unknown, index: number): BlockInfo {
  const b = isObject(raw) ? raw : {};
  const numeric = (num(b.flags) & BLOCK_FLAG_NUMERIC) !== 0;
  const frames: FrameRange | undefined = numeric
    ? { first: num(b.frame_first), last: num(b.frame_last), perTask: Math.max(1, num(b.frames_per_task, 1)), increment: Math.max(1, num(b.frames_inc, 1)) }
    : undefined;
  const info: BlockInfo = {
    index: typeof b.block_num === 'number' ? b.block_num : index,
    name: str(b.name),
    service: str(b.service),
    numeric,
    frames,
    states: parseStates(b.state),
    // The server leaves counters out when they are zero.
    tasksTotal: num(b.tasks_num),
    tasksReady: num(b.p_tasks_ready),
    tasksRunning: num(b.running_tasks_counter),
    tasksDone: num(b.p_tasks_done),
    tasksError: num(b.p_tasks_error),
    percent: num(b.p_percentage),
  };
  if (typeof b.command === 'string') info.command = b.command;
  if (typeof b.working_directory === 'string') info.workingDirectory = b.working_directory;
  if (Array.isArray(b.files)) info.files = b.files.filter((f): f is string => typeof f === 'string');
  if (Array.isArray(b.tasks)) info.taskNames = b.tasks.map((t) => (isObject(t) ? str(t.name) : ''));
  return info;
}

/** A job entry of a `{"jobs": [...]}` reply. */
export function parseJob(raw: unknown): JobInfo {
  const j = isObject(raw) ? raw : {};
  const blocks = Array.isArray(j.blocks) ? j.blocks.map(parseBlock) : [];
  const states = parseStates(j.state);
  const sum = (pick: (b: BlockInfo) => number): number => blocks.reduce((total, b) => total + pick(b), 0);
  const info: JobInfo = {
    id: num(j.id),
    serial: num(j.serial),
    name: str(j.name),
    userName: str(j.user_name),
    hostName: str(j.host_name),
    priority: num(j.priority, 99),
    states,
    status: jobStatus(states),
    tasksTotal: sum((b) => b.tasksTotal),
    tasksRunning: sum((b) => b.tasksRunning),
    tasksDone: sum((b) => b.tasksDone),
    tasksError: sum((b) => b.tasksError),
    blocks,
  };
  const created = optNum(j.time_creation);
  const started = optNum(j.time_started);
  const done = optNum(j.time_done);
  if (created !== undefined) info.timeCreation = created;
  if (started !== undefined) info.timeStarted = started;
  if (done !== undefined) info.timeDone = done;
  return info;
}

export function parseTaskProgress(raw: unknown, block: number, task: number): TaskProgress {
  const t = isObject(raw) ? raw : {};
  const progress: TaskProgress = {
    block,
    task,
    states: parseStates(t.state),
    starts: num(t.str),
    errors: num(t.err),
  };
  if (typeof t.hst === 'string' && t.hst) progress.host = t.hst;
  const started = optNum(t.tst);
  const done = optNum(t.tdn);
  if (started !== undefined) progress.timeStarted = started;
  if (done !== undefined) progress.timeDone = done;
  return progress;
}

/** The `job_progress` object of a progress reply. */
export function parseJobProgress(raw: unknown, id: number): JobProgress {
  const p = isObject(raw) ? raw : {};
  const blocks = Array.isArray(p.progress) ? p.progress : [];
  return {
    id: num(p.id, id),
    blocks: blocks.map((tasks, b) => (Array.isArray(tasks) ? tasks.map((t, i) => parseTaskProgress(t, b, i)) : [])),
  };
}

/** A task's display name: the server's frame naming for frame blocks, the task name for task lists. */
export function displayTaskName(block: BlockInfo | undefined, task: number): string {
  if (block?.frames) return taskName(block.frames, task);
  return block?.taskNames?.[task] ?? `task ${task}`;
}
