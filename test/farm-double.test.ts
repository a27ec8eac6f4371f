/**
 * The Afanasy test double checked on its own, over raw sockets (not through AfanasyClient), against the
 * behaviours reference/afanasy-protocol.md records for afserver 3.4.1.
 */
import test from 'ava';
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { AfanasyDouble } from './support/afanasy-double.ts';

interface RawResult {
  /** Everything received. */
  bytes: Buffer;
  /** The parsed reply body, when a whole reply arrived. */
  reply?: any;
  /** The server closed the connection before we did. */
  serverClosed: boolean;
}

function replyOf(buf: Buffer): { reply: unknown; end: number } | undefined {
  const marker = buf.indexOf('JSON');
  if (marker < 0) return undefined;
  const length = Number(/AFANASY (\d+) /.exec(buf.toString('latin1', 0, marker))?.[1]);
  const end = marker + 4 + length;
  if (buf.length < end) return undefined;
  return { reply: JSON.parse(buf.toString('utf8', marker + 4, end)), end };
}

/**
 * Writes `parts` (each its own write; before each later part, `between` runs), reads one reply, and closes.
 * With `paddingBytes`, stays connected after the reply until that many more bytes arrived (or the server closed).
 */
async function raw(port: number, parts: (string | Buffer)[], opts: { between?: () => Promise<void>; paddingBytes?: number } = {}): Promise<RawResult> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await once(socket, 'connect');
  let bytes = Buffer.alloc(0);
  let serverClosed = false;
  const closed = new Promise<void>((resolve) => {
    socket.on('end', () => { serverClosed = true; resolve(); });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  let gotReply: () => void = () => {};
  let gotPadding: () => void = () => {};
  const replied = new Promise<void>((resolve) => { gotReply = resolve; });
  const padded = new Promise<void>((resolve) => { gotPadding = resolve; });
  socket.on('data', (chunk: Buffer) => {
    bytes = Buffer.concat([bytes, chunk]);
    const parsed = replyOf(bytes);
    if (!parsed) return;
    gotReply();
    if (bytes.length - parsed.end >= (opts.paddingBytes ?? 0)) gotPadding();
  });
  for (const [i, part] of parts.entries()) {
    if (i > 0 && opts.between) await opts.between();
    socket.write(part);
  }
  await Promise.race([replied, closed]);
  if (opts.paddingBytes) await Promise.race([padded, closed]);
  socket.destroy();
  const parsed = replyOf(bytes);
  return { bytes, reply: parsed?.reply, serverClosed };
}

function frame(body: unknown): string {
  const json = JSON.stringify(body);
  return `AFANASY ${Buffer.byteLength(json)} JSON${json}`;
}

/** The body text of one reply, unparsed (it may be invalid JSON, as afserver's can be). */
async function replyText(port: number, body: unknown): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.write(frame(body));
  let bytes = Buffer.alloc(0);
  try {
    for await (const chunk of socket) {
      bytes = Buffer.concat([bytes, chunk as Buffer]);
      const marker = bytes.indexOf('JSON');
      if (marker < 0) continue;
      const length = Number(/AFANASY (\d+) /.exec(bytes.toString('latin1', 0, marker))?.[1]);
      if (bytes.length >= marker + 4 + length) return bytes.toString('utf8', marker + 4, marker + 4 + length);
    }
  } finally {
    socket.destroy();
  }
  throw new Error(`the connection closed before a whole reply (${bytes.length} bytes)`);
}

async function ask(double: AfanasyDouble, body: unknown): Promise<any> {
  const result = await raw(double.port, [frame(body)]);
  if (result.reply === undefined) throw new Error(`no reply to ${JSON.stringify(body)}`);
  return result.reply;
}

