import test from 'ava';
import net from 'node:net';
import path from 'node:path';
import { connectHub } from '../kit/hub/client.ts';
import { RemoteError, SessionClosedError } from '../kit/protocol/errors.ts';
import { FrameDecoder, encodeFrame } from '../kit/protocol/frame.ts';
import { HarmonySession } from '../adapters/harmony/session.ts';
import { rig, startHub, simEnv, startSim, tempDir, until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

declare const node: { add(g: string, n: string, t: string, x: number, y: number, z: number): string; subNodes(g: string): string[] };
declare let func: unknown;

test('calls, scripts, named requests and inline functions reach the real startup script', async (t) => {
  const { client } = await rig(t);
  const h = new HarmonySession(await client.session('harmony'));
  t.deepEqual(await h.call('node.subNodes', 'Top'), ['Top/Composite', 'Top/Display', 'Top/Write']);
  t.deepEqual(await h.call('node.subNodes', ['Top']), ['Top/Composite', 'Top/Display', 'Top/Write'], 'one array argument is coerced like Harmony does');
  await h.script('var func = "a Harmony global named func";');
  const added = await h.run(function addRead(args: { name: string }) { return node.add('Top', args.name, 'READ', 0, 0, 0); }, { name: 'bg' });
  t.is(added, 'Top/bg');
  t.is(await h.call('function f() { return func; }; f'), 'a Harmony global named func', 'inline functions never clobber a global such as func');
  const info = await h.request('dcckit.info') as { version: string; scene: string };
  t.is(info.version, '24.0');
  t.regex(info.scene, /untitled\.xstage$/);
  t.is(await h.request('ping'), 'pong');
});

test('UTF-8 goes both ways intact', async (t) => {
  const { client } = await rig(t);
  const h = new HarmonySession(await client.session('harmony'));
  const text = 'scène été ✓ 𝄞 日本';
  t.is(await h.run(function echo(a: { s: string }) { return a.s + '|' + a.s.length; }, { s: text }), `${text}|${text.length}`);
});

test('a JS exception in Harmony rejects with Harmony\'s message; a missing function is a ReferenceError', async (t) => {
  const { client } = await rig(t);
  const h = new HarmonySession(await client.session('harmony'));
  const err = await t.throwsAsync(h.call('function f() { throw new TypeError("bad node é"); }; f'), { instanceOf: RemoteError });
  t.is(err!.name, 'TypeError');
  t.is(err!.message, 'bad node é');
  const missing = await t.throwsAsync(h.call('nothing.here'));
  t.is(missing!.name, 'ReferenceError');
  t.regex(missing!.message, /nothing/);
  await t.throwsAsync(h.request('no.such.endpoint'), { message: /unknown request "no.such.endpoint".*dcckit.info/ });
  await t.throwsAsync(h.run('function () { var o = {}; o.self = o; return o; }'), { message: /cannot be sent as JSON/ });
  t.deepEqual(await h.call('node.subNodes', 'Top'), ['Top/Composite', 'Top/Display', 'Top/Write'], 'the session keeps serving');
});

test('the menu has every item; each sends a named request and shows the hub\'s answer', async (t) => {
  const { sim } = await rig(t);
  const menus = sim.app.scriptMenus();
  t.deepEqual(menus, [{ title: 'dcc-kit', items: ['Workfiles...', '-', 'Create...', 'Load...', 'Publish...', 'Manage...', '-', 'Set Scene Settings...'] }]);
  for (const item of ['Create...', 'Load...', 'Publish...', 'Manage...']) {
    const before = sim.messages.length;
    if (item === 'Publish...') sim.dialogAnswers.push({ ok: true }); // its comment, asked in Harmony
    t.true(sim.triggerMenu(item));
    await until(() => sim.messages.length > before, PATIENCE_MS, `a message for ${item}`);
    // Every item does its job now (here: without a shot context, the creator says what to set).
    t.regex(sim.messages.at(-1)!.text, /^dcc-kit/);
    t.notRegex(sim.messages.at(-1)!.text, /not available yet/);
  }
});

test('a scene switch destroys the engine; the script reconnects to the same session and rebuilds one menu', async (t) => {
  const { sim, client } = await rig(t);
  await client.subscribe();
  const first = (await client.sessions())[0];
  const engines = sim.engines;
  const other = path.join(tempDir(t), 'shot');
  t.true(await client.call('harmony', 'scene.saveAs', other) as boolean);
  sim.open(path.join(other, 'shot.xstage'));
  t.is(sim.engines, engines + 1);
  await until(() => sim.logLines.filter((l) => l.includes('connected to the dcc-kit hub')).length >= 2, PATIENCE_MS, 'reconnection');
  const list = await client.sessions();
  t.is(list.length, 1);
  t.is(list[0].id, first.id);
  t.regex(list[0].scene!, /shot\.xstage$/);
  t.is(sim.app.scriptMenus().length, 1, 'one menu, not a second copy');
  t.deepEqual(await client.call('harmony', 'node.subNodes', 'Top'), ['Top/Composite', 'Top/Display', 'Top/Write']);
});

test('the hub down at scene open: menu items say so, and the script connects once the hub is up', async (t) => {
  const dir = tempDir(t);
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const token = 'a'.repeat(64);
  const sim = startSim(t, simEnv({ port, token }, dir), {}, dir);
  // The startup script has run once its connection attempt has failed (nobody on the port).
  const refused = new Promise<void>((resolve) => sim.on('socket', (what: string) => { if (what === 'error') resolve(); }));
  sim.open(null);
  await refused;
  t.true(sim.triggerMenu('Load...'));
  t.regex(sim.messages.at(-1)!.text, /hub, which is not reachable[\s\S]*dcc-kit hub start/);
  const hub = await startHub(t, { port, token });
  const client = await connectHub({ port, token, connectTimeout: PATIENCE_MS });
  t.teardown(() => client.close());
  const s = await client.session('harmony', { wait: 8000 });
  t.is(s.dcc, 'harmony');
});

test('a malformed frame from the hub drops the connection; the script reconnects and serves again', async (t) => {
  const dir = tempDir(t);
  let connections = 0;
  const fake = net.createServer((socket) => {
    connections++;
    const n = connections;
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const msg of decoder.push(chunk) as { message_id: number; request?: string; reply?: boolean; result?: unknown }[]) {
        if (msg.request === 'hello') {
          socket.write(encodeFrame({ message_id: msg.message_id, reply: true, result: { session: 's' } }));
          if (n === 1) socket.write(Buffer.from('garbage that is not a frame'));
          else socket.write(encodeFrame({ message_id: 1, function: 'node.subNodes', args: 'Top' }));
        } else if (msg.reply) {
          socket.emit('answered', msg.result);
        }
      }
    });
    socket.on('answered', (result) => fake.emit('answered', result));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  t.teardown(() => fake.close());
  const port = (fake.address() as net.AddressInfo).port;
  const answered = new Promise((resolve) => fake.once('answered', resolve));
  const sim = startSim(t, simEnv({ port, token: 'x' }, dir), {}, dir);
  sim.open(null);
  t.deepEqual(await answered, ['Top/Composite', 'Top/Display', 'Top/Write']);
  t.is(connections, 2);
  t.true(sim.logLines.some((l) => l.includes('connection dropped: bad frame magic')));
});

