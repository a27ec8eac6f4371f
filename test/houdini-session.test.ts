import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hub, type HubOptions } from '../kit/hub/server.ts';
import { AdapterRegistry } from '../kit/adapter.ts';
import { connectHub, type HubClient } from '../kit/hub/client.ts';
import { hubPaths, writeRuntime } from '../kit/hub/runtime.ts';
import { RemoteError } from '../kit/protocol/errors.ts';
import { mergeEnv } from '../kit/launch.ts';
import houdini, { HoudiniSession, houdiniTimeoutSeconds } from '../adapters/houdini/index.ts';
import { FAKE_HOUDINI, closeClient, killLater, until } from './fixtures/houdini/support.ts';
import { PATIENCE_MS } from './support/patience.ts';

interface Teardown { teardown(fn: () => unknown): void }

async function startHub(t: Teardown, opts: HubOptions = {}): Promise<Hub> {
  const hub = new Hub({ adapters: new AdapterRegistry(), pingInterval: 0, ...opts });
  await hub.listen();
  t.teardown(() => hub.stop('test over'));
  return hub;
}

async function tool(t: Teardown, hub: Hub): Promise<HubClient> {
  const client = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => closeClient(client));
  return client;
}

function tempDir(t: Teardown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-houdini-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts the fake Houdini with the environment the adapter's launchSpec gives it. */
async function startHoudini(t: Teardown, hub: Hub, dir: string): Promise<{ pid: number; home: string; output: () => string }> {
  const home = path.join(dir, 'kit');
  const spec = await houdini.launchSpec!({
    scene: null,
    config: { houdini: { executable: FAKE_HOUDINI, hython: null, launchTimeout: 60_000, callTimeout: 30_000 } },
    hub: { port: hub.port, token: hub.token, home },
    env: process.env,
  });
  const base: NodeJS.ProcessEnv = { ...process.env, HOME: dir };
  for (const key of Object.keys(base)) if (key.startsWith('DCC_KIT_') || key.startsWith('HOUDINI_')) delete base[key];
  const child = spawn(spec.command, spec.args, { env: mergeEnv(spec.env, { base }), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  killLater(t, child.pid);
  await new Promise((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
  return { pid: child.pid!, home, output: () => output };
}

/** Python that blocks Houdini's main thread until `release` exists, after creating `started`. */
function blockingCode(started: string, release: string): string {
  return [
    'import os, time',
    `open(${JSON.stringify(started)}, "w").close()`,
    `while not os.path.exists(${JSON.stringify(release)}):`,
    '    time.sleep(0.01)',
    'print("released")',
  ].join('\n');
}

test('the hub gets the Python traceback as the error stack; only allow-listed named requests are served', async (t) => {
  const hub = await startHub(t);
  const dir = tempDir(t);
  const app = await startHoudini(t, hub, dir);
  const client = await tool(t, hub);
  const houdiniSession = await HoudiniSession.connect(client, { wait: PATIENCE_MS });
  t.is(houdiniSession.pid, app.pid);

  const code = 'def cook(node):\n    return node.missing_parm()\n\ncook(hou.node("/obj"))\n';
  const err = await t.throwsAsync(hub.callSession('houdini', { request: 'python.exec', args: { code } }), { instanceOf: RemoteError });
  t.is(err!.name, 'AttributeError');
  t.regex(err!.message, /'Node' object has no attribute 'missing_parm'/);
  const stack = (err as RemoteError).remoteStack ?? '';
  t.regex(stack, /^Traceback \(most recent call last\):/);
  t.regex(stack, /line 4, in <module>\n +cook\(hou\.node\("\/obj"\)\)/);
  t.regex(stack, /line 2, in cook\n +return node\.missing_parm\(\)/);
  t.notRegex(stack, /mainthread\.py|client\.py/, 'the request plumbing is not in the traceback');
  // Through a tool the exception keeps its name and message.
  await t.throwsAsync(houdiniSession.exec(code), { instanceOf: RemoteError, name: 'AttributeError', message: /missing_parm/ });

  await t.throwsAsync(houdiniSession.handle.request('os.system', { command: 'true' }), {
    name: 'UnknownRequestError', message: /unknown request 'os\.system'; this Houdini serves: hip\.info, hip\.open, hip\.save, nodes\.list, ping, python\.eval, python\.exec/,
  });
  await t.throwsAsync(houdiniSession.handle.call('hou.node', '/obj'), { name: 'UnsupportedMessageError', message: /named requests only/ });
  t.is(await houdiniSession.eval('1 + 1'), 2);
});

test('a call that outlasts its timeout gets the Python side TimeoutError, not the hub timeout; ping answers meanwhile', async (t) => {
  const hub = await startHub(t);
  const dir = tempDir(t);
  await startHoudini(t, hub, dir);
  const client = await tool(t, hub);
  const session = await HoudiniSession.connect(client, { wait: PATIENCE_MS });
  const started = path.join(dir, 'started');
  const release = path.join(dir, 'release');

  t.is(houdiniTimeoutSeconds(600), 0.5);
  t.is(houdiniTimeoutSeconds(30_000), 29);
  const busy = await t.throwsAsync(session.exec(blockingCode(started, release), { timeout: 600 }), { instanceOf: RemoteError });
  t.true(fs.existsSync(started));
  t.is(busy!.name, 'TimeoutError');
  t.regex(busy!.message, /^python\.exec did not finish within 0\.5s; it is still running on Houdini's main thread/);
  t.is(await session.ping(), 'pong', 'ping never waits for the main thread');
  const queued = await t.throwsAsync(session.eval('"never runs"', { timeout: 600 }), { instanceOf: RemoteError });
  t.regex(queued!.message, /^python\.eval did not start within 0\.5s because Houdini's main thread was busy; it was cancelled/);

  const next = session.eval('"after the release"');
  fs.writeFileSync(release, '');
  t.is(await next, 'after the release');
});

test('the hub going away mid-request leaves Houdini reconnecting; it finds a new hub through the runtime file', async (t) => {
  const first = await startHub(t);
  const dir = tempDir(t);
  const app = await startHoudini(t, first, dir);
  const client = await tool(t, first);
  const session = await HoudiniSession.connect(client, { wait: PATIENCE_MS });
  await session.exec('kept = "same process"');
  const started = path.join(dir, 'started');
  const release = path.join(dir, 'release');

  const pending = session.exec(blockingCode(started, release));
  await until(() => fs.existsSync(started), PATIENCE_MS, 'the request to start in Houdini');
  await first.stop('hub going away');
  const lost = await t.throwsAsync(pending);
  t.regex(lost!.message, /hub is stopping|connection lost/);
  fs.writeFileSync(release, ''); // the request finishes in Houdini; its reply has nowhere to go

  // A new hub on another port with another token, found through the runtime file.
  const second = await startHub(t);
  t.not(second.port, first.port);
  await writeRuntime(hubPaths(app.home), {
    pid: process.pid, port: second.port, token: second.token, version: 'test', protocol: 1, startedAt: new Date().toISOString(),
  });
  const client2 = await tool(t, second);
  const again = await HoudiniSession.connect(client2, { wait: PATIENCE_MS });
  t.is(again.pid, app.pid);
  t.is(await again.eval('kept'), 'same process');
  t.deepEqual(await again.exec('print("still serving")'), { stdout: 'still serving\n', stderr: '' });
  t.regex(app.output(), /disconnected from the dcc-kit hub; reconnecting/);
  t.false(app.output().includes(first.token) || app.output().includes(second.token), 'tokens are never printed');
});
