/**
 * Checks a job document before it leaves dcc-kit. afserver 3.4.1 crashes on a job it cannot accept
 * (reference §3.1), and silently accepts odd input (frame numbers as strings render frames 0-0), so every
 * problem is found here, all at once, each with its JSON path.
 */
import { JobValidationError } from './errors.ts';
import type { JobProblem } from './errors.ts';
import type { AfanasyJobDocument } from './job.ts';
import { BLOCK_FLAG_NUMERIC } from './job.ts';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (!parent) return name;
  return name.startsWith('"') ? `${parent}[${name}]` : `${parent}.${name}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `${value}`;
  return `a ${typeof value}`;
}

class Checker {
  readonly problems: JobProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** Every string (and key) anywhere: NUL ends a C string on the server and corrupts the job. */
  noNul(value: unknown, path: string): void {
    if (typeof value === 'string') {
      if (value.includes('\u0000')) this.add(path, 'contains a NUL character (\\u0000), which afserver cannot store');
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => this.noNul(item, childPath(path, i)));
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) this.add(childPath(path, key), 'this key contains a NUL character (\\u0000)');
        this.noNul(item, childPath(path, key));
      }
    }
  }

  optString(obj: Obj, key: string, path: string, opts: { nonEmpty?: boolean } = {}): void {
    if (!(key in obj)) return;
    const value = obj[key];
    if (typeof value !== 'string') this.add(childPath(path, key), `must be a string, not ${describe(value)}`);
    else if (opts.nonEmpty && value.trim() === '') this.add(childPath(path, key), 'must not be empty');
  }

  optInteger(obj: Obj, key: string, path: string, min: number, max = Number.MAX_SAFE_INTEGER, why = ''): void {
    if (!(key in obj)) return;
    this.integer(obj[key], childPath(path, key), min, max, why);
  }

  integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER, why = ''): value is number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      const note = typeof value === 'string' ? ' (afserver ignores numbers given as strings)' : '';
      this.add(path, `must be an integer, not ${describe(value)}${note}`);
      return false;
    }
    if (value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
      this.add(path, `must be ${range}, not ${value}${why}`);
      return false;
    }
    return true;
  }

  optBoolean(obj: Obj, key: string, path: string): void {
    if (key in obj && typeof obj[key] !== 'boolean') this.add(childPath(path, key), `must be true or false, not ${describe(obj[key])}`);
  }

  /** Afanasy masks are regular expressions; an invalid one is dropped by the server with only a log line. */
  optMask(obj: Obj, key: string, path: string): void {
    if (!(key in obj)) return;
    const value = obj[key];
    if (typeof value !== 'string') {
      this.add(childPath(path, key), `must be a regular expression string, not ${describe(value)}`);
      return;
    }
    try {
      new RegExp(value);
    } catch (err) {
      this.add(childPath(path, key), `is not a valid regular expression (${(err as Error).message})`);
    }
  }

  optStringArray(obj: Obj, key: string, path: string): void {
    if (!(key in obj)) return;
    const value = obj[key];
    if (!Array.isArray(value)) {
      this.add(childPath(path, key), `must be an array of strings, not ${describe(value)}`);
      return;
    }
    value.forEach((item, i) => {
      if (typeof item !== 'string') this.add(childPath(childPath(path, key), i), `must be a string, not ${describe(item)}`);
    });
  }

  optStringMap(obj: Obj, key: string, path: string): void {
    if (!(key in obj)) return;
    const value = obj[key];
    if (!isObject(value)) {
      this.add(childPath(path, key), `must be an object of strings, not ${describe(value)}`);
      return;
    }
    for (const [name, item] of Object.entries(value)) {
      if (typeof item !== 'string') this.add(childPath(childPath(path, key), name), `must be a string, not ${describe(item)}`);
    }
  }
}

const JOB_STRINGS = ['name', 'host_name', 'description', 'annotation', 'project', 'department', 'branch', 'command_pre', 'command_post'];
const JOB_MASKS = ['depend_mask', 'depend_mask_global', 'hosts_mask', 'hosts_mask_exclude', 'need_os', 'need_properties'];
const BLOCK_STRINGS = ['name', 'parser', 'working_directory', 'tasks_name', 'command_pre', 'command_post'];
const BLOCK_MASKS = ['depend_mask', 'tasks_depend_mask', 'hosts_mask', 'hosts_mask_exclude', 'need_properties'];
const FRAME_KEYS = ['frame_first', 'frame_last', 'frames_per_task', 'frames_inc'];

function checkTasks(c: Checker, block: Obj, path: string): void {
  const tasksPath = childPath(path, 'tasks');
  const tasks = block.tasks;
  if (!Array.isArray(tasks)) {
    c.add(tasksPath, `must be an array of {"name", "command"} objects, not ${describe(tasks)}`);
    return;
  }
  const blockCommand = typeof block.command === 'string' ? block.command : '';
  tasks.forEach((task, i) => {
    const taskPath = childPath(tasksPath, i);
    if (!isObject(task)) {
      c.add(taskPath, `must be an object with "name" and "command", not ${describe(task)}`);
      return;
    }
    if (typeof task.name !== 'string') c.add(childPath(taskPath, 'name'), `must be a string, not ${describe(task.name)}`);
    if (typeof task.command !== 'string') {
      c.add(childPath(taskPath, 'command'), `must be a string, not ${describe(task.command)}`);
    } else if (blockCommand.trim() === '' && task.command.trim() === '') {
      c.add(childPath(taskPath, 'command'), 'is empty and the block has no command either: the task would run nothing');
    }
    c.optStringArray(task, 'files', taskPath);
  });
}

function checkBlock(c: Checker, block: unknown, path: string): void {
  if (!isObject(block)) {
    c.add(path, `must be an object, not ${describe(block)}`);
    return;
  }
  for (const key of BLOCK_STRINGS) c.optString(block, key, path);
  for (const key of BLOCK_MASKS) c.optMask(block, key, path);
  c.optString(block, 'service', path, { nonEmpty: true });
  c.optInteger(block, 'capacity', path, 1);
  c.optInteger(block, 'max_running_tasks', path, -1);
  c.optInteger(block, 'max_running_tasks_per_host', path, -1);
  c.optInteger(block, 'errors_retries', path, -1);
  c.optInteger(block, 'task_max_run_time', path, 0);
  c.optInteger(block, 'sequential', path, Number.MIN_SAFE_INTEGER);
  c.optStringArray(block, 'files', path);
  c.optStringMap(block, 'environment', path);

  let flags = 0;
  if ('flags' in block && c.integer(block.flags, childPath(path, 'flags'), 0)) flags = block.flags as number;
  const numeric = (flags & BLOCK_FLAG_NUMERIC) !== 0;
  const hasTasks = Array.isArray(block.tasks) ? block.tasks.length > 0 : 'tasks' in block;
  const hasFrames = FRAME_KEYS.some((key) => key in block);

  if ('command' in block && typeof block.command !== 'string') {
    c.add(childPath(path, 'command'), `must be a string, not ${describe(block.command)}`);
  }

  if (numeric) {
    const command = block.command;
    if (typeof command === 'string' && command.trim() === '') c.add(childPath(path, 'command'), 'must not be empty in a frame-range block');
    else if (command === undefined) c.add(childPath(path, 'command'), 'is missing: a frame-range block needs a command (use @#@ for frame numbers)');
    if (hasTasks) {
      c.add(childPath(path, 'tasks'), 'a frame-range block ("flags" bit 0) cannot also have a task list; give one or the other');
    }
    const firstPath = childPath(path, 'frame_first');
    const lastPath = childPath(path, 'frame_last');
    const firstOk = 'frame_first' in block
      ? c.integer(block.frame_first, firstPath, Number.MIN_SAFE_INTEGER)
      : (c.add(firstPath, 'is missing: a frame-range block needs frame_first and frame_last'), false);
    const lastOk = 'frame_last' in block
      ? c.integer(block.frame_last, lastPath, Number.MIN_SAFE_INTEGER)
      : (c.add(lastPath, 'is missing: a frame-range block needs frame_first and frame_last'), false);
    if (firstOk && lastOk && (block.frame_first as number) > (block.frame_last as number)) {
      c.add(lastPath, `is ${block.frame_last}, before frame_first ${block.frame_first} (afserver would silently render frame ${block.frame_first} only)`);
    }
    c.optInteger(block, 'frames_per_task', path, 1);
    c.optInteger(block, 'frames_inc', path, 1);
  } else if (!hasTasks) {
    if (hasFrames) {
      c.add(childPath(path, 'flags'), 'the block has a frame range but "flags" bit 0 is not set, so afserver would see a block with no tasks and crash; set "flags": 1');
    } else {
      c.add(path, 'has no tasks: give a frame range ("flags": 1 with frame_first and frame_last) or a non-empty "tasks" list');
    }
  } else {
    checkTasks(c, block, path);
  }
}

export interface ValidateOptions {
  /** Refuse jobs with more tasks than this (farm.maxTasks). Default 10,000. */
  maxTasks?: number;
  /** Refuse a frame-range block rendering more frames than this (context.maxFrames). Default: no limit. */
  maxFrames?: number;
}

/** Tasks of a block: its task list, or its frame range split by frames_per_task. */
function blockTasks(block: Record<string, unknown>): number {
  if (Array.isArray(block.tasks)) return block.tasks.length;
  const first = Number(block.frame_first);
  const last = Number(block.frame_last);
  const perTask = Number.isInteger(block.frames_per_task) && (block.frames_per_task as number) > 0 ? block.frames_per_task as number : 1;
  const inc = Number.isInteger(block.frames_inc) && (block.frames_inc as number) > 0 ? block.frames_inc as number : 1;
  if (!Number.isFinite(first) || !Number.isFinite(last) || last < first) return 0;
  return Math.ceil((Math.floor((last - first) / inc) + 1) / perTask);
}

/** Every problem of a job document (`{"job": {...}}`), or an empty list when it can be sent. */
export function validateJobDocument(doc: unknown, options: ValidateOptions = {}): JobProblem[] {
  const c = new Checker();
  if (!isObject(doc)) {
    c.add('$', `the document must be a JSON object {"job": {...}}, not ${describe(doc)}`);
    return c.problems;
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'job') c.add(childPath('', key), 'unexpected top-level key: a job document has only "job" (other keys change what afserver does with the request)');
  }
  c.noNul(doc, '');
  const job = doc.job;
  if (!isObject(job)) {
    c.add('job', job === undefined ? 'is missing: the document must be {"job": {...}}' : `must be an object, not ${describe(job)}`);
    return c.problems;
  }

  if (!('user_name' in job)) c.add('job.user_name', 'is missing: afserver needs the user the job belongs to');
  else c.optString(job, 'user_name', 'job', { nonEmpty: true });
  for (const key of JOB_STRINGS) c.optString(job, key, 'job');
  for (const key of JOB_MASKS) c.optMask(job, key, 'job');
  c.optInteger(job, 'priority', 'job', 0, 255);
  c.optInteger(job, 'max_running_tasks', 'job', -1);
  c.optInteger(job, 'max_running_tasks_per_host', 'job', -1);
  c.optInteger(job, 'time_creation', 'job', 0);
  c.optInteger(job, 'time_life', 'job', -1);
  c.optBoolean(job, 'offline', 'job');

  const blocks = job.blocks;
  if (blocks === undefined) c.add('job.blocks', 'is missing: a job needs at least one block');
  else if (!Array.isArray(blocks)) c.add('job.blocks', `must be an array of blocks, not ${describe(blocks)}`);
  else if (blocks.length === 0) c.add('job.blocks', 'is empty: a job needs at least one block');
  else blocks.forEach((block, i) => checkBlock(c, block, `job.blocks[${i}]`));

  // afserver 3.4.1 does not escape the job name in some replies (the task log): a " or \ breaks them.
  if (typeof job.name === 'string' && /["\\]/.test(job.name)) c.add('job.name', `contains " or \\, which afserver does not escape in its replies (dcc-kit farm log would break): remove them from ${JSON.stringify(job.name)}`);

  if (Array.isArray(blocks)) {
    const maxTasks = options.maxTasks ?? 10_000;
    const total = blocks.reduce((n, b) => n + (isObject(b) ? blockTasks(b) : 0), 0);
    if (total > maxTasks) {
      c.add('job.blocks', `make ${total.toLocaleString('en-US')} tasks, more than farm.maxTasks (${maxTasks.toLocaleString('en-US')}): a huge frame range (frame_last?) or frames_per_task 1 on a long range; raise farm.maxTasks if it is meant`);
    }
  }

  if (Array.isArray(blocks) && options.maxFrames !== undefined) {
    blocks.forEach((b, i) => {
      if (!isObject(b) || !Number.isSafeInteger(b.frame_first) || !Number.isSafeInteger(b.frame_last) || typeof b.flags !== 'number' || (b.flags & BLOCK_FLAG_NUMERIC) === 0) return;
      const frames = (b.frame_last as number) - (b.frame_first as number) + 1;
      if (frames > options.maxFrames!) {
        c.add(`job.blocks[${i}].frame_last`, `the block renders ${frames.toLocaleString('en-US')} frames (${b.frame_first}-${b.frame_last}), more than context.maxFrames (${options.maxFrames!.toLocaleString('en-US')}): a typo in the frame range? Raise context.maxFrames if it is meant`);
      }
    });
  }

  return c.problems;
}

/** Throws JobValidationError listing every problem, or narrows the document's type when there is none. */
export function assertValidJobDocument(doc: unknown, options: ValidateOptions = {}): asserts doc is AfanasyJobDocument {
  const problems = validateJobDocument(doc, options);
  if (problems.length > 0) throw new JobValidationError(problems);
}
