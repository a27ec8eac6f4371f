/**
 * The hub in AYON compatibility mode (harmony.compat: ayon) driving an unmodified AYON-style Harmony
 * client: test/fixtures/ayon-harmony/TB_sceneOpened.js, run for real by the Harmony simulator.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdapterRegistry, type Adapter, type Endpoint } from '../kit/adapter.ts';
import { connectHub, type HubClient } from '../kit/hub/client.ts';
import type { Hub } from '../kit/hub/server.ts';
import type { Logger } from '../kit/hub/log.ts';
import { RemoteError } from '../kit/protocol/errors.ts';
import type { HarmonySimulator, SimulatorOptions } from '../adapters/harmony/simulator/engine.ts';
import { assertES5 } from '../adapters/harmony/session.ts';
import { startHub, startSim, tempDir, until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/ayon-harmony/', import.meta.url));
const COMPAT = { harmony: { compat: 'ayon' } };

const kitHome = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-ayon-home-'));
process.env.DCC_KIT_HOME = kitHome;
test.after.always(() => fs.rmSync(kitHome, { recursive: true, force: true }));

type T = { teardown(fn: () => unknown): void };

interface AyonRig {
  hub: Hub;
  sim: HarmonySimulator;
  /** Every line the hub logged, as "<level> <message>". */
  hubLog: string[];
  /** Every chunk of bytes the AYON client's socket received, in order. */
  incoming: Buffer[];
}

function captureLog(lines: string[]): Logger {
  return {
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

/** A hub (real harmony adapter, or `adapters` given) and a simulated Harmony running the AYON fixture on a new scene. */
async function ayonRig(t: T, opts: { config?: unknown; adapters?: AdapterRegistry; sim?: SimulatorOptions } = {}): Promise<AyonRig> {
  const dir = tempDir(t, 'dcckit-ayon-');
  const hubLog: string[] = [];
  // startHub spreads its options over its own registry, so an `adapters: undefined` key must not be passed.
  const hub = await startHub(t, { config: opts.config, log: captureLog(hubLog), callTimeout: PATIENCE_MS, ...(opts.adapters ? { adapters: opts.adapters } : {}) });
  const incoming: Buffer[] = [];
  const env = {
    HOME: path.join(dir, 'home'),
    TOONBOOM_GLOBAL_SCRIPT_LOCATION: FIXTURE_DIR,
    AYON_HARMONY_PORT: String(hub.port),
    AYON_MENU_LABEL: 'AYON',
  };
  const sim = startSim(t, env, { ...opts.sim, faults: { ...opts.sim?.faults, onIncoming: (b) => incoming.push(Buffer.from(b)) } }, dir);
  sim.open(null);
  return { hub, sim, hubLog, incoming };
}

async function tool(t: T, hub: Hub): Promise<HubClient> {
  const c = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS, callTimeout: PATIENCE_MS });
  t.teardown(() => c.close());
  return c;
}

/** The frames the client received, split by their 6-byte binary headers (what the hub writes). */
function receivedFrames(chunks: Buffer[]): { header: Buffer; payload: Buffer }[] {
  const all = Buffer.concat(chunks);
  const out: { header: Buffer; payload: Buffer }[] = [];
  let pos = 0;
  while (pos + 6 <= all.length) {
    if (all[pos] !== 0x41 || all[pos + 1] !== 0x48) throw new Error(`no AH magic at byte ${pos}`);
    const length = all.readUInt32BE(pos + 2);
    if (pos + 6 + length > all.length) break;
    out.push({ header: all.subarray(pos, pos + 6), payload: all.subarray(pos + 6, pos + 6 + length) });
    pos += 6 + length;
  }
  return out;
}

function receivedMessages(chunks: Buffer[]): Record<string, unknown>[] {
  return receivedFrames(chunks).map((f) => JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>);
}

