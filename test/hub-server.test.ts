import test from 'ava';
import { Hub } from '../kit/hub/server.ts';
import { AdapterRegistry, type Adapter } from '../kit/adapter.ts';
import { connectHub, type HubClient } from '../kit/hub/client.ts';
import { RemoteError, SessionClosedError } from '../kit/protocol/errors.ts';
import { encodeFrame } from '../kit/protocol/frame.ts';
import { connectFakeDcc } from './support/fake-dcc.ts';
import { rawConnect, withTimeout } from './support/raw.ts';
import { PATIENCE_MS } from './support/patience.ts';

const DEAD_PID = 2 ** 22 + 12345;

/** A small adapter proving the contract: endpoints the hub serves to its sessions. */
const fakeAdapter: Adapter = {
  name: 'fakedcc',
  displayName: 'Fake DCC',
  defaultExecutables: () => [],
  endpoints: {
    'menu.hello': (args, ctx) => ({ greeting: `hello ${String((args as { who?: string })?.who)}`, session: ctx.session?.id }),
    'menu.broken': () => { throw new Error('not available yet: the loader is not installed'); },
  },
};

async function startHub(t: { teardown(fn: () => unknown): void }, opts: ConstructorParameters<typeof Hub>[0] = {}) {
  const adapters = new AdapterRegistry();
  adapters.register(fakeAdapter);
  const hub = new Hub({ adapters, pingInterval: 0, ...opts });
  await hub.listen();
  t.teardown(() => hub.stop('test over'));
  return hub;
}

async function tool(t: { teardown(fn: () => unknown): void }, hub: Hub): Promise<HubClient> {
  const c = await connectHub({ port: hub.port, token: hub.token });
  t.teardown(() => c.close());
  return c;
}

test('a tool calls functions, scripts and named requests of a DCC through the hub', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token, requests: { 'scene.info': () => ({ frames: 60 }) } });
  t.teardown(() => dcc.peer.close());
  const c = await tool(t, hub);
  t.is(await c.call('fakedcc', 'add', [1, 2, 3]), 6);
  t.deepEqual(await c.call(dcc.hello.session, 'echo', { s: 'scène' }), { s: 'scène' });
  t.deepEqual(await c.request('fakedcc', 'scene.info'), { frames: 60 });
  await c.script('fakedcc', 'var x = 1;');
  t.deepEqual(dcc.scripts, ['var x = 1;']);
  t.is(await c.ping(), 'pong');
  const stats = await c.stats();
  t.is(stats.sessions, 1);
  t.true(Number(stats.framesIn) > 0 && Number(stats.bytesOut) > 0);
});

test('errors thrown in the DCC reject with the DCC error name and message', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token });
  t.teardown(() => dcc.peer.close());
  const c = await tool(t, hub);
  const err = await t.throwsAsync(c.call('fakedcc', 'fail'), { instanceOf: RemoteError });
  t.is(err!.name, 'TypeError');
  t.is(err!.message, 'deliberate failure in the DCC');
  t.regex((err as RemoteError).remoteStack ?? '', /TypeError: deliberate failure in the DCC\n\s+at /, 'the DCC\'s own stack reaches the tool');
  await t.throwsAsync(c.call('fakedcc', 'doesNotExist'), { message: /doesNotExist is not defined/ });
  await t.throwsAsync(c.call('nodcc', 'echo'), { message: /no session "nodcc".*dcc-kit launch <dcc>/ });
});

test('a call times out with a clear error and the session keeps serving', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token });
  t.teardown(() => dcc.peer.close());
  const c = await tool(t, hub);
  await t.throwsAsync(c.call('fakedcc', 'never', null, { timeout: 150 }), { message: /no reply to function never within 150 ms/ });
  t.is(await c.call('fakedcc', 'add', [2, 2]), 4);
});

test('a DCC that dies mid-call rejects the pending call at once', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token, pid: DEAD_PID });
  const c = await tool(t, hub);
  const pending = c.call('fakedcc', 'never', null, { timeout: 20_000 });
  await new Promise((r) => setTimeout(r, 50));
  dcc.peer.socket.destroy();
  const err = await withTimeout(t.throwsAsync(pending), PATIENCE_MS, 'rejection');
  t.regex(err!.message, /connection lost/);
});

test('the RPC peer rejects pending calls with SessionClosedError when the hub goes away', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token });
  const c = await connectHub({ port: hub.port, token: hub.token });
  const pending = c.call('fakedcc', 'never', null, { timeout: 20_000 });
  await new Promise((r) => setTimeout(r, 50));
  c.peer.socket.destroy();
  await t.throwsAsync(pending, { instanceOf: SessionClosedError });
  dcc.peer.close();
});

