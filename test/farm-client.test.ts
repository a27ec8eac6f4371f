import test from 'ava';
import { AfanasyClient } from '../kit/farm/client.ts';
import {
  FarmConnectionError,
  FarmJobNotFoundError,
  FarmNoReplyError,
  FarmServerError,
  JobValidationError,
} from '../kit/farm/errors.ts';
import { JobBuilder } from '../kit/farm/job.ts';
import { defaultAfanasySettings } from '../kit/farm/settings.ts';
import { AfanasyDouble } from './support/afanasy-double.ts';

async function setup(t: { teardown: (fn: () => Promise<void>) => void }, options = {}): Promise<{ double: AfanasyDouble; client: AfanasyClient }> {
  const double = await AfanasyDouble.start({ paddingIntervalMs: 5, ...options });
  t.teardown(() => double.close());
  const client = new AfanasyClient({ ...double.settings, user: 'tsk', hostName: 'ws01', timeoutMs: 15_000 });
  return { double, client };
}

const renderJob = (name: string) =>
  new JobBuilder(name).frameBlock('render', 'echo frame @#@ to @#@', { first: 1, last: 10, perTask: 2 }).build();

test('default settings', (t) => {
  const s = defaultAfanasySettings();
  t.is(s.host, '127.0.0.1');
  t.is(s.port, 51000);
  t.is(s.timeoutMs, 10000);
  t.true(s.user.length > 0);
  t.true(s.hostName.length > 0);
});

test('submit returns id and serial; names are renamed so jobs are tracked by id', async (t) => {
  const { double, client } = await setup(t);
  const first = await client.submit(renderJob('shot'));
  const second = await client.submit(renderJob('shot'));
  t.deepEqual([first, second], [{ id: 2, serial: 1 }, { id: 3, serial: 2 }]);
  t.is((await client.job(second)).name, 'shot-1');
  const sent = double.replied[0].body as { job: Record<string, unknown> };
  t.is(sent.job.user_name, 'tsk');
  t.is(sent.job.host_name, 'ws01');
  await double.idle();
  t.true(double.requests.every((r) => r.closedBy === 'client'), 'the client closes every connection itself');
});

test('the job list leaves out the system job', async (t) => {
  const { client } = await setup(t);
  t.deepEqual(await client.jobs(), []);
  await client.submit(renderJob('a'));
  await client.submit({ ...renderJob('b'), userName: 'other' });
  const all = await client.jobs();
  t.deepEqual(all.map((j) => j.name), ['a', 'b']);
  t.deepEqual((await client.jobs({ users: ['other'] })).map((j) => j.name), ['b']);
  await t.throwsAsync(client.job(1), { instanceOf: FarmJobNotFoundError, message: /system job/ });
});

test('job state, block counters and task progress', async (t) => {
  const { double, client } = await setup(t);
  const ref = await client.submit(renderJob('p'));
  let job = await client.job(ref);
  t.deepEqual(job.states, ['RDY']);
  t.like(job, { status: 'ready', tasksTotal: 5, tasksDone: 0 });
  double.tick();
  job = await client.job(ref);
  t.deepEqual(job.states, ['RDY', 'RUN']);
  t.like(job, { status: 'running', tasksRunning: 4 });
  double.runUntilIdle();
  job = await client.job(ref, { full: true });
  t.like(job, { status: 'done', tasksDone: 5, tasksRunning: 0 });
  t.is(job.blocks[0].command, 'echo frame @#@ to @#@');
  t.true(job.timeDone! > 0);
  const progress = await client.progress(ref);
  t.is(progress.blocks[0].length, 5);
  t.like(progress.blocks[0][4], { block: 0, task: 4, states: ['DON'], starts: 1, errors: 0, host: 'render01' });
});

test('task output, and the server\'s output errors as typed errors', async (t) => {
  const { double, client } = await setup(t);
  const ref = await client.submit(renderJob('out'));
  await t.throwsAsync(client.taskOutput(ref, 0, 0), { instanceOf: FarmServerError, message: /Task is not started/ });
  double.tick();
  await t.throwsAsync(client.taskOutput(ref, 0, 0), { instanceOf: FarmServerError, message: /running task/ });
  double.runUntilIdle();
  const out = await client.taskOutput(ref, 0, 1);
  t.like(out, { jobName: 'out', blockName: 'render', taskName: 'frame 3-4', output: 'frame 3 to 4\n' });
  await t.throwsAsync(client.taskOutput(ref, 0, 7), { instanceOf: FarmServerError, message: /Invalid block and task numbers/ });
  await t.throwsAsync(client.taskOutput(99, 0, 0), { instanceOf: FarmJobNotFoundError });
});

test('a task whose own output starts with "ERROR: " is still its output', async (t) => {
  const { double, client } = await setup(t);
  const ref = await client.submit(new JobBuilder('e').frameBlock('r', 'echo ERROR: disk full', { first: 1, last: 1 }).build());
  double.runUntilIdle();
  t.is((await client.taskOutput(ref, 0, 0)).output, 'ERROR: disk full\n');
});

