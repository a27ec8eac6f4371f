/** `dcc-kit farm`: submit and manage jobs on an Afanasy (CGRU) render farm. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { AfanasyClient } from '../farm/client.ts';
import { FarmError } from '../farm/errors.ts';
import type { AfanasySettings } from '../farm/settings.ts';
import type { JobInfo, JobProgress, StateToken } from '../farm/status.ts';
import { displayTaskName } from '../farm/status.ts';
import { parse, print, printJson, table } from './args.ts';
import { createProgress } from './progress.ts';
import type { CliCommand, CliContext } from './types.ts';
import { own } from '../own.ts';

const HELP = `usage: dcc-kit farm <subcommand> [options]

Submit and manage jobs on an Afanasy (CGRU) render farm. The server address, user and host
name come from the farm settings of .dcckitrc.

subcommands:
  submit <job.json|->       validate and send an Afanasy job document {"job": {...}}; "-" reads
                            it from stdin. A missing user_name or host_name is filled from the
                            settings. Invalid jobs are refused with the list of all problems.
    --wait                  poll until the job is done (exit 0) or has a task in error (exit 1),
                            showing a progress bar
                            (its error count in the progress line); gives up (exit 1) when tasks
                            keep failing and no render is left to try them
    --timeout <s>           with --wait: give up waiting after this many seconds (exit 1)
    --interval <ms>         time between polls with --wait (default 2000)
                            A job without a name is named after its file; names may not contain " or \\
                            (afserver does not escape them); jobs over farm.maxTasks tasks are refused
  jobs                      list the jobs on the server (Afanasy's system job is left out)
    --user <name>           only the jobs of this user
  job <id>                  state, progress per block and tasks in error of one job
  log <id> <block> <task>   output of a task's last run (blocks and tasks count from 0)
  delete <id>               delete a job
  pause <id>                pause a job: no new tasks start until it is started again
  start <id>                start a paused job

options:
  --json                    print JSON instead of text
  --help, -h                this help

Job ids are the ones \`submit\` prints: the server renames repeated job names (x, x-1, x-2).
`;

const USAGE = 'dcc-kit farm <submit|jobs|job|log|delete|pause|start> ... [--json]';

export interface FarmCommandOptions {
  /** Read by `submit -`. Default process.stdin. */
  stdin?: NodeJS.ReadableStream;
}