test('the hub serves adapter endpoints to DCC sessions and unknown names get an error naming the known ones', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token });
  t.teardown(() => dcc.peer.close());
  t.deepEqual(await dcc.peer.request('menu.hello', { who: 'artist' }), { greeting: 'hello artist', session: dcc.hello.session });
  await t.throwsAsync(dcc.peer.request('menu.broken'), { message: /not available yet/ });
  const err = await t.throwsAsync(dcc.peer.request('no.such.thing'));
  t.regex(err!.message, /unknown request "no.such.thing".*menu.hello/);
  t.is(await dcc.peer.request('ping'), 'pong');
});

test('sessions: joined, scene change, reconnect keeps the session, left when the process is gone', async (t) => {
  const hub = await startHub(t, { reconnectGrace: 2000 });
  const c = await tool(t, hub);
  await c.subscribe();
  const events: string[] = [];
  for (const e of ['joined', 'left', 'resumed', 'disconnected', 'scene']) c.on(e, () => events.push(e));
  const first = await connectFakeDcc({ port: hub.port, token: hub.token, scene: '/a.xstage' });
  const again = await connectFakeDcc({ port: hub.port, token: hub.token, scene: '/b.xstage' });
  t.is(again.hello.session, first.hello.session);
  t.true(again.hello.resumed);
  const list = await c.sessions();
  t.is(list.length, 1);
  t.is(list[0].scene, '/b.xstage');
  again.peer.close();
  const left = new Promise((resolve) => c.once('left', resolve));
  const gone = await connectFakeDcc({ port: hub.port, token: hub.token, pid: DEAD_PID });
  gone.peer.close();
  await withTimeout(left, PATIENCE_MS, 'the left event');
  t.deepEqual(events.filter((e) => e !== 'disconnected'), ['joined', 'resumed', 'scene', 'joined', 'left']);
});

test('waiting for a session resolves when a DCC joins later', async (t) => {
  const hub = await startHub(t);
  const c = await tool(t, hub);
  const waiting = c.session('fakedcc', { wait: PATIENCE_MS });
  setTimeout(() => void connectFakeDcc({ port: hub.port, token: hub.token }).then((d) => t.teardown(() => d.peer.close())), 100);
  const s = await waiting;
  t.is(s.dcc, 'fakedcc');
  t.is(await s.call('add', [40, 2]), 42);
});

// --- bad input: each gets an error reply or only its own connection closed; the hub keeps serving ---

async function assertHubStillServes(t: { is(a: unknown, b: unknown): void }, hub: Hub) {
  const c = await connectHub({ port: hub.port, token: hub.token });
  t.is(await c.ping(), 'pong');
  c.close();
}

test('random bytes close only that connection', async (t) => {
  const hub = await startHub(t);
  const raw = await rawConnect(hub.port);
  raw.socket.write(Buffer.from([0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]));
  await withTimeout(raw.closed, PATIENCE_MS, 'close');
  await assertHubStillServes(t, hub);
});

test('wrong magic, oversized length, non-JSON and non-object payloads close only that connection', async (t) => {
  const hub = await startHub(t, { maxFrameBytes: 1024 });
  const bad = [
    Buffer.from('XH\0\0\0\x02{}'),
    Buffer.from([0x41, 0x48, 0x00, 0x00, 0x10, 0x00]),
    Buffer.concat([Buffer.from([0x41, 0x48, 0, 0, 0, 5]), Buffer.from('{nope')]),
    encodeFrame([1, 2] as unknown as object),
  ];
  for (const bytes of bad) {
    const raw = await rawConnect(hub.port);
    raw.socket.write(bytes);
    await withTimeout(raw.closed, PATIENCE_MS, `close after ${bytes.toString('hex')}`);
  }
  await assertHubStillServes(t, hub);
});

test('a hello with a wrong or missing token, and any request before hello, are refused without executing', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token });
  t.teardown(() => dcc.peer.close());
  for (const first of [
    { message_id: 1, request: 'hello', args: { protocol: 1, token: 'wrong', role: 'tool' } },
    { message_id: 1, request: 'hello', args: { protocol: 1, role: 'tool' } },
    { message_id: 1, request: 'hub.call', args: { session: 'fakedcc', function: 'add', args: [1, 1] } },
    { message_id: 1, function: 'add', args: [1, 1] },
  ]) {
    const raw = await rawConnect(hub.port);
    raw.send(first);
    const reply = await raw.next() as { error?: { message: string } };
    t.truthy(reply.error, JSON.stringify(first));
    await withTimeout(raw.closed, PATIENCE_MS, 'close');
  }
  t.is((await hub.stats()).sessions, 1);
  await assertHubStillServes(t, hub);
});

