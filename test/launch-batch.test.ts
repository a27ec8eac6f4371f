import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runBatch, BatchRunError, ExecutableNotFoundError, LaunchError } from '../kit/launch.ts';
import type { OutputStream } from '../kit/launch.ts';
import { FAKE_APP, tempDir, waitFor, alive, killQuietly } from './support/fake-app.ts';

const node = process.execPath;

function collector() {
  const lines: { stream: OutputStream; line: string }[] = [];
  return {
    lines,
    of: (stream: OutputStream) => lines.filter((l) => l.stream === stream).map((l) => l.line),
    onLine: (line: string, stream: OutputStream) => { lines.push({ stream, line }); },
  };
}

test('output lines of both streams arrive in order through onLine; env is merged', async (t) => {
  const out = collector();
  const r = await runBatch({
    command: node,
    args: [FAKE_APP, '--lines', '5000', '--err', 'a warning', '--print-env', 'RENDER_PASS', '--print-env', 'HOME', '--exit', '0'],
    env: { RENDER_PASS: 'beauty', HOME: undefined },
    onLine: out.onLine,
  });
  t.is(r.exitCode, 0);
  t.is(r.signal, null);
  t.false(r.canceled || r.timedOut || r.forceKilled);
  t.deepEqual(out.of('stdout'), [...Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`), 'RENDER_PASS=beauty', 'HOME=(unset)']);
  t.deepEqual(out.of('stderr'), ['a warning']);
  t.is(r.lastLines.length, 20);
});

test('lines are split on \\r progress redraws and a last line without newline is delivered', async (t) => {
  const out = collector();
  await runBatch({ command: node, args: [FAKE_APP, '--raw', JSON.stringify('a\r\nb 10%\rb 20%\rb 100%\nunfinished')], onLine: out.onLine });
  t.deepEqual(out.of('stdout'), ['a', 'b 10%', 'b 20%', 'b 100%', 'unfinished']);
});

test('a non-zero exit is a result by default and a BatchRunError with the last output when reject is set', async (t) => {
  const args = [FAKE_APP, '--out', 'rendering frame 1', '--err', 'ERROR: no license', '--exit', '3'];
  const r = await runBatch({ command: node, args, onLine: () => {} });
  t.is(r.exitCode, 3);
  t.deepEqual(r.lastLines.sort(), ['ERROR: no license', 'rendering frame 1']);

  const err = await t.throwsAsync(runBatch({ command: node, args, onLine: () => {}, reject: true, displayName: 'Harmony batch render' }), { instanceOf: BatchRunError });
  t.is(err?.failure, 'exit');
  t.is(err?.result.exitCode, 3);
  t.regex(err?.message ?? '', /^Harmony batch render exited with code 3\nlast output:\n/);
  t.regex(err?.message ?? '', /ERROR: no license/);
  t.is(err?.code, 'BATCH_FAILED');
});

test('cancelling kills the child and its grandchild', async (t) => {
  const controller = new AbortController();
  let grandchild = 0;
  const run = runBatch({
    command: node,
    args: [FAKE_APP, '--grandchild', '--ready', '--stay'],
    signal: controller.signal,
    onLine: (line) => {
      if (line.startsWith('grandchild ')) grandchild = Number(line.slice(11));
      if (line === 'ready') controller.abort();
    },
  });
  const r = await run;
  t.teardown(() => killQuietly(grandchild));
  t.true(r.canceled);
  t.is(r.signal, 'SIGTERM');
  t.is(r.exitCode, null);
  t.true(grandchild > 0);
  t.false(alive(r.pid!), 'the child is gone');
  t.true(await waitFor(() => !alive(grandchild)), 'the grandchild is gone');

  const rejected = await t.throwsAsync(runBatch({ command: node, args: [FAKE_APP, '--stay'], signal: AbortSignal.abort(), reject: true }), { instanceOf: BatchRunError });
  t.is(rejected?.failure, 'canceled');
  t.is(rejected?.result.pid, undefined, 'an aborted signal starts nothing');
});

test('a child that ignores SIGTERM is SIGKILLed after forceKillAfter, with its grandchild', async (t) => {
  const controller = new AbortController();
  let grandchild = 0;
  const r = await runBatch({
    command: node,
    args: [FAKE_APP, '--ignore-term', '--grandchild', '--ready', '--stay'],
    signal: controller.signal,
    forceKillAfter: 200,
    onLine: (line) => {
      if (line.startsWith('grandchild ')) grandchild = Number(line.slice(11));
      if (line === 'ready') controller.abort();
    },
  });
  t.teardown(() => killQuietly(grandchild));
  t.true(r.canceled);
  t.true(r.forceKilled);
  t.is(r.signal, 'SIGKILL');
  t.true(await waitFor(() => !alive(grandchild)));
});

test('a timeout kills the process tree and is reported as such', async (t) => {
  let grandchild = 0;
  const run = runBatch({
    command: node,
    args: [FAKE_APP, '--grandchild', '--stay'],
    timeout: 1500,
    reject: true,
    displayName: 'hython',
    onLine: (line) => { if (line.startsWith('grandchild ')) grandchild = Number(line.slice(11)); },
  });
  const err = await t.throwsAsync(run, { instanceOf: BatchRunError });
  t.teardown(() => killQuietly(grandchild));
  t.is(err?.failure, 'timeout');
  t.true(err?.result.timedOut);
  t.regex(err?.message ?? '', /^hython did not finish within 1500 ms and was killed/);
  t.true(grandchild > 0, 'the grandchild started before the timeout');
  t.true(await waitFor(() => !alive(grandchild)));
});

test('a chatty child (110 MB, over execa\'s 100 MB default maxBuffer) streams to the end and is not killed', async (t) => {
  const bytes = 110 * 1024 * 1024;
  let chars = 0;
  let lines = 0;
  const r = await runBatch({
    command: node,
    args: [FAKE_APP, '--chatty', String(bytes), '--out', 'done', '--exit', '0'],
    onLine: (line) => { chars += line.length + 1; lines++; },
  });
  t.is(r.signal, null);
  t.is(r.exitCode, 0);
  t.is(chars, bytes + 'done\n'.length);
  t.is(lines, bytes / 1024 + 1);
  t.is(r.lastLines.at(-1), 'done');
});

test('output goes to a log file, alone (raw fd) or beside onLine, appended to what is there', async (t) => {
  const dir = tempDir(t);
  const logFile = path.join(dir, 'logs/render.log');
  fs.mkdirSync(path.dirname(logFile));
  fs.writeFileSync(logFile, 'previous run\n');
  const r = await runBatch({ command: node, args: [FAKE_APP, '--out', 'frame 1', '--err', 'warn', '--out', 'frame 2', '--exit', '4'], logFile });
  t.is(r.exitCode, 4);
  t.is(fs.readFileSync(logFile, 'utf8'), 'previous run\nframe 1\nwarn\nframe 2\n');
  t.deepEqual(r.lastLines, ['previous run', 'frame 1', 'warn', 'frame 2']);

  const both = path.join(dir, 'both.log');
  const out = collector();
  const err = await t.throwsAsync(runBatch({ command: node, args: [FAKE_APP, '--lines', '20000', '--exit', '1'], logFile: both, onLine: out.onLine, reject: true }), { instanceOf: BatchRunError });
  const expected = Array.from({ length: 20000 }, (_, i) => `line ${i + 1}`);
  t.is(fs.readFileSync(both, 'utf8'), expected.join('\n') + '\n');
  t.deepEqual(out.of('stdout'), expected);
  t.regex(err?.message ?? '', new RegExp(`exited with code 1 \\(full output in ${both.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
});

test('a throwing onLine stops the run, kills the child and rejects with that error', async (t) => {
  const r = runBatch({
    command: node,
    args: [FAKE_APP, '--ready', '--stay'],
    onLine: (line) => { if (line === 'ready') throw new Error('parser broke'); },
  });
  await t.throwsAsync(r, { message: 'parser broke' });
});

test('a missing or non-executable program is an ExecutableNotFoundError naming the key; a missing cwd is said as such', async (t) => {
  const dir = tempDir(t);
  const missing = path.join(dir, 'hfs/bin/hython');
  const err = await t.throwsAsync(runBatch({ command: missing, displayName: 'hython', executableKey: 'houdini.hython' }), { instanceOf: ExecutableNotFoundError });
  t.is(err?.message, `hython executable not found: ${missing} (set houdini.hython in .dcckitrc)`);
  const plain = path.join(dir, 'plain');
  fs.writeFileSync(plain, '#!/bin/sh\n', { mode: 0o644 });
  const notExec = await t.throwsAsync(runBatch({ command: plain, executableKey: 'houdini.hython', onLine: () => {} }), { instanceOf: ExecutableNotFoundError });
  t.is(notExec?.problem, 'not-executable');
  await t.throwsAsync(runBatch({ command: node, args: [FAKE_APP], cwd: path.join(dir, 'no-such-folder') }), { instanceOf: LaunchError, message: /no-such-folder: no such folder/ });
});
