/**
 * The job model (camelCase, Afanasy's vocabulary: job, block, task), a small builder, and the conversion to
 * the document afserver takes: `{"job": {...}}` with Afanasy's snake_case keys (reference §2).
 */

/** One explicit task of a task-list block. */
export interface TaskSpec {
  name: string;
  /** Replaces `@#@` in the block command, or is the whole command when the block has none. */
  command: string;
  files?: string[];
}

/** A frame range: `perTask` frames per task (default 1), every `increment`-th frame (default 1). */
export interface FramesSpec {
  first: number;
  last: number;
  perTask?: number;
  increment?: number;
}

export interface BlockSpec {
  name: string;
  /** afrender service. CGRU has no `harmony` service; `generic` (the default) runs the command as is. */
  service?: string;
  /** Output parser, default `generic`. */
  parser?: string;
  /** Capacity units per task, default 1000. */
  capacity?: number;
  /**
   * The command line. In a frame-range block each `@#@` is replaced in turn by the task's first frame, then its
   * last frame; more `#` pad with zeros (`@####@` -> 0003). In a task-list block `@#@` is the task's command.
   */
  command: string;
  /** A frame-range (numeric) block. Give either `frames` or `tasks`. */
  frames?: FramesSpec;
  /** A task-list block. Give either `frames` or `tasks`. */
  tasks?: TaskSpec[];
  workingDirectory?: string;
  /** Output files (for the farm GUI and post-processing), e.g. `/out/shot.####.png`. */
  files?: string[];
  environment?: Record<string, string>;
  /** Regex of job names this block waits for. */
  dependMask?: string;
  /** Regex of block names of the same job whose matching tasks this block's tasks wait for. */
  tasksDependMask?: string;
  hostsMask?: string;
  hostsMaskExclude?: string;
  maxRunningTasks?: number;
  maxRunningTasksPerHost?: number;
  /** Retries of a failing task before it stays in error (server default: the user's setting, usually 3). */
  errorsRetries?: number;
  /** Seconds after which a running task is stopped as an error. */
  taskMaxRunTime?: number;
  /** Task name pattern. */
  tasksName?: string;
  sequential?: number;
}

export interface JobSpec {
  /** Job name. The server makes names unique (x, x-1, x-2): track jobs by the id and serial `submit` returns. */
  name: string;
  /** Defaults to the client's settings (`user`). */
  userName?: string;
  /** Defaults to the client's settings (`hostName`). */
  hostName?: string;
  /** 0-255, server default 99. 0 means the job never runs. */
  priority?: number;
  blocks: BlockSpec[];
  /** Regex of job names (of the same user) this job waits for. */
  dependMask?: string;
  /** Regex of job names of any user this job waits for. */
  dependMaskGlobal?: string;
  /** Regex of render host names allowed to run the job. */
  hostsMask?: string;
  hostsMaskExclude?: string;
  maxRunningTasks?: number;
  maxRunningTasksPerHost?: number;
  /** Submit paused (Afanasy's `offline`): nothing runs until `start`. */
  paused?: boolean;
  description?: string;
  annotation?: string;
  project?: string;
  department?: string;
  branch?: string;
  commandPre?: string;
  commandPost?: string;
}

/** A block as afserver reads it. Unknown keys pass through (Afanasy has many more). */
export interface AfanasyBlock {
  name?: string;
  service?: string;
  parser?: string;
  capacity?: number;
  /** Bit 0 (FNumeric) makes this a frame-range block. */
  flags?: number;
  frame_first?: number;
  frame_last?: number;
  frames_per_task?: number;
  frames_inc?: number;
  tasks?: { name: string; command: string; files?: string[] }[];
  command?: string;
  working_directory?: string;
  files?: string[];
  environment?: Record<string, string>;
  [key: string]: unknown;
}

export interface AfanasyJob {
  name?: string;
  user_name?: string;
  host_name?: string;
  priority?: number;
  blocks?: AfanasyBlock[];
  offline?: boolean;
  [key: string]: unknown;
}

/** The request body of a job submission. */
export interface AfanasyJobDocument {
  job: AfanasyJob;
}

/** Block flag bit 0: the block is a frame range. */
export const BLOCK_FLAG_NUMERIC = 1;

