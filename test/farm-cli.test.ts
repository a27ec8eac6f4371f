import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFarmCommand } from '../kit/cli/farm-command.ts';
import type { CliCommand, CliContext } from '../kit/cli/types.ts';
import { UsageError } from '../kit/errors.ts';
import { AfanasyClient } from '../kit/farm/client.ts';
import { FarmConnectionError, FarmError, FarmJobNotFoundError, JobValidationError } from '../kit/farm/errors.ts';
import { AfanasyDouble } from './support/afanasy-double.ts';
import type { AfanasyDoubleOptions } from './support/afanasy-double.ts';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

interface Harness {
  double: AfanasyDouble;
  dir: string;
  run(argv: string[], opts?: { interactive?: boolean; stdin?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  writeJob(name: string, doc: unknown): Promise<string>;
}

async function harness(t: { teardown: (fn: () => Promise<void>) => void }, options: AfanasyDoubleOptions = {}): Promise<Harness> {
  const double = await AfanasyDouble.start({ paddingIntervalMs: 5, ...options });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-farm-cli-'));
  t.teardown(async () => {
    await double.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  const settings = { ...double.settings, user: 'tsk', hostName: 'ws01', timeoutMs: 15_000, maxTasks: 1_000_000 };
  return {
    double,
    dir,
    async run(argv, opts = {}) {
      const command: CliCommand = createFarmCommand(async () => settings, { stdin: Readable.from([opts.stdin ?? '']) });
      const stdout = new Capture();
      const stderr = new Capture();
      const ctx: CliContext = { argv, stdout, stderr, cwd: dir, env: { DCC_KIT_HOME: dir }, interactive: opts.interactive ?? false };
      const code = await command.run(ctx);
      return { code, stdout: stdout.text, stderr: stderr.text };
    },
    async writeJob(name, doc) {
      const file = path.join(dir, name);
      await fs.writeFile(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
      return name;
    },
  };
}

const jobDoc = (name: string, command = 'echo frame @#@ to @#@', extra: Record<string, unknown> = {}) => ({
  job: {
    name,
    priority: 50,
    blocks: [{ name: 'render', service: 'generic', parser: 'generic', flags: 1, frame_first: 1, frame_last: 10, frames_per_task: 2, frames_inc: 1, command, ...extra }],
  },
});

test('submit --json, then jobs --json and job --json', async (t) => {
  const h = await harness(t);
  const file = await h.writeJob('job.json', jobDoc('shot'));
  const submitted = await h.run(['submit', file, '--json']);
  t.is(submitted.code, 0);
  t.deepEqual(JSON.parse(submitted.stdout), { id: 2, serial: 1, name: 'shot' });
  const sent = h.double.replied[0].body as { job: Record<string, unknown> };
  t.is(sent.job.user_name, 'tsk', 'a missing user_name comes from the settings');

  const again = JSON.parse((await h.run(['submit', file, '--json'])).stdout);
  t.is(again.name, 'shot-1');

  const list = JSON.parse((await h.run(['jobs', '--json'])).stdout);
  t.deepEqual(list.map((j: { id: number; name: string }) => [j.id, j.name]), [[2, 'shot'], [3, 'shot-1']]);

  h.double.tick();
  const detail = JSON.parse((await h.run(['job', '2', '--json'])).stdout);
  t.deepEqual(detail.job.states, ['RDY', 'RUN']);
  t.is(detail.job.blocks[0].tasksRunning, 4);
  t.is(detail.tasks[0].length, 5);
  t.deepEqual(detail.errors, []);
});

test('submit reads stdin with "-"', async (t) => {
  const h = await harness(t);
  const result = await h.run(['submit', '-'], { stdin: JSON.stringify(jobDoc('from-stdin')) });
  t.is(result.code, 0);
  t.regex(result.stdout, /^Submitted job 2 "from-stdin" \(serial 1\)\.\n$/);
});

test('an invalid job file is refused with every problem and nothing is sent', async (t) => {
  const h = await harness(t);
  const bad = { job: { name: 'bad', user_name: '', blocks: [{ name: 'b', frame_first: 'x', frame_last: 3, command: '' }, { name: 'c', command: 'x', flags: 1, frame_first: 5, frame_last: 1 }] } };
  const file = await h.writeJob('bad.json', bad);
  const err = await t.throwsAsync(h.run(['submit', file]), { instanceOf: JobValidationError });
  t.deepEqual(err.problems.map((p) => p.path), ['job.user_name', 'job.blocks[0].flags', 'job.blocks[1].frame_last']);
  t.regex(err.message, /3 problems/);
  t.is(h.double.requests.length, 0);
});

test('a job file that is not JSON, or missing, is a FarmError naming the file', async (t) => {
  const h = await harness(t);
  const file = await h.writeJob('broken.json', '{"job": ');
  await t.throwsAsync(h.run(['submit', file]), { instanceOf: FarmError, message: /broken\.json is not valid JSON/ });
  await t.throwsAsync(h.run(['submit', 'nope.json']), { instanceOf: FarmError, message: /Cannot read the job file .*nope\.json/ });
});

test('log prints the task output', async (t) => {
  const h = await harness(t);
  await h.run(['submit', await h.writeJob('j.json', jobDoc('log'))]);
  h.double.runUntilIdle();
  t.deepEqual(await h.run(['log', '2', '0', '1']), { code: 0, stdout: 'frame 3 to 4\n', stderr: '' });
  const json = JSON.parse((await h.run(['log', '2', '0', '1', '--json'])).stdout);
  t.like(json, { jobId: 2, block: 0, task: 1, taskName: 'frame 3-4', output: 'frame 3 to 4\n' });
});

test('pause, start and delete', async (t) => {
  const h = await harness(t);
  await h.run(['submit', await h.writeJob('j.json', jobDoc('ops'))]);
  t.is((await h.run(['pause', '2'])).stdout, 'Paused job 2 "ops".\n');
  t.deepEqual(JSON.parse((await h.run(['job', '2', '--json'])).stdout).job.states, ['RDY', 'OFF']);
  t.deepEqual(JSON.parse((await h.run(['start', '2', '--json'])).stdout), { id: 2, serial: 1, name: 'ops', operation: 'start', ok: true });
  t.is((await h.run(['delete', '2'])).stdout, 'Deleted job 2 "ops".\n');
  t.is((await h.run(['jobs'])).stdout, 'No jobs.\n');
  await t.throwsAsync(h.run(['delete', '2']), { instanceOf: FarmJobNotFoundError });
});

test('jobs prints a table', async (t) => {
  const h = await harness(t);
  await h.run(['submit', await h.writeJob('j.json', jobDoc('table'))]);
  const { stdout } = await h.run(['jobs']);
  const [head, row] = stdout.trimEnd().split('\n');
  t.deepEqual(head.split(/\s+/), ['ID', 'SERIAL', 'STATUS', 'DONE', 'ERR', 'PRI', 'USER', 'NAME']);
  t.deepEqual(row.split(/\s+/), ['2', '1', 'ready', '0/5', '0', '50', 'tsk', 'table']);
});

test('submit --wait shows progress and exits 0 when the job is done', async (t) => {
  const h = await harness(t, { autoRunMs: 10 });
  const result = await h.run(['submit', await h.writeJob('j.json', jobDoc('wait')), '--wait', '--interval', '10']);
  t.is(result.code, 0);
  t.regex(result.stdout, /Job 2 "wait" is done: 5\/5 tasks\./);
  t.false(result.stderr.includes('\r'), 'no redrawn bar on a non-interactive stream');
  t.regex(result.stderr, /^job 2: \d+% \d\/5 tasks\n/);
  t.regex(result.stderr, /job 2: 100% 5\/5 tasks, done in \d+\.\ds\n$/);
});

test('submit --wait draws a bar on an interactive stream and reports JSON at the end', async (t) => {
  const h = await harness(t, { autoRunMs: 10 });
  const result = await h.run(['submit', await h.writeJob('j.json', jobDoc('bar')), '--wait', '--interval', '10', '--json'], { interactive: true });
  t.is(result.code, 0);
  t.regex(result.stderr, /\rjob 2 \[#*-*\] +\d+% \d\/5 tasks/);
  t.regex(result.stderr, /\[#{24}\] 100% 5\/5 tasks, done in/);
  const json = JSON.parse(result.stdout);
  t.like(json, { id: 2, serial: 1, name: 'bar', status: 'done' });
  t.is(json.job.tasksDone, 5);
});

test('submit --wait exits 1 when a task ends in error, naming it', async (t) => {
  const h = await harness(t, { autoRunMs: 10 });
  const doc = jobDoc('failing', 'echo rendering @#@; exit 3', { frame_last: 2, frames_per_task: 1, errors_retries: 0 });
  const result = await h.run(['submit', await h.writeJob('j.json', doc), '--wait', '--interval', '10']);
  t.is(result.code, 1);
  t.regex(result.stderr, /job 2 \([^)]*in error\): .*failed: \d tasks? in error\n$/);
  t.regex(result.stdout, /Job 2 "failing" has tasks in error \(state [A-Z ]*ERR[A-Z ]*\):/);
  t.regex(result.stdout, /block 0 task 0 "frame 1": 1 error, last on render01 {2}-> dcc-kit farm log 2 0 0/);
  t.is((await h.run(['log', '2', '0', '0'])).stdout, 'rendering 1\n');
  const detail = await h.run(['job', '2']);
  t.regex(detail.stdout, /state {5}.*ERR.* \(error\)/);
  t.regex(detail.stdout, /errors:\n {2}block 0 task 0 "frame 1"/);
});

test('submit --wait fails when the job is deleted meanwhile', async (t) => {
  const h = await harness(t);
  const running = h.run(['submit', await h.writeJob('j.json', jobDoc('gone')), '--wait', '--interval', '10']);
  const other = new AfanasyClient({ ...h.double.settings, user: 'admin', hostName: 'ws02' });
  while (h.double.jobIds().length === 0) await sleep(5);
  await other.delete(2);
  const err = await t.throwsAsync(running, { instanceOf: FarmJobNotFoundError });
  t.regex(err.message, /No job with id 2/);
});

test('usage errors', async (t) => {
  const h = await harness(t);
  const help = await h.run([]);
  t.is(help.code, 2);
  t.regex(help.stdout, /usage: dcc-kit farm <subcommand>/);
  t.is((await h.run(['--help'])).code, 0);
  t.regex((await h.run(['submit', '--help'])).stdout, /--wait/);
  await t.throwsAsync(h.run(['frob']), { instanceOf: UsageError, message: /unknown farm subcommand "frob"/ });
  await t.throwsAsync(h.run(['job']), { instanceOf: UsageError, message: /missing job id/ });
  await t.throwsAsync(h.run(['job', 'abc']), { instanceOf: UsageError, message: /whole number/ });
  await t.throwsAsync(h.run(['log', '2', '0']), { instanceOf: UsageError, message: /missing task number/ });
  await t.throwsAsync(h.run(['jobs', '--bogus']), { instanceOf: UsageError });
  await t.throwsAsync(h.run(['submit']), { instanceOf: UsageError, message: /missing the job file/ });
  await t.throwsAsync(h.run(['submit', 'a.json', '--interval', 'soon']), { instanceOf: UsageError, message: /--interval/ });
  t.is(h.double.requests.length, 0, 'usage errors send nothing');
});

test('an unreachable server is a FarmConnectionError', async (t) => {
  const h = await harness(t);
  await h.double.close();
  await t.throwsAsync(h.run(['jobs']), { instanceOf: FarmConnectionError, message: new RegExp(`127\\.0\\.0\\.1:${h.double.port}`) });
});

test('a job over farm.maxTasks is refused with its task count, before anything is sent', async (t) => {
  const h = await harness(t);
  const doc = jobDoc('huge', 'echo @#@', { frame_last: 1_000_000_000, frames_per_task: 1 });
  await t.throwsAsync(h.run(['submit', await h.writeJob('huge.json', doc)]), { message: /job\.blocks: make 1,000,000,000 tasks, more than farm\.maxTasks \(1,000,000\)/ });
  t.is(h.double.requests.length, 0);
});

test('a job name with " or \\ is refused; a job without a name is named after its file', async (t) => {
  const h = await harness(t);
  const quoted = jobDoc('shot "A"', 'echo @#@', { frame_last: 1 });
  await t.throwsAsync(h.run(['submit', await h.writeJob('q.json', quoted)]), { message: /job\.name: contains " or \\, which afserver does not escape/ });
  const unnamed = jobDoc('', 'echo @#@', { frame_last: 1 });
  delete (unnamed as { job: { name?: string } }).job.name;
  const ok = await h.run(['submit', await h.writeJob('sh010_comp.json', unnamed), '--json']);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stderr, /the job has no name; it is submitted as "sh010_comp"/);
  t.is(JSON.parse(ok.stdout).name, 'sh010_comp');
});

test('submit --wait gives up when a task keeps failing on the only render (afserver 3.4.1 puts it back to ready); --timeout ends the wait', async (t) => {
  // The double's defaults are afserver 3.4.1's: the only render gives up on the task after its 3rd error.
  const h = await harness(t, { autoRunMs: 10, slots: 1 });
  const doc = jobDoc('stuck', 'exit 1', { frame_last: 1, frames_per_task: 1 });
  const stuck = await h.run(['submit', await h.writeJob('stuck.json', doc), '--wait', '--interval', '20']);
  t.is(stuck.code, 1);
  // The progress line counts the errors although no task is in error.
  t.regex(stuck.stderr, /job 2 \(3 errors on 1 task\): 0% 0\/1 tasks, failed: 1 task failed and no render is left to try it/);
  const slow = jobDoc('slow', 'echo @#@', { frame_last: 1 });
  const paused = await harness(t, { slots: 1 });
  const waited = await paused.run(['submit', await paused.writeJob('slow.json', slow), '--wait', '--interval', '20', '--timeout', '0.3']);
  t.is(waited.code, 1);
  t.regex(waited.stderr, /gave up waiting after 0\.3 s \(--timeout\)/);
});