const minimalJob = (name: string, extra: Record<string, unknown> = {}) => ({
  job: {
    name,
    user_name: 'tsk',
    host_name: 'localhost',
    priority: 50,
    blocks: [{ name: 'render', service: 'generic', parser: 'generic', flags: 1, frame_first: 1, frame_last: 10, frames_per_task: 2, frames_inc: 1, capacity: 1000, working_directory: '/path/to/shot', command: 'echo frame @#@ to @#@' }],
    ...extra,
  },
});

async function startDouble(t: { teardown: (fn: () => Promise<void>) => void }, options = {}): Promise<AfanasyDouble> {
  const double = await AfanasyDouble.start(options);
  t.teardown(() => double.close());
  return double;
}

test('replies in the text-header form, pads with spaces, and leaves closing to the client', async (t) => {
  const double = await startDouble(t, { paddingIntervalMs: 5 });
  const result = await raw(double.port, ['AFANASY 23 JSON{"get":{"type":"jobs"}}'], { paddingBytes: 3 });
  t.false(result.serverClosed);
  const parsed = replyOf(result.bytes)!;
  t.true(result.bytes.toString('latin1').startsWith('AFANASY '));
  const after = result.bytes.subarray(parsed.end).toString('latin1');
  t.true(after.length >= 3, 'spaces were written while waiting for the client');
  t.regex(after, /^ +$/);
  await double.idle();
  t.is(double.requests[0].closedBy, 'client');
  t.true(double.requests[0].paddingBytes >= 3);
});

test('a submission reply looks exactly like afserver\'s', async (t) => {
  const double = await startDouble(t);
  const result = await raw(double.port, [frame(minimalJob('raw_harmony_test'))]);
  t.is(result.bytes.toString('utf8', 0, 37), 'AFANASY 22 JSON{\n"id":2,\n"serial":1\n}');
});

test('a first chunk that ends before JSON is dropped without a reply', async (t) => {
  const double = await startDouble(t);
  const result = await raw(double.port, ['AFANASY 23 JS']);
  t.true(result.serverClosed);
  t.is(result.bytes.length, 0);
  t.is(double.requests[0].outcome, 'dropped');
  t.is(double.requests[0].closedBy, 'server');
});

test('the body may follow in later segments once the header arrived whole', async (t) => {
  const double = await startDouble(t);
  const waitForHeader = async (): Promise<void> => {
    while (!double.requests[0]?.header) await sleep(2);
  };
  const result = await raw(double.port, ['AFANASY 23 JSON\n{"get":{"ty', 'pe":"jobs"}}'], { between: waitForHeader });
  t.is(double.requests[0].firstChunkBytes, 27);
  t.is(result.reply.jobs[0].name, 'afanasy');
});

test('a character count in the header cuts a non-ASCII body short: parse error', async (t) => {
  const double = await startDouble(t);
  const json = JSON.stringify(minimalJob('ショット'));
  const result = await raw(double.port, [`AFANASY ${json.length} JSON${json}`]);
  t.is(result.reply.info.kind, 'error');
  t.regex(result.reply.info.text, /at character \d+ of \d+/);
  t.deepEqual(double.jobIds(), []);
});

test('errors come back as info replies', async (t) => {
  const double = await startDouble(t);
  const malformed = await raw(double.port, ['AFANASY 22 JSON{"get":{"type":"jobs"}']);
  t.is(malformed.reply.info.kind, 'error');
  t.regex(malformed.reply.info.text, /at character/);
  t.deepEqual(await ask(double, { hello: 1 }), { info: { kind: 'error', text: 'Invalid action.' } });
  t.deepEqual(await ask(double, { get: { type: 'foo' } }), { info: { kind: 'error', text: "Invalid get type = 'foo'" } });
  t.deepEqual(await ask(double, { get: { type: 'jobs', ids: [77] } }), { info: { kind: 'error', text: 'Invalid ID' } });

  const { id } = await ask(double, minimalJob('x'));
  const action = (extra: Record<string, unknown>) => ({ action: { type: 'jobs', ids: [id], user_name: 'tsk', host_name: 'ws', ...extra } });
  t.deepEqual(await ask(double, action({ operation: { type: 'frobnicate' } })), { info: { kind: 'error', text: 'Unknown operation: frobnicate' } });
  t.deepEqual(await ask(double, action({ host_name: '', operation: { type: 'pause' } })), { info: { kind: 'error', text: 'Invalid action.' } });
  t.deepEqual(await ask(double, action({ user_name: undefined, operation: { type: 'pause' } })), { info: { kind: 'error', text: 'Invalid action.' } });
  t.deepEqual(await ask(double, action({ operation: { type: 'pause' } })), { info: { kind: 'log', text: 'Action processed.' } });
});