for (const [name, faults] of [['split into 1-byte reads', { splitIncoming: 1 }], ['coalesced reads', { coalesceMs: 20 }]] as const) {
  test(`frames ${name} decode correctly, one call or 64 at once`, async (t) => {
    const { client } = await rig(t, { sim: { faults } });
    const h = new HarmonySession(await client.session('harmony'));
    t.deepEqual(await h.call('node.subNodes', 'Top'), ['Top/Composite', 'Top/Display', 'Top/Write']);
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => h.run(function sq(n: number) { return n * n; }, i)));
    t.deepEqual(results, Array.from({ length: 64 }, (_, i) => i * i));
  });
}

test('Harmony quitting in the middle of a call rejects the caller at once', async (t) => {
  // Harmony takes 2 s to see each call: closing it meanwhile must reject the caller, not leave it to its timeout.
  const { sim, client } = await rig(t, { sim: { faults: { delayMs: 2000 } } });
  const arrived = new Promise<void>((resolve) => sim.on('socket', (what: string) => { if (what === 'read') resolve(); }));
  const pending = client.call('harmony', 'node.subNodes', 'Top', { timeout: PATIENCE_MS });
  await arrived;
  sim.close();
  const err = await t.throwsAsync(pending);
  // A reply or a call timeout would mean the close was not noticed: only a lost connection passes.
  t.true(err instanceof SessionClosedError || /connection lost|not connected/.test(err!.message), err!.message);
});

test('the hub restarting on the same port: the script reconnects with the runtime file\'s new token', async (t) => {
  const { hub, sim, env } = await rig(t);
  const port = hub.port;
  await hub.stop('restart');
  const { writeRuntime, hubPaths } = await import('../kit/hub/runtime.ts');
  const hub2 = await startHub(t, { port });
  await writeRuntime(hubPaths(env.DCC_KIT_HOME!), { pid: process.pid, port, token: hub2.token, version: 'test', protocol: 1, startedAt: '' });
  const client = await connectHub({ port, token: hub2.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => client.close());
  const s = await client.session('harmony', { wait: 8000 });
  t.is(await s.call('scene.currentScene'), 'untitled');
  t.true(sim.engines === 1, 'no scene switch was needed');
});

test('a stale runtime file of a dead hub does not stop the script from using the launch environment', async (t) => {
  const dir = tempDir(t);
  const hub = await startHub(t);
  const env = simEnv(hub, dir);
  const { writeRuntime, hubPaths } = await import('../kit/hub/runtime.ts');
  await writeRuntime(hubPaths(env.DCC_KIT_HOME!), { pid: 2 ** 22 + 7, port: 1, token: 'stale', version: 'old', protocol: 1, startedAt: '' });
  const sim = startSim(t, env, {}, dir);
  sim.open(null);
  const client = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => client.close());
  const s = await client.session('harmony', { wait: 8000 });
  t.is(await s.call('scene.currentScene'), 'untitled');
});

test('Harmony 21.1 bindings have no QDataStream, and the script still connects', async (t) => {
  const { sim, client } = await rig(t, { sim: { version: '21.1' } });
  t.is(sim.evaluate('typeof QDataStream'), 'undefined');
  const info = await (await client.session('harmony')).request('dcckit.info') as { version: string };
  t.is(info.version, '21.1');
});