function jobId(text: string | undefined, what = 'job id'): number {
  if (text === undefined) throw new UsageError(`missing ${what}\nusage: ${USAGE}`);
  if (!/^\d+$/.test(text) || Number(text) < (what === 'job id' ? 1 : 0)) {
    throw new UsageError(`${what} must be a whole number${what === 'job id' ? ' >= 1' : ''}, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function noExtra(positionals: string[], count: number): void {
  if (positionals.length > count) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[count])}\nusage: ${USAGE}`);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function states(list: StateToken[]): string {
  return list.length ? list.join(' ') : '-';
}

/** Tasks in error (or with failed runs being retried), with their names. */
interface TaskError {
  block: number;
  task: number;
  taskName: string;
  errors: number;
  states: StateToken[];
  host?: string;
}

function taskErrors(job: JobInfo, progress: JobProgress): TaskError[] {
  const out: TaskError[] = [];
  for (const tasks of progress.blocks) {
    for (const t of tasks) {
      if (!t.states.includes('ERR') && t.errors === 0) continue;
      const item: TaskError = {
        block: t.block,
        task: t.task,
        taskName: displayTaskName(job.blocks[t.block], t.task),
        errors: t.errors,
        states: t.states,
      };
      if (t.host) item.host = t.host;
      out.push(item);
    }
  }
  return out;
}

function errorLines(job: JobInfo, errors: TaskError[]): string[] {
  return errors.map((e) => {
    const where = e.host ? `, last on ${e.host}` : '';
    const retry = e.states.includes('ERR') ? '' : ' (being retried)';
    return `  block ${e.block} task ${e.task} "${e.taskName}": ${e.errors} error${e.errors === 1 ? '' : 's'}${where}${retry}` +
      `  -> dcc-kit farm log ${job.id} ${e.block} ${e.task}`;
  });
}

function describeJob(job: JobInfo, errors: TaskError[]): string {
  const lines = [
    `job ${job.id} "${job.name}" (serial ${job.serial})`,
    `  user      ${job.userName}${job.hostName ? '@' + job.hostName : ''}`,
    `  priority  ${job.priority}`,
    `  state     ${states(job.states)} (${job.status})`,
    `  tasks     ${job.tasksDone}/${job.tasksTotal} done, ${job.tasksRunning} running, ${job.tasksError} in error`,
  ];
  for (const b of job.blocks) {
    lines.push(
      `  block ${b.index} "${b.name}" [${b.service}]: ${b.tasksDone}/${b.tasksTotal} done, ${b.tasksRunning} running, ` +
        `${b.tasksError} in error, ${b.percent}%  ${states(b.states)}`,
    );
  }
  if (errors.length) lines.push('errors:', ...errorLines(job, errors));
  return lines.join('\n');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function createFarmCommand(
  getSettings: (ctx: CliContext) => Promise<AfanasySettings>,
  options: FarmCommandOptions = {},
): CliCommand {
  async function submit(ctx: CliContext, getClient: () => Promise<AfanasyClient>, argv: string[]): Promise<number> {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, wait: { type: 'boolean' }, interval: { type: 'string' }, timeout: { type: 'string' } }, 'dcc-kit farm submit <job.json|-> [--wait [--timeout <s>]] [--interval <ms>] [--json]');
    const source = positionals[0];
    if (!source) throw new UsageError(`missing the job file (or - for stdin)\nusage: dcc-kit farm submit <job.json|-> [--wait] [--json]`);
    noExtra(positionals, 1);
    let intervalMs = 2000;
    if (values.interval !== undefined) {
      intervalMs = Number(values.interval);
      if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new UsageError(`--interval must be a whole number of milliseconds, 1 or more, not ${JSON.stringify(values.interval)}`);
    }
    let timeoutMs: number | undefined;
    if (values.timeout !== undefined) {
      timeoutMs = Number(values.timeout) * 1000;
      if (!(timeoutMs > 0)) throw new UsageError(`--timeout must be a number of seconds, not ${JSON.stringify(values.timeout)}`);
    }
    const where = source === '-' ? 'stdin' : path.resolve(ctx.cwd, source);
    let text: string;
    try {
      text = source === '-' ? await readAll(options.stdin ?? process.stdin) : await readFile(where, 'utf8');
    } catch (err) {
      throw new FarmError(`Cannot read the job file ${where}: ${(err as Error).message}`, 'FARM_JOB_FILE', { cause: err });
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new FarmError(`The job file ${where} is not valid JSON: ${(err as Error).message}`, 'FARM_JOB_FILE');
    }

    const client = await getClient();
    // A job without a name would run as "": it is named after its file.
    const defaultName = source === '-' ? 'dcc-kit job' : path.basename(where).replace(/\.json$/i, '');
    const named = (doc as { job?: { name?: unknown } }).job;
    if (named && typeof named === 'object' && (named.name === undefined || named.name === '')) {
      ctx.stderr.write(`dcc-kit farm: the job has no name; it is submitted as "${defaultName}"\n`);
    }
    const submitted = await client.submit(doc, { defaultName });
    if (!values.wait) {
      // The server may have renamed the job (x -> x-1): report the name it gave.
      const name = await client.job(submitted).then(
        (j) => j.name,
        () => String((doc as { job: { name?: unknown } }).job.name ?? ''),
      );
      if (values.json) printJson(ctx, { ...submitted, name });
      else print(ctx, `Submitted job ${submitted.id} "${name}" (serial ${submitted.serial}).`);
      return 0;
    }

    const controller = new AbortController();
    let gaveUp: string | null = null;
    // At the deadline even while a request is under way (a stuck server): it is cancelled with the wait.
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      gaveUp ??= `gave up waiting after ${values.timeout} s (--timeout); the job goes on on the farm: dcc-kit farm job ${submitted.id}`;
      controller.abort();
    }, timeoutMs);
    const gaveUpEarly = (err: unknown): number => {
      clearTimeout(timer);
      if (!gaveUp) throw err;
      if (values.json) printJson(ctx, { ...submitted, status: 'waiting', error: gaveUp });
      else ctx.stderr.write(`dcc-kit farm: job ${submitted.id}: ${gaveUp}\n`);
      return 1;
    };
    let job: Awaited<ReturnType<typeof client.job>>;
    try {
      job = await client.job(submitted, { signal: controller.signal });
    } catch (err) {
      return gaveUpEarly(err);
    }

    if (!values.json) print(ctx, `Submitted job ${submitted.id} "${job.name}" (serial ${submitted.serial}); waiting for it to finish.`);
    const progress = createProgress({
      stream: ctx.stderr,
      interactive: ctx.interactive,
      label: `job ${submitted.id}`,
      total: job.tasksTotal,
      noun: 'tasks',
    });
    // A task that keeps failing on the only render is avoided there and goes back to ready, never to
    // error: with errors and nothing running for a while, no render is left to try it.
    const stalledPolls = Math.max(3, Math.ceil(10_000 / intervalMs));
    let idleWithErrors = 0;
    // Errors of tasks that are not (yet) in error are only in the per-task progress: it is read when
    // nothing runs, and on every poll of a job small enough for that to be cheap.
    const readProgressEveryPoll = job.tasksTotal <= 10_000;
    let failing = { tasks: 0, errors: 0 };
    let readingProgress = false;
    const label = (inError: number) => {
      const parts: string[] = [];
      if (failing.errors > 0) parts.push(`${plural(failing.errors, 'error')} on ${plural(failing.tasks, 'task')}`);
      if (inError > 0) parts.push(failing.errors > 0 ? `${inError} in error` : `${plural(inError, 'task')} in error`);
      return `job ${submitted.id}${parts.length ? ` (${parts.join(', ')})` : ''}`;
    };
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    try {
      job = await client.waitForJob(submitted, {
        intervalMs,
        signal: controller.signal,
        onUpdate: (update) => {
          const inError = update.tasksError > 0 ? update.tasksError : 0;
          progress.setLabel(label(inError));
          progress.update(update.tasksDone, update.tasksTotal);
          if (Date.now() > deadline) {
            gaveUp = `gave up waiting after ${values.timeout} s (--timeout); the job goes on on the farm: dcc-kit farm job ${submitted.id}`;
            controller.abort();
          }
          const idle = update.tasksRunning === 0 && update.tasksDone < update.tasksTotal;
          if (!idle) idleWithErrors = 0;
          if (readingProgress || (!idle && !(readProgressEveryPoll && update.tasksDone < update.tasksTotal))) return;
          readingProgress = true;
          void client.progress(submitted).finally(() => { readingProgress = false; }).then((p) => {
            const erring = p.blocks.flat().filter((x) => x.errors > 0);
            failing = { tasks: erring.length, errors: erring.reduce((n, x) => n + x.errors, 0) };
            progress.setLabel(label(inError));
            if (!idle) return;
            idleWithErrors = erring.length > 0 ? idleWithErrors + 1 : 0;
            if (idleWithErrors >= stalledPolls && !gaveUp) {
              const n = erring.length;
              gaveUp = `${n} task${n === 1 ? '' : 's'} failed and no render is left to try ${n === 1 ? 'it' : 'them'} (afserver avoids a render after repeated errors of a task): see dcc-kit farm log ${submitted.id} <block> <task>`;
              controller.abort();
            }
          }, () => {});
        },
      });
    } catch (err) {
      clearTimeout(timer);
      if (gaveUp) {
        progress.fail(gaveUp);
        if (values.json) printJson(ctx, { ...submitted, status: 'waiting', error: gaveUp });
        else ctx.stderr.write(`dcc-kit farm: job ${submitted.id}: ${gaveUp}\n`);
        return 1;
      }
      progress.fail((err as Error).message.split('\n')[0]);
      throw err;
    }
    clearTimeout(timer);
    if (job.status === 'done') {
      progress.done();
      if (values.json) printJson(ctx, { ...submitted, name: job.name, status: job.status, job });
      else print(ctx, `Job ${job.id} "${job.name}" is done: ${job.tasksDone}/${job.tasksTotal} tasks.`);
      return 0;
    }
    progress.fail(`${job.tasksError} task${job.tasksError === 1 ? '' : 's'} in error`);
    // Full mode carries the task names of task-list blocks.
    const errors = taskErrors(await client.job(submitted, { full: true }), await client.progress(submitted));
    if (values.json) {
      printJson(ctx, { ...submitted, name: job.name, status: job.status, job, errors });
    } else {
      print(ctx, [`Job ${job.id} "${job.name}" has tasks in error (state ${states(job.states)}):`, ...errorLines(job, errors)].join('\n'));
    }
    return 1;
  }

  async function jobs(ctx: CliContext, getClient: () => Promise<AfanasyClient>, argv: string[]): Promise<number> {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, user: { type: 'string' } }, 'dcc-kit farm jobs [--user <name>] [--json]');
    noExtra(positionals, 0);
    const client = await getClient();
    const list = await client.jobs(typeof values.user === 'string' ? { users: [values.user] } : {});
    if (values.json) {
      printJson(ctx, list);
      return 0;
    }
    if (list.length === 0) {
      print(ctx, 'No jobs.');
      return 0;
    }
    const rows = [['ID', 'SERIAL', 'STATUS', 'DONE', 'ERR', 'PRI', 'USER', 'NAME']];
    for (const j of list) {
      rows.push([String(j.id), String(j.serial), j.status, `${j.tasksDone}/${j.tasksTotal}`, String(j.tasksError), String(j.priority), j.userName, j.name]);
    }
    ctx.stdout.write(table(rows));
    return 0;
  }

  async function showJob(ctx: CliContext, getClient: () => Promise<AfanasyClient>, argv: string[]): Promise<number> {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, 'dcc-kit farm job <id> [--json]');
    const id = jobId(positionals[0]);
    noExtra(positionals, 1);
    const client = await getClient();
    const job = await client.job(id, { full: true });
    const progress = await client.progress(id);
    const errors = taskErrors(job, progress);
    if (values.json) printJson(ctx, { job, tasks: progress.blocks, errors });
    else print(ctx, describeJob(job, errors));
    return 0;
  }

  async function log(ctx: CliContext, getClient: () => Promise<AfanasyClient>, argv: string[]): Promise<number> {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, 'dcc-kit farm log <id> <block> <task> [--json]');
    const id = jobId(positionals[0]);
    const block = jobId(positionals[1], 'block number');
    const task = jobId(positionals[2], 'task number');
    noExtra(positionals, 3);
    const client = await getClient();
    const output = await client.taskOutput(id, block, task);
    if (values.json) printJson(ctx, output);
    else if (output.output) ctx.stdout.write(output.output.endsWith('\n') ? output.output : output.output + '\n');
    return 0;
  }

  async function operate(ctx: CliContext, getClient: () => Promise<AfanasyClient>, argv: string[], operation: 'delete' | 'pause' | 'start'): Promise<number> {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, `dcc-kit farm ${operation} <id> [--json]`);
    const id = jobId(positionals[0]);
    noExtra(positionals, 1);
    const client = await getClient();
    const job = await client.operate(id, operation);
    if (values.json) {
      printJson(ctx, { id, serial: job.serial, name: job.name, operation, ok: true });
    } else {
      const done = { delete: 'Deleted', pause: 'Paused', start: 'Started' }[operation];
      print(ctx, `${done} job ${id} "${job.name}".`);
    }
    return 0;
  }

  return {
    name: 'farm',
    summary: 'submit and manage Afanasy render farm jobs',
    help: HELP,
    async run(ctx: CliContext): Promise<number> {
      const [sub, ...rest] = ctx.argv;
      if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
        ctx.stdout.write(HELP);
        return sub === undefined ? 2 : 0;
      }
      if (rest.includes('--help') || rest.includes('-h')) {
        ctx.stdout.write(HELP);
        return 0;
      }
      const handlers: Record<string, (ctx: CliContext, getClient: () => Promise<AfanasyClient>, argv: string[]) => Promise<number>> = {
        submit,
        jobs,
        job: showJob,
        log,
        delete: (c, g, a) => operate(c, g, a, 'delete'),
        pause: (c, g, a) => operate(c, g, a, 'pause'),
        start: (c, g, a) => operate(c, g, a, 'start'),
      };
      const handler = own(handlers, sub);
      if (!handler) throw new UsageError(`unknown farm subcommand ${JSON.stringify(sub)}\nusage: ${USAGE}`);
      return handler(ctx, async () => new AfanasyClient(await getSettings(ctx)), rest);
    },
  };
}