test('an invalid job crashes it: no reply, then refused until restarted, jobs kept', async (t) => {
  const double = await startDouble(t);
  await ask(double, minimalJob('kept'));
  // The docs' "minimum job": no "flags": 1, so the block has no tasks.
  const docsExample = { job: { name: 'docs', user_name: 'tsk', blocks: [{ name: 'b', service: 'generic', frame_first: 1, frame_last: 3, command: 'echo @#@' }] } };
  const crashed = await raw(double.port, [frame(docsExample)]);
  t.is(crashed.bytes.length, 0);
  t.true(double.crashed);
  t.is(double.requests.at(-1)!.outcome, 'crashed');
  const refused = net.connect({ host: '127.0.0.1', port: double.port });
  const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
  t.is(err.code, 'ECONNREFUSED');
  await double.restart();
  const { jobs } = await ask(double, { get: { type: 'jobs' } });
  t.deepEqual(jobs.map((j: any) => j.name), ['afanasy', 'kept']);
});

for (const [what, job] of [
  ['no user_name', { name: 'a', blocks: minimalJob('a').job.blocks }],
  ['an empty blocks list', { name: 'a', user_name: 'tsk', blocks: [] }],
  ['a task list block with no tasks', { name: 'a', user_name: 'tsk', blocks: [{ name: 'b', command: 'x', tasks: [] }] }],
  ['a job that is not an object', 1],
] as const) {
  test(`a job with ${what} crashes it`, async (t) => {
    const double = await startDouble(t);
    const result = await raw(double.port, [frame({ job })]);
    t.is(result.bytes.length, 0);
    t.true(double.crashed);
  });
}

test('system job, unique names, reused ids, increasing serials', async (t) => {
  const double = await startDouble(t);
  const a = await ask(double, minimalJob('x'));
  const b = await ask(double, minimalJob('x'));
  const c = await ask(double, minimalJob('x'));
  t.deepEqual([a, b, c], [{ id: 2, serial: 1 }, { id: 3, serial: 2 }, { id: 4, serial: 3 }]);
  let { jobs } = await ask(double, { get: { type: 'jobs' } });
  t.deepEqual(jobs.map((j: any) => [j.id, j.name, j.user_name]), [[1, 'afanasy', 'afadmin'], [2, 'x', 'tsk'], [3, 'x-1', 'tsk'], [4, 'x-2', 'tsk']]);
  await ask(double, { action: { type: 'jobs', ids: [3], user_name: 'tsk', host_name: 'ws', operation: { type: 'delete' } } });
  const d = await ask(double, minimalJob('x'));
  t.deepEqual(d, { id: 3, serial: 4 });
  ({ jobs } = await ask(double, { get: { type: 'jobs', ids: [3] } }));
  t.is(jobs[0].name, 'x-1');
  t.is(jobs[0].serial, 4);
});