test('non-ASCII names and commands round-trip', async (t) => {
  const { double, client } = await setup(t);
  const name = 'ショット_010_über';
  const ref = await client.submit(new JobBuilder(name).frameBlock('描画', 'echo 描画 @#@', { first: 1, last: 1 }).build());
  const request = double.replied[0];
  t.is(request.declaredLength, Buffer.byteLength(request.bodyText!));
  t.not(request.declaredLength, request.bodyText!.length);
  t.is(request.firstChunkBytes, Buffer.byteLength(request.header) + request.declaredLength!, 'header and body in one write');
  double.runUntilIdle();
  t.is((await client.job(ref)).name, name);
  const out = await client.taskOutput(ref, 0, 0);
  t.is(out.blockName, '描画');
  t.is(out.output, '描画 1\n');
});

test('a large job arrives in several segments after a whole header and is accepted', async (t) => {
  const { double, client } = await setup(t);
  const tasks = Array.from({ length: 3000 }, (_, i) => ({ name: `part ${i}`, command: `echo ${'x'.repeat(60)} ${i}` }));
  const ref = await client.submit(new JobBuilder('big').taskBlock('parts', tasks).build());
  const request = double.replied[0];
  t.true(request.declaredLength! > 200_000);
  t.true(request.firstChunkBytes < Buffer.byteLength(request.header) + request.declaredLength!, 'the body spanned several segments');
  t.is((await client.job(ref)).tasksTotal, 3000);
});

test('pause, start and delete; actions carry user and host names', async (t) => {
  const { double, client } = await setup(t);
  const ref = await client.submit(renderJob('ops'));
  const before = await client.pause(ref);
  t.is(before.name, 'ops');
  t.deepEqual((await client.job(ref)).states, ['RDY', 'OFF']);
  double.runUntilIdle();
  t.is((await client.job(ref)).tasksDone, 0, 'a paused job does not run');
  await client.start(ref);
  t.is((await client.job(ref)).status, 'ready');
  const action = double.replied.map((r) => r.body as Record<string, any>).find((b) => 'action' in b)!;
  t.like(action.action, { type: 'jobs', ids: [ref.id], user_name: 'tsk', host_name: 'ws01', operation: { type: 'pause' } });
  await client.delete(ref);
  await t.throwsAsync(client.job(ref), { instanceOf: FarmJobNotFoundError });
  await t.throwsAsync(client.pause(ref.id), { instanceOf: FarmJobNotFoundError, message: new RegExp(`id ${ref.id}`) });
});

test('a reused id is noticed through the serial', async (t) => {
  const { client } = await setup(t);
  const old = await client.submit(renderJob('old'));
  await client.delete(old);
  const reused = await client.submit(renderJob('new'));
  t.is(reused.id, old.id);
  t.true(reused.serial > old.serial);
  const err = await t.throwsAsync(client.job(old), { instanceOf: FarmJobNotFoundError });
  t.regex(err.message, /deleted and its id reused/);
  await t.throwsAsync(client.delete(old), { instanceOf: FarmJobNotFoundError });
  t.is((await client.job(reused.id)).name, 'new', 'the new job was not touched');
});

test('an invalid job is refused locally and never reaches the server', async (t) => {
  const { double, client } = await setup(t);
  const bad = { job: { name: 'docs', blocks: [{ name: 'b', frame_first: 1, frame_last: 3, command: 'echo @#@' }], user_name: '' } };
  const err = await t.throwsAsync(client.submit(bad), { instanceOf: JobValidationError });
  t.deepEqual(err.problems.map((p) => p.path), ['job.user_name', 'job.blocks[0].flags']);
  await t.throwsAsync(client.submit({ job: { blocks: [] } }, { fillDefaults: false }), { instanceOf: JobValidationError, message: /job\.user_name/ });
  t.is(double.requests.length, 0);
  t.false(double.crashed);
});

test('a server that crashes on a job: FarmNoReplyError, then FarmConnectionError until restarted', async (t) => {
  const { double, client } = await setup(t);
  // client.request sends a raw body without the validation submit() does, like a foreign tool would.
  const err = await t.throwsAsync(client.request({ job: { name: 'x', user_name: 'tsk', blocks: [] } }), { instanceOf: FarmNoReplyError });
  t.true(err.message.includes(client.address));
  t.regex(err.message, /crashed/);
  t.true(double.crashed);
  await t.throwsAsync(client.jobs(), { instanceOf: FarmConnectionError, message: /refused/ });
  await double.restart();
  t.deepEqual(await client.jobs(), []);
});

test('info error replies become FarmServerError with the server\'s text', async (t) => {
  const { client } = await setup(t);
  const err = await t.throwsAsync(client.request({ get: { type: 'foo' } }, 'a test'), { instanceOf: FarmServerError });
  t.is(err.serverText, "Invalid get type = 'foo'");
  t.true(err.message.includes(client.address));
});

test('waitForJob polls until done or error', async (t) => {
  const { client } = await setup(t, { autoRunMs: 10, errorsRetries: 0 });
  const good = await client.submit(renderJob('good'));
  const seen: string[] = [];
  const done = await client.waitForJob(good, { intervalMs: 10, onUpdate: (j) => seen.push(j.status) });
  t.is(done.status, 'done');
  t.is(seen.at(-1), 'done');
  const bad = await client.submit(new JobBuilder('bad').frameBlock('r', 'exit 3', { first: 1, last: 4 }).build());
  const failed = await client.waitForJob(bad, { intervalMs: 10 });
  t.is(failed.status, 'error');
  t.true(failed.tasksError >= 1);
});