test('the fixture client is ES5, as Harmony needs', (t) => {
  for (const file of ['TB_sceneOpened.js', 'TB_sceneCreated.js']) {
    t.notThrows(() => assertES5(fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8'), file));
  }
});

test('the AYON emit_event counts as hello and a tool drives the session with the same API', async (t) => {
  const { hub, hubLog } = await ayonRig(t, { config: COMPAT });
  const c = await tool(t, hub);
  const handle = await c.session('harmony', { wait: PATIENCE_MS });
  t.is(handle.info.dcc, 'harmony');
  t.truthy(handle.info.compat, 'the session is marked as a compatibility session');
  t.is(handle.info.pid, null);
  t.true(hubLog.some((l) => /^warn .*accepted an unauthenticated legacy harmony client/.test(l)));

  const top = await c.call('harmony', 'node.subNodes', ['Top']) as string[];
  t.true(Array.isArray(top) && top.length > 0);
  t.true(top.every((p) => p.startsWith('Top/')));
  t.deepEqual(await c.call('harmony', 'node.subNodes', 'Top'), top);
  t.deepEqual(await handle.call('node.subNodes', ['Top']), top);

  t.is(await c.script('harmony', 'var ayonFixtureCounter = 41;'), null);
  t.is(await c.call('harmony', '(function () { ayonFixtureCounter += 1; return ayonFixtureCounter; })'), 42);

  // AYON's inline style: declarations, then the bare name of the function to call with ONE argument.
  const inline = 'function f_0b1c_sum(args) {\n  return { sum: args.a + args.b, self: this === (function () { return this; })() };\n}\nf_0b1c_sum';
  t.deepEqual(await c.call('harmony', inline, { a: 2, b: 3 }), { sum: 5, self: true });
  t.is(await c.call('harmony', '(function (x) { return arguments.length + ":" + typeof x; })'), '0:undefined');
  t.is(await c.call('harmony', '(function (x) { return arguments.length + ":" + x.length; })', [1, 2, 3]), '1:3');
});

test('an error thrown in Harmony rejects the call with Harmony\'s error, not an in-band string', async (t) => {
  const { hub, sim } = await ayonRig(t, { config: COMPAT });
  const c = await tool(t, hub);
  await c.session('harmony', { wait: PATIENCE_MS });

  const typed = await t.throwsAsync(c.call('harmony', '(function (p) { throw new TypeError("cannot find node " + p); })', 'Top/Missing'), { instanceOf: RemoteError });
  t.is(typed!.name, 'TypeError');
  t.is(typed!.message, 'cannot find node Top/Missing');
  t.false(typed!.message.includes('Error processing request'));

  const missing = await t.throwsAsync(c.call('harmony', 'noSuchGlobal.method', ['x']), { instanceOf: RemoteError });
  t.is(missing!.name, 'ReferenceError');
  t.is(missing!.message, 'noSuchGlobal is not defined');

  const plain = await t.throwsAsync(c.call('harmony', '(function () { throw "plain text"; })'), { instanceOf: RemoteError });
  t.is(plain!.name, 'HarmonyError');
  t.is(plain!.message, 'plain text');

  const multiline = await t.throwsAsync(c.call('harmony', '(function () { throw new Error("first\\nError:\\nsecond"); })'), { instanceOf: RemoteError });
  t.is(multiline!.name, 'Error');
  t.is(multiline!.message, 'first\nError:\nsecond');

  // A script's errors are only logged in Harmony (AYON replies null): the call resolves.
  t.is(await c.script('harmony', 'throw new Error("script broke");'), null);
  t.true(sim.logLines.some((l) => l === '(ERROR): Error: script broke'));
  t.is(await c.call('harmony', 'node.subNodes', 'Top').then((r) => Array.isArray(r)), true);
});

test('non-ASCII arguments and results round-trip because the hub sends ASCII-only JSON', async (t) => {
  const { hub, incoming } = await ayonRig(t, { config: COMPAT });
  const c = await tool(t, hub);
  await c.session('harmony', { wait: PATIENCE_MS });
  const text = 'scène — 日本語 ✓ 😀';
  const echo = '(function (a) { return a; })';

  t.is(await c.call('harmony', echo, text), text);
  t.deepEqual(
    await c.call('harmony', '(function (a) { return { got: a.s, units: a.s.length, made: "Gr\\u00fc\\u00dfe " + a.s }; })', { s: text }),
    { got: text, units: text.length, made: `Grüße ${text}` },
  );

  const frames = receivedFrames(incoming);
  t.true(frames.length >= 2);
  for (const f of frames) t.true(f.payload.every((b) => b < 0x80), `non-ASCII byte in ${f.payload.toString('latin1')}`);
  t.true(frames.some((f) => f.payload.includes('sc\\u00e8ne')));

  // The client really cannot read UTF-8 (B4): the same call over raw UTF-8 comes back mangled.
  const peer = hub.sessions.list()[0].peer!;
  peer.ascii = false;
  const mangled = await c.call('harmony', echo, text);
  peer.ascii = true;
  t.not(mangled, text);
  t.is(await c.call('harmony', echo, text), text);
});

test('AYON menu items map to named endpoints; unmapped module/method requests are refused and logged', async (t) => {
  const registry = new AdapterRegistry();
  const real = await registry.get('harmony');
  const served: { name: string; args: unknown; compat?: string; error?: string; done?: boolean }[] = [];
  const spied: Record<string, Endpoint> = {};
  for (const [name, endpoint] of Object.entries(real.endpoints ?? {})) {
    spied[name] = (args, ctx) => {
      const entry: (typeof served)[number] = { name, args, compat: ctx.session?.compat };
      served.push(entry);
      const fail = (err: unknown) => { entry.error = (err as Error).message; entry.done = true; throw err; };
      try {
        const result = endpoint(args, ctx);
        if (result instanceof Promise) return result.then((v) => { entry.done = true; return v; }, fail);
        entry.done = true;
        return result;
      } catch (err) {
        return fail(err);
      }
    };
  }
  registry.register({ ...real, endpoints: spied } satisfies Adapter);
  const { hub, sim, hubLog, incoming } = await ayonRig(t, { config: COMPAT, adapters: registry });
  const c = await tool(t, hub);
  await c.session('harmony', { wait: PATIENCE_MS });

  t.deepEqual(sim.app.scriptMenus(), [{
    title: 'AYON',
    items: ['Create...', 'Load...', 'Publish...', 'Manage...', '-', 'Workfiles...', '-', 'Set Scene Settings...', '-', 'Experimental Tools...'],
  }]);

  // One click at a time, as an artist does: each request is served (never answered: see the stranded-call test).
  const replies = () => receivedMessages(incoming).filter((m) => m.reply === true).length;
  async function click(item: string) {
    const before = served.length;
    t.true(sim.triggerMenu(item), item);
    await until(() => served.length > before && served.every((s) => s.done), PATIENCE_MS, `the hub serving ${item}`);
  }

  await click('Load...');
  t.is(served.length, 1);
  t.like(served[0], { name: 'harmony.menu.load', args: undefined });
  t.truthy(served[0].compat, 'the endpoint sees a compatibility session');
  t.is(replies(), 0, 'the hub answers none of the AYON client\'s requests');
  t.deepEqual(sim.messages, []);
  t.deepEqual(await c.call('harmony', '(function (a) { return a.length; })', ['x', 'y']), 2);

  for (const item of ['Create...', 'Publish...', 'Manage...', 'Workfiles...', 'Set Scene Settings...']) await click(item);
  t.deepEqual(served.map((s) => s.name), [
    'harmony.menu.load', 'harmony.menu.create', 'harmony.menu.publish', 'harmony.menu.manage', 'harmony.menu.workfiles', 'harmony.menu.sceneSettings',
  ]);

  t.true(sim.triggerMenu('Experimental Tools...'));
  await until(() => hubLog.some((l) => l === 'warn harmony ?: refused legacy request module "ayon_harmony.api.lib" method "show"'), PATIENCE_MS, 'the refusal');
  t.is(served.length, 6, 'an unmapped tool reaches no endpoint');

  // Harmony naming any module and method it likes is exactly what compatibility mode must not honour.
  sim.evaluate('QCoreApplication.instance().ayonClient.send({ module: "subprocess", method: "call", args: [["rm", "-rf", "/"]] })');
  await until(() => hubLog.some((l) => l === 'warn harmony ?: refused legacy request module "subprocess" method "call"'), PATIENCE_MS, 'the refusal');
  t.is(replies(), 0);
  t.is(served.length, 6);
  t.is(hub.sessions.list().length, 1, 'the session survives refusals');
  t.is(await c.call('harmony', 'node.subNodes', 'Top').then((r) => Array.isArray(r)), true);
});

test('with compat off (the default) the AYON client is refused at its first frame and no session appears', async (t) => {
  const { hub, sim, hubLog } = await ayonRig(t);
  await until(() => hubLog.some((l) => l.includes('refused: first frame must be a hello request')), PATIENCE_MS, 'the refusal');
  t.true(hubLog.some((l) => l.includes('(got module "ayon_core.lib" method "emit_event")')));
  await until(() => sim.evaluate('QCoreApplication.instance().ayonClient.socket.state()') === 0, PATIENCE_MS, 'the client socket to close');
  const c = await tool(t, hub);
  t.deepEqual(await c.sessions(), []);
  t.is(hub.sessions.list().length, 0);
  await t.throwsAsync(c.call('harmony', 'node.subNodes', 'Top'), { message: /no session "harmony"/ });
});

test('any other compat value, or a config without it, keeps compatibility off', async (t) => {
  const { hub, hubLog } = await ayonRig(t, { config: { harmony: { compat: 'none' } } });
  await until(() => hubLog.some((l) => l.includes('refused: first frame must be a hello request')), PATIENCE_MS, 'the refusal');
  t.is(hub.sessions.list().length, 0);
});

test('many sequential calls of varying sizes, including frames split across reads, all complete', async (t) => {
  const { hub, sim } = await ayonRig(t, { config: COMPAT, sim: { faults: { splitIncoming: 16 * 1024 } } });
  const c = await tool(t, hub);
  await c.session('harmony', { wait: PATIENCE_MS });
  const echo = '(function (a) { return a; })';
  const sizes = [1, 5000, 3, 200_000, 10, 70_000, 0, 1, 12_345, 2];
  for (let round = 0; round < 3; round++) {
    for (const n of sizes) {
      const value = 'é'.repeat(n % 7) + 'x'.repeat(n);
      t.is(await c.call('harmony', echo, value), value);
    }
    t.is((await c.call('harmony', 'node.subNodes', 'Top') as string[]).length > 0, true);
    t.is(await c.script('harmony', `var ayonRound = ${round};`), null);
  }
  t.is(await c.call('harmony', '(function () { return ayonRound; })'), 2);
  t.true(sim.logLines.some((l) => /^\(DEBUG\): waiting for \d+ more bytes$/.test(l)), 'a frame arrived in pieces');
});

// AYON's reader continues to a second buffered frame only when it is longer than the first (B1); the hub
// therefore sends legacy sessions one call at a time, as AYON's own server does.
test('concurrent calls into an AYON session all complete', async (t) => {
  const { hub } = await ayonRig(t, { config: COMPAT });
  const c = await tool(t, hub);
  await c.session('harmony', { wait: PATIENCE_MS });
  const echo = '(function (a) { return a; })';
  // A call stuck behind the other (B1) never completes: the calls wait for their answers, not for a time.
  const results = await Promise.all([c.call('harmony', echo, 'x'.repeat(100), { timeout: PATIENCE_MS }), c.call('harmony', echo, 'y', { timeout: PATIENCE_MS })]);
  t.deepEqual(results, ['x'.repeat(100), 'y']);
});