test('states are padded tokens and counters appear as tasks move', async (t) => {
  const double = await startDouble(t);
  const { id } = await ask(double, minimalJob('st'));
  const job = async () => (await ask(double, { get: { type: 'jobs', ids: [id] } })).jobs[0];
  let j = await job();
  t.is(j.state, ' RDY');
  t.is(j.st, 1);
  t.is(j.blocks[0].tasks_num, 5);
  t.is(j.blocks[0].p_tasks_ready, 5);
  t.false('p_tasks_done' in j.blocks[0]);
  double.tick();
  j = await job();
  t.is(j.state, ' RDY RUN');
  t.is(j.blocks[0].running_tasks_counter, 4);
  double.tick();
  double.tick();
  j = await job();
  t.is(j.state, ' DON');
  t.is(j.blocks[0].p_tasks_done, 5);
  t.is(j.blocks[0].p_percentage, 100);
  t.true(j.time_done > 0);
});

test('progress per block and task output via mode "output"', async (t) => {
  const double = await startDouble(t);
  const { id } = await ask(double, minimalJob('out', {
    blocks: [
      minimalJob('').job.blocks[0],
      { name: 'list', service: 'generic', command: 'echo @#@', tasks: [{ name: 'one', command: 'first task' }, { name: 'two', command: 'second' }] },
    ],
  }));
  const notStarted = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [0], task_ids: [0] } });
  t.is(notStarted.task.data, 'ERROR: Task is not started.');
  double.tick();
  const running = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [0], task_ids: [0] } });
  t.is(running.task.data, "ERROR: Can't get ouput of a running task.");
  double.runUntilIdle();
  const { job_progress } = await ask(double, { get: { type: 'jobs', ids: [id], mode: 'progress' } });
  t.is(job_progress.id, id);
  t.is(job_progress.progress.length, 2);
  t.is(job_progress.progress[0].length, 5);
  t.is(job_progress.progress[1].length, 2);
  t.like(job_progress.progress[1][1], { state: ' DON', str: 1, hst: 'render01' });
  const first = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [0], task_ids: [0] } });
  t.like(first.task, { task_name: 'frame 1-2', data: 'frame 1 to 2\n', job_name: 'out' });
  const listed = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [1], task_ids: [0] } });
  t.like(listed.task, { task_name: 'one', data: 'first task\n' });
  const badTask = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [0], task_ids: [9] } });
  t.is(badTask.task.data, 'ERROR: Invalid block and task numbers');
  const badJob = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [99], block_ids: [0], task_ids: [0] } });
  t.is(badJob.task.data, 'ERROR: Invalid job ID');
});

test('padded frame placeholders are filled like afrender does', async (t) => {
  const double = await startDouble(t);
  const block = { name: 'r', service: 'generic', flags: 1, frame_first: 3, frame_last: 3, command: 'echo afcmd @####@' };
  const { id } = await ask(double, { job: { name: 'pad', user_name: 'tsk', blocks: [block] } });
  double.runUntilIdle();
  const out = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [0], task_ids: [0] } });
  t.is(out.task.data, 'afcmd 0003\n');
});

test('a failing task is retried, then leaves the job in " ERR" with its output readable', async (t) => {
  const double = await startDouble(t);
  const block = { name: 'r', service: 'generic', flags: 1, frame_first: 1, frame_last: 1, command: 'echo failing; exit 3', errors_retries: 1 };
  const { id } = await ask(double, { job: { name: 'fail', user_name: 'tsk', blocks: [block] } });
  double.tick();
  double.tick();
  let j = (await ask(double, { get: { type: 'jobs', ids: [id] } })).jobs[0];
  t.is(j.state, ' RUN', 'failed once, retried at once');
  let { job_progress } = await ask(double, { get: { type: 'jobs', ids: [id], mode: 'progress' } });
  t.like(job_progress.progress[0][0], { state: ' RUN', err: 1, str: 2 });
  double.tick();
  j = (await ask(double, { get: { type: 'jobs', ids: [id] } })).jobs[0];
  t.is(j.state, ' ERR');
  t.is(j.blocks[0].p_tasks_error, 1);
  ({ job_progress } = await ask(double, { get: { type: 'jobs', ids: [id], mode: 'progress' } }));
  t.like(job_progress.progress[0][0], { state: ' ERR', err: 2, str: 2 });
  const out = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [0], task_ids: [0] } });
  t.is(out.task.data, 'failing\n');
});