/** `@#@` with `padding` `#` characters: the frame placeholder of a frame-range command. */
export function framePlaceholder(padding = 1): string {
  return `@${'#'.repeat(Math.max(1, padding))}@`;
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

function blockToAfanasy(block: BlockSpec): AfanasyBlock {
  const out: AfanasyBlock = {
    name: block.name,
    service: block.service ?? 'generic',
    parser: block.parser ?? 'generic',
    capacity: block.capacity ?? 1000,
  };
  if (block.frames) {
    out.flags = BLOCK_FLAG_NUMERIC;
    out.frame_first = block.frames.first;
    out.frame_last = block.frames.last;
    out.frames_per_task = block.frames.perTask ?? 1;
    out.frames_inc = block.frames.increment ?? 1;
  }
  if (block.tasks) {
    out.tasks = block.tasks.map((t) => {
      const task: { name: string; command: string; files?: string[] } = { name: t.name, command: t.command };
      if (t.files) task.files = [...t.files];
      return task;
    });
  }
  out.command = block.command;
  put(out, 'working_directory', block.workingDirectory);
  put(out, 'files', block.files ? [...block.files] : undefined);
  put(out, 'environment', block.environment ? { ...block.environment } : undefined);
  put(out, 'depend_mask', block.dependMask);
  put(out, 'tasks_depend_mask', block.tasksDependMask);
  put(out, 'hosts_mask', block.hostsMask);
  put(out, 'hosts_mask_exclude', block.hostsMaskExclude);
  put(out, 'max_running_tasks', block.maxRunningTasks);
  put(out, 'max_running_tasks_per_host', block.maxRunningTasksPerHost);
  put(out, 'errors_retries', block.errorsRetries);
  put(out, 'task_max_run_time', block.taskMaxRunTime);
  put(out, 'tasks_name', block.tasksName);
  put(out, 'sequential', block.sequential);
  return out;
}

/**
 * The Afanasy document for a job. `defaults` fill `user_name`/`host_name` when the job leaves them out.
 * Nothing is checked here: pass the result to `validateJobDocument` (the client does) before sending.
 */
export function toAfanasyJson(job: JobSpec, defaults: { userName?: string; hostName?: string } = {}): AfanasyJobDocument {
  const out: AfanasyJob = { name: job.name };
  put(out, 'user_name', job.userName ?? defaults.userName);
  put(out, 'host_name', job.hostName ?? defaults.hostName);
  put(out, 'priority', job.priority);
  put(out, 'depend_mask', job.dependMask);
  put(out, 'depend_mask_global', job.dependMaskGlobal);
  put(out, 'hosts_mask', job.hostsMask);
  put(out, 'hosts_mask_exclude', job.hostsMaskExclude);
  put(out, 'max_running_tasks', job.maxRunningTasks);
  put(out, 'max_running_tasks_per_host', job.maxRunningTasksPerHost);
  if (job.paused) out.offline = true;
  put(out, 'description', job.description);
  put(out, 'annotation', job.annotation);
  put(out, 'project', job.project);
  put(out, 'department', job.department);
  put(out, 'branch', job.branch);
  put(out, 'command_pre', job.commandPre);
  put(out, 'command_post', job.commandPost);
  out.blocks = job.blocks.map(blockToAfanasy);
  return { job: out };
}

/** Fluent construction of a JobSpec. Every method returns the builder; `build()` returns a copy. */
export class JobBuilder {
  #job: JobSpec;

  constructor(name: string) {
    this.#job = { name, blocks: [] };
  }

  user(userName: string): this { this.#job.userName = userName; return this; }
  host(hostName: string): this { this.#job.hostName = hostName; return this; }
  priority(priority: number): this { this.#job.priority = priority; return this; }
  maxRunningTasks(count: number): this { this.#job.maxRunningTasks = count; return this; }
  dependMask(mask: string): this { this.#job.dependMask = mask; return this; }
  hostsMask(mask: string): this { this.#job.hostsMask = mask; return this; }
  paused(paused = true): this { this.#job.paused = paused; return this; }
  description(text: string): this { this.#job.description = text; return this; }

  /** Any other job field. */
  set(fields: Partial<Omit<JobSpec, 'blocks'>>): this {
    Object.assign(this.#job, fields);
    return this;
  }

  /** Add a block given in full. */
  block(block: BlockSpec): this {
    this.#job.blocks.push(block);
    return this;
  }

  /** Add a frame-range block: one task per `frames.perTask` frames. */
  frameBlock(name: string, command: string, frames: FramesSpec, more: Omit<BlockSpec, 'name' | 'command' | 'frames' | 'tasks'> = {}): this {
    return this.block({ ...more, name, command, frames });
  }

  /** Add a task-list block. `command` may contain `@#@`, replaced by each task's command. */
  taskBlock(name: string, tasks: TaskSpec[], more: Omit<BlockSpec, 'name' | 'frames' | 'tasks' | 'command'> & { command?: string } = {}): this {
    const { command = '', ...rest } = more;
    return this.block({ ...rest, name, command, tasks });
  }

  build(): JobSpec {
    return structuredClone(this.#job);
  }

  toAfanasyJson(defaults: { userName?: string; hostName?: string } = {}): AfanasyJobDocument {
    return toAfanasyJson(this.#job, defaults);
  }
}
