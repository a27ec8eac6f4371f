import test from 'ava';
import { SessionRegistry, byIdPrefix, stableSessionId } from '../kit/hub/sessions.ts';
import { hubPaths, readRuntime } from '../kit/hub/runtime.ts';
import { isProcessAlive } from '../kit/hub/runtime.ts';
import { sandbox } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';
import type { RpcPeer } from '../kit/protocol/peer.ts';

/** The registry only needs a peer it can watch for 'close'. */
function fakePeer(): RpcPeer {
  return { closed: false, once() {}, close() {} } as unknown as RpcPeer;
}

test('a session id is taken by a unique prefix (4 characters at least); an ambiguous prefix names the candidates', (t) => {
  const reg = new SessionRegistry();
  const a = reg.attach(fakePeer(), { dcc: 'harmony', pid: process.pid, instance: 'one', version: null, scene: null }).session;
  const b = reg.attach(fakePeer(), { dcc: 'harmony', pid: process.pid, instance: 'two', version: null, scene: null }).session;
  t.not(a.id, b.id);
  t.is(reg.resolve(a.id.slice(0, 8)), a);
  t.is(reg.resolve(b.id.slice(0, 6)), b);
  t.is(reg.resolve(a.id.slice(0, 3)), undefined, 'too short: not a prefix');
  t.is(reg.resolve('zzzz'), undefined);
  const twins = [{ id: 'abcd1234', dcc: 'harmony' }, { id: 'abcd5678', dcc: 'houdini' }];
  t.throws(() => byIdPrefix(twins, 'abcd'), { message: 'session "abcd" is ambiguous: it starts abcd1234 (harmony), abcd5678 (houdini); give more characters' });
  t.is(byIdPrefix(twins, 'abcd5'), twins[1]);
});

test('session ids are derived from the DCC instance (or pid), so a new hub gives a reconnecting DCC the same id', (t) => {
  t.is(stableSessionId('harmony', 'hk3j', 10), stableSessionId('harmony', 'hk3j', 99));
  t.not(stableSessionId('harmony', 'hk3j', 10), stableSessionId('harmony', 'other', 10));
  t.is(stableSessionId('houdini', null, 42), stableSessionId('houdini', null, 42));
  t.not(stableSessionId('houdini', null, 42), stableSessionId('harmony', null, 42));
  t.regex(stableSessionId('houdini', null, 42), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  t.not(stableSessionId('tool', null, null), stableSessionId('tool', null, null));
  const first = new SessionRegistry().attach(fakePeer(), { dcc: 'harmony', pid: 7, instance: 'k', version: null, scene: null }).session;
  const again = new SessionRegistry().attach(fakePeer(), { dcc: 'harmony', pid: 7, instance: 'k', version: null, scene: null }).session;
  t.is(again.id, first.id);
});

test('from the shell: call and --session take an id prefix; a Harmony keeps its session id when the hub is restarted', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const launched = await sb.json<{ pid: number; session: { id: string } }>(['launch', 'harmony', '--simulate', '--json']);
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  const id = launched.session.id;
  const called = await sb.run(['call', id.slice(0, 6), 'node.subNodes', '"Top"']);
  t.is(called.code, 0, called.stderr);
  t.regex(called.stdout, /Top\/Composite/);

  const home = sb.env.DCC_KIT_HOME!;
  const hubPid = (await readRuntime(hubPaths(home)))!.pid;
  process.kill(hubPid, 'SIGKILL');
  while (isProcessAlive(hubPid)) await new Promise((r) => setTimeout(r, 10));
  t.is((await sb.run(['hub', 'start'])).code, 0);
  const deadline = Date.now() + PATIENCE_MS;
  let ids: string[] = [];
  while (Date.now() < deadline) {
    ids = (await sb.sessions()).filter((s) => s.dcc === 'harmony').map((s) => s.id);
    if (ids.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.deepEqual(ids, [id], 'the reconnected Harmony has the id it had');
});