test('paused jobs, priority and dependencies hold tasks back', async (t) => {
  const double = await startDouble(t);
  const paused = await ask(double, minimalJob('paused', { offline: true }));
  const first = await ask(double, minimalJob('first'));
  const waiting = await ask(double, minimalJob('second', { depend_mask: '^first$' }));
  let { jobs } = await ask(double, { get: { type: 'jobs' } });
  const state = (id: number) => jobs.find((j: any) => j.id === id).state;
  t.is(state(paused.id), ' RDY OFF');
  t.is(state(waiting.id), ' WDP');
  double.runUntilIdle();
  ({ jobs } = await ask(double, { get: { type: 'jobs' } }));
  t.is(state(paused.id), ' RDY OFF');
  t.is(state(first.id), ' DON');
  t.is(state(waiting.id), ' DON');
  await ask(double, { action: { type: 'jobs', ids: [paused.id], user_name: 'tsk', host_name: 'ws', operation: { type: 'start' } } });
  double.runUntilIdle();
  ({ jobs } = await ask(double, { get: { type: 'jobs' } }));
  t.is(state(paused.id), ' DON');
});

test('serials select jobs; an unknown serial lists every job (JobContainer quirk)', async (t) => {
  const double = await startDouble(t);
  await ask(double, minimalJob('a'));
  const b = await ask(double, minimalJob('b'));
  let { jobs } = await ask(double, { get: { type: 'jobs', serials: [b.serial] } });
  t.deepEqual(jobs.map((j: any) => j.name), ['b']);
  ({ jobs } = await ask(double, { get: { type: 'jobs', serials: [999] } }));
  t.is(jobs.length, 3);
  ({ jobs } = await ask(double, { get: { type: 'jobs', mask: 'a' } }));
  t.deepEqual(jobs.map((j: any) => j.name), ['afanasy', 'a']);
});

test('like afserver 3.4.1, a task failing on the only render is avoided after 3 errors and stays ready, never in error', async (t) => {
  const double = await startDouble(t, { slots: 1 });
  const block = { name: 'r', service: 'generic', flags: 1, frame_first: 1, frame_last: 1, command: 'exit 1' };
  const { id } = await ask(double, { job: { name: 'stuck', user_name: 'tsk', blocks: [block] } });
  for (let i = 0; i < 10; i++) double.tick();
  const j = (await ask(double, { get: { type: 'jobs', ids: [id] } })).jobs[0];
  t.notRegex(j.state, /ERR/);
  t.regex(j.state, /RDY/);
  const { job_progress } = await ask(double, { get: { type: 'jobs', ids: [id], mode: 'progress' } });
  t.like(job_progress.progress[0][0], { err: 3, str: 3 });
});

test('like afserver 3.4.1, a task output reply carries the job name unescaped: a " in the name breaks it', async (t) => {
  const double = await startDouble(t);
  const block = { name: 'r', service: 'generic', flags: 1, frame_first: 1, frame_last: 1, command: 'echo hi' };
  const { id } = await ask(double, { job: { name: 'shot "A" \\ v2', user_name: 'tsk', blocks: [block] } });
  double.runUntilIdle();
  const text = await replyText(double.port, { get: { type: 'jobs', mode: 'output', ids: [id], block_ids: [0], task_ids: [0] } });
  t.true(text.includes('"job_name":"shot "A" \\ v2"'), text);
  t.throws(() => JSON.parse(text), { instanceOf: SyntaxError });
  const plain = await ask(double, { job: { name: 'shot A', user_name: 'tsk', blocks: [block] } });
  double.runUntilIdle();
  const out = await ask(double, { get: { type: 'jobs', mode: 'output', ids: [plain.id], block_ids: [0], task_ids: [0] } });
  t.is(out.task.job_name, 'shot A');
});