test('an unknown request name from a tool gets an error reply and the connection stays usable', async (t) => {
  const hub = await startHub(t);
  const c = await tool(t, hub);
  await t.throwsAsync(c.peer.request('no.such.request'), { message: /unknown request "no.such.request".*hub.call/ });
  t.is(await c.ping(), 'pong');
});

test('a peer that sends half a frame and stalls is dropped; others are served meanwhile', async (t) => {
  const hub = await startHub(t, { stallTimeout: 300 });
  const raw = await rawConnect(hub.port);
  raw.socket.write(encodeFrame({ message_id: 1, request: 'hello', args: { protocol: 1, token: hub.token, role: 'tool' } }));
  await raw.next();
  raw.socket.write(encodeFrame({ message_id: 2, request: 'ping' }).subarray(0, 9));
  await assertHubStillServes(t, hub);
  await withTimeout(raw.closed, PATIENCE_MS, 'stalled peer closed');
  t.true(raw.isClosed());
});

test('a connection that never says hello is closed', async (t) => {
  const hub = await startHub(t, { helloTimeout: 200 });
  const raw = await rawConnect(hub.port);
  await withTimeout(raw.closed, PATIENCE_MS, 'close');
  t.true(raw.isClosed());
});

test('a peer that never reads its replies stops being read: the hub does not buffer without bound', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token });
  t.teardown(() => dcc.peer.close());
  const raw = await rawConnect(hub.port);
  raw.send({ message_id: 1, request: 'hello', args: { protocol: 1, token: hub.token, role: 'tool' } });
  await raw.next();
  raw.socket.pause(); // never read again
  const requests = 3000;
  const reply = 64 * 1024;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (sent < requests) {
        sent++;
        const ok = raw.socket.write(encodeFrame({ message_id: sent + 1, request: 'hub.call', args: { session: 'fakedcc', function: 'big', args: reply } }));
        if (!ok) { raw.socket.once('drain', pump); return; }
      }
      resolve();
    };
    pump();
    setTimeout(resolve, 1500); // stop trying once the hub has stopped reading us
  });
  await new Promise((r) => setTimeout(r, 300));
  const stats = await hub.stats();
  // 3000 replies of 64 KiB would be ~190 MiB; the hub must have stopped well before that.
  const written = Number(stats.bytesOut);
  t.true(written < (requests * reply) / 4, `hub wrote ${written} bytes for ${sent} requests`);
  await assertHubStillServes(t, hub);
  raw.socket.destroy();
});

test('graceful stop answers pending routed calls with an error', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token });
  const c = await connectHub({ port: hub.port, token: hub.token });
  const pending = c.call('fakedcc', 'never', null, { timeout: 20_000 });
  await new Promise((r) => setTimeout(r, 50));
  await hub.stop('test');
  const err = await t.throwsAsync(pending);
  t.regex(err!.message, /hub is stopping|connection lost/);
  dcc.peer.close();
});

test('the hub pings idle peers and drops one that never answers; a live peer stays', async (t) => {
  // A live peer must answer each ping within the interval: 1 s leaves room on a loaded machine.
  const hub = await startHub(t, { pingInterval: 1000 });
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token });
  t.teardown(() => dcc.peer.close());
  const raw = await rawConnect(hub.port);
  raw.send({ message_id: 1, request: 'hello', args: { protocol: 1, token: hub.token, role: 'tool' } });
  await raw.next();
  const ping = await raw.next() as { request?: string };
  t.is(ping.request, 'ping');
  await withTimeout(raw.closed, PATIENCE_MS, 'a silent peer is closed');
  await new Promise((r) => setTimeout(r, 2500));
  t.false(dcc.peer.closed, 'the fake DCC answers pings and stays connected');
  t.is((await hub.sessionInfo()).length, 1);
});

test('a DCC busy with a long call is not dropped by keepalive pings', async (t) => {
  // Pings every 300 ms (a reply has that long: the tool in this busy test process must make it) during a call of 10 intervals.
  const hub = await startHub(t, { pingInterval: 300 });
  const slow = (ms: number) => new Promise((resolve) => setTimeout(() => resolve('done'), ms));
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token, functions: { slow: () => slow(3000) } });
  t.teardown(() => dcc.peer.close());
  // The fake DCC answers pings even while busy; make it deaf to them to model Harmony's single thread.
  const serve = dcc.peer.onRequest!;
  dcc.peer.onRequest = (msg, peer) => (msg.request === 'ping' ? new Promise(() => {}) : serve(msg, peer));
  const c = await tool(t, hub);
  t.is(await c.call('fakedcc', 'slow', null, { timeout: PATIENCE_MS }), 'done');
  t.false(dcc.peer.closed);
});
