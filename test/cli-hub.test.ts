import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sandbox, BIN } from './support/cli.ts';
import { connectFakeDcc } from './support/fake-dcc.ts';
import { hubPaths, isProcessAlive } from '../kit/hub/runtime.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

test('--help lists the commands and --version prints the version', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const help = await sb.run(['--help']);
  t.is(help.code, 0);
  for (const cmd of ['hub', 'sessions', 'call', 'config', 'farm']) t.regex(help.stdout, new RegExp(`\\n  ${cmd} `));
  const version = await sb.run(['--version']);
  t.regex(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  const unknown = await sb.run(['frobnicate']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /unknown command "frobnicate"/);
  const hubHelp = await sb.run(['hub', '--help']);
  t.regex(hubHelp.stdout, /start \[--json\]/);
});

test('on an old Node the CLI runs again on the Node 24 the package brings (the node dependency)', (t) => {
  const candidates = ['/usr/bin/node', '/bin/node', '/usr/local/bin/node'];
  const old = candidates.find((p) => {
    if (!fs.existsSync(p)) return false;
    const v = spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout.trim().slice(1).split('.').map(Number);
    return v[0] < 22 || (v[0] === 22 && v[1] < 18);
  });
  if (!old) {
    t.log('no Node older than 22.18 on this machine; nothing to check');
    t.pass();
    return;
  }
  const r = spawnSync(old, [BIN, '--help'], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /workfile +open, save/);
  // Without a usable Node of its own it says in one line what it needs (test/package-dist.test.ts).
});

test('three simultaneous hub starts end with one hub and two attached clients; status, sessions, call, stop', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const starts = await Promise.all([0, 1, 2].map(() => sb.json<{ started: boolean; pid: number; port: number }>(['hub', 'start', '--json'])));
  t.is(starts.filter((s) => s.started).length, 1);
  t.is(new Set(starts.map((s) => s.pid)).size, 1);
  const paths = hubPaths(sb.env.DCC_KIT_HOME!);
  const info = JSON.parse(fs.readFileSync(paths.runtimeFile, 'utf8'));
  t.is(info.pid, starts[0].pid);
  t.is(info.token.length, 64);
  if (process.platform !== 'win32') {
    t.is(fs.statSync(paths.runtimeFile).mode & 0o777, 0o600);
    t.is(fs.statSync(paths.runDir).mode & 0o777, 0o700);
  }

  const status = await sb.json<{ running: boolean; pid: number; sessions: number }>(['hub', 'status', '--json']);
  t.true(status.running);
  t.is(status.pid, info.pid);

  const dcc = await connectFakeDcc({ port: info.port, token: info.token, requests: { 'scene.info': () => ({ fps: 24 }) } });
  t.teardown(() => dcc.peer.close());
  const sessions = await sb.json<{ dcc: string; id: string }[]>(['sessions', '--json']);
  t.is(sessions.length, 1);
  t.is(sessions[0].dcc, 'fakedcc');

  t.deepEqual(await sb.json(['call', 'fakedcc', 'add', '[1,2,39]', '--json']), { result: 42 });
  t.deepEqual(await sb.json(['call', sessions[0].id, '--request', 'scene.info', '--json']), { result: { fps: 24 } });
  const failed = await sb.run(['call', 'fakedcc', 'fail']);
  t.is(failed.code, 1);
  t.regex(failed.stderr, /deliberate failure in the DCC/);
  const badJson = await sb.run(['call', 'fakedcc', 'add', '[1,']);
  t.is(badJson.code, 2);
  t.regex(badJson.stderr, /json-args must be JSON/);

  const stop = await sb.json<{ stopped: boolean }>(['hub', 'stop', '--json']);
  t.true(stop.stopped);
  t.false(fs.existsSync(paths.runtimeFile));
  const after = await sb.run(['hub', 'status']);
  t.is(after.code, 1);
  t.regex(after.stdout, /no hub is running/);
  const logs = await sb.run(['hub', 'logs', '-n', '200']);
  t.regex(logs.stdout, /hub listening on 127\.0\.0\.1/);
  t.regex(logs.stdout, /hub stopped/);
  // It ended by its event loop draining, not by process.exit() after the grace period (see kit/exit.ts).
  t.notRegex(logs.stdout, /still held open/);
});

test('a stale runtime file from a killed hub is detected and replaced', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const first = await sb.json<{ pid: number }>(['hub', 'start', '--json']);
  process.kill(first.pid, 'SIGKILL');
  await until(() => !isProcessAlive(first.pid), PATIENCE_MS, 'the killed hub to be gone');
  const paths = hubPaths(sb.env.DCC_KIT_HOME!);
  t.true(fs.existsSync(paths.runtimeFile), 'the killed hub left its runtime file');
  const status = await sb.run(['hub', 'status']);
  t.is(status.code, 1);
  t.regex(status.stdout, /stale runtime file/);
  const second = await sb.json<{ started: boolean; pid: number }>(['hub', 'start', '--json']);
  t.true(second.started);
  t.not(second.pid, first.pid);
  t.is(JSON.parse(fs.readFileSync(paths.runtimeFile, 'utf8')).pid, second.pid);
});

test('a foreign program on the configured port gives a clear error, not a hang', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const foreign = net.createServer((s) => { s.on('error', () => {}); s.write('SSH-2.0-OpenSSH_9.2\r\n'); });
  await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
  t.teardown(() => foreign.close());
  const port = (foreign.address() as net.AddressInfo).port;
  const r = await sb.run(['hub', 'start'], { env: { DCC_KIT_PORT: String(port) } });
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`port ${port} \\(hub.port\\) is already used by another program`));
  // And a client pointed at that port says it is not a hub.
  fs.mkdirSync(path.join(sb.env.DCC_KIT_HOME!, 'run'), { recursive: true });
  const sessions = await sb.run(['sessions'], { env: { DCC_KIT_PORT: String(port), DCC_KIT_TOKEN: 'x'.repeat(64) } });
  t.is(sessions.code, 1);
  t.regex(sessions.stderr, /is not a dcc-kit hub/);
});
