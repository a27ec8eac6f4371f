import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { connectFakeDcc } from './support/fake-dcc.ts';
import { hubPaths, isProcessAlive, localSocketPath } from '../kit/hub/runtime.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { connectHub } from '../kit/hub/client.ts';
import { encodeFrame, FrameDecoder } from '../kit/protocol/frame.ts';

const posix = process.platform !== 'win32';

test('the socket path: <run>/hub.sock, none on Windows or when too long for a socket address', (t) => {
  t.is(localSocketPath('/home/ann/.dcc-kit/run', 'linux'), '/home/ann/.dcc-kit/run/hub.sock');
  t.is(localSocketPath('/home/ann/.dcc-kit/run', 'win32'), null);
  t.is(localSocketPath('/' + 'x'.repeat(100), 'linux'), null);
});

test('tools reach the hub on its private local socket; the hub still serves DCCs on TCP', async (t) => {
  if (!posix) { t.pass('no local socket on Windows'); return; }
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const started = await sb.json<{ port: number }>(['hub', 'start', '--json']);
  const paths = hubPaths(sb.env.DCC_KIT_HOME!);
  const info = JSON.parse(fs.readFileSync(paths.runtimeFile, 'utf8'));
  t.is(info.socket, paths.socketFile);
  const stat = fs.statSync(info.socket);
  t.true(stat.isSocket());
  t.is(stat.mode & 0o777, 0o600, 'only the user may connect');

  const dcc = await connectFakeDcc({ port: started.port, token: info.token });
  t.teardown(() => dcc.peer.close());
  const client = await connectHub({ home: sb.env.DCC_KIT_HOME });
  t.teardown(() => client.close());
  t.regex(client.peer.label, /hub\.sock$/, 'connectHub took the local socket');
  t.is(await client.call('fakedcc', 'add', [40, 2]), 42);
  t.regex(client.hello.session, /^tool-local-\d+$/);

  const status = await sb.run(['hub', 'status']);
  t.regex(status.stdout, new RegExp(`local socket\\s+${info.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

  // The token is still required on the socket.
  const intruder = net.connect({ path: info.socket });
  await new Promise((r) => intruder.once('connect', r));
  const decoder = new FrameDecoder();
  const answer = new Promise<Record<string, unknown>>((resolve) => intruder.on('data', (c) => { const [m] = decoder.push(c); if (m) resolve(m as Record<string, unknown>); }));
  intruder.write(encodeFrame({ message_id: 1, request: 'hello', args: { protocol: 1, token: 'f'.repeat(64), role: 'tool' } }));
  const reply = await answer;
  t.regex(JSON.stringify(reply.error), /authentication failed/);
  await new Promise((r) => intruder.once('close', r));

  await sb.json(['hub', 'stop', '--json']);
  t.false(fs.existsSync(info.socket), 'a stopped hub removes its socket');
});

test('a socket left by a killed hub is replaced; without one, tools fall back to the TCP port', async (t) => {
  if (!posix) { t.pass('no local socket on Windows'); return; }
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const first = await sb.json<{ pid: number }>(['hub', 'start', '--json']);
  const paths = hubPaths(sb.env.DCC_KIT_HOME!);
  process.kill(first.pid, 'SIGKILL');
  await until(() => !isProcessAlive(first.pid), PATIENCE_MS, 'the killed hub to be gone');
  t.true(fs.existsSync(paths.socketFile!), 'the killed hub left its socket file');
  // A tool reading the stale runtime file finds nobody on the socket nor on the port: a clear error.
  const down = await sb.run(['sessions']);
  t.is(down.code, 1);

  const second = await sb.json<{ pid: number; started: boolean }>(['hub', 'start', '--json']);
  t.true(second.started);
  const client = await connectHub({ home: sb.env.DCC_KIT_HOME });
  t.regex(client.peer.label, /hub\.sock$/);
  t.is((await client.stats()).pid, second.pid);
  client.close();

  fs.rmSync(paths.socketFile!);
  const viaTcp = await connectHub({ home: sb.env.DCC_KIT_HOME });
  t.teardown(() => viaTcp.close());
  t.regex(viaTcp.peer.label, /127\.0\.0\.1:\d+$/, 'no socket: the TCP port');
  t.is((await viaTcp.stats()).pid, second.pid);
  const sessions = await sb.run(['sessions']);
  t.is(sessions.code, 0, sessions.stderr);
});

test('a home too deep for a socket address runs the hub on TCP alone', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const deep = path.join(sb.dir, 'd'.repeat(60), 'e'.repeat(60));
  const env = { DCC_KIT_HOME: deep };
  const started = await sb.json<{ started: boolean }>(['hub', 'start', '--json'], { env });
  t.true(started.started);
  t.teardown(() => sb.run(['hub', 'stop'], { env }).then(() => undefined));
  const info = JSON.parse(fs.readFileSync(hubPaths(deep).runtimeFile, 'utf8'));
  t.is(info.socket, undefined);
  const client = await connectHub({ home: deep });
  t.teardown(() => client.close());
  t.regex(client.peer.label, /127\.0\.0\.1:\d+$/);
  const status = await sb.run(['hub', 'status'], { env });
  t.regex(status.stdout, /local socket\s+none \(tools use the port\)/);
});
