/**
 * Issue 21 item 14: names a peer chooses ("__proto__", "constructor", "toString"...) never reach inherited
 * properties: DCC requests, tool endpoints, adapter names, CLI commands, and the Harmony scene's pipeline data
 * are looked up by own property only.
 */
import test from 'ava';
import { connectHub } from '../kit/hub/client.ts';
import { connectFakeDcc } from './support/fake-dcc.ts';
import { startHub } from './support/harmony.ts';
import { sandbox } from './support/cli.ts';
import { pipelineRig } from './support/pipeline.ts';

const INHERITED = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'];

test('a DCC or tool naming an inherited property gets "unknown", never Object\'s own functions', async (t) => {
  const hub = await startHub(t);
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token, dcc: 'harmony' });
  t.teardown(() => dcc.peer.close());
  for (const name of INHERITED) {
    await t.throwsAsync(dcc.peer.request(name, { echo: 'me' }), { message: new RegExp(`unknown request "${name}"`) }, `DCC request ${name}`);
  }
  const client = await connectHub({ port: hub.port, token: hub.token });
  t.teardown(() => client.close());
  for (const name of INHERITED) {
    await t.throwsAsync(client.adapter('harmony', name, { echo: 'me' }), { message: new RegExp(`unknown request "harmony/${name}"`) }, `tool endpoint ${name}`);
  }
  for (const name of ['__proto__', 'constructor', 'toString']) {
    await t.throwsAsync(client.adapter(name, 'load.run', {}), { message: new RegExp(`no adapter named "${name}"`) }, `adapter ${name}`);
  }
  // "__proto__" is no DCC name; a DCC calling itself "constructor" has no adapter (not Object's constructor).
  await t.throwsAsync(connectFakeDcc({ port: hub.port, token: hub.token, dcc: '__proto__' }), { message: /a dcc hello must name its dcc/ });
  const odd = await connectFakeDcc({ port: hub.port, token: hub.token, dcc: 'constructor' });
  t.teardown(() => odd.peer.close());
  await t.throwsAsync(odd.peer.request('toString', {}), { message: /unknown request "toString" \(this peer may call: ping, hub\.stats, session\.event\)/ });
});

test('dcc-kit __proto__ and dcc-kit constructor are unknown commands (exit 2)', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  for (const name of ['__proto__', 'constructor']) {
    const r = await sb.run([name]);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, new RegExp(`unknown command "${name}"`));
  }
});

test('Harmony\'s pipeline data refuses "__proto__" keys: the script engine\'s Object.prototype stays clean', async (t) => {
  const rig = await pipelineRig(t);
  const session = (await rig.client.sessions())[0]!.id;
  await t.throwsAsync(rig.call('dcckit.create.update', { key: '__proto__', folder: 'polluted', active: false }), { message: /no instance "__proto__"/ });
  await t.throwsAsync(rig.call('dcckit.pipeline.apply', [{ op: 'setInstance', key: '__proto__', value: { folder: 'polluted' } }]), { message: /"__proto__" cannot name an instance/ });
  t.deepEqual(await rig.call('dcckit.load.update', { updates: [{ id: '__proto__', version: 2 }] }), { updated: [], failed: [{ id: '__proto__', error: 'no container __proto__ in this scene' }] });
  t.deepEqual(await rig.call('dcckit.load.remove', { ids: ['__proto__', 'constructor'] }), { removed: [] });
  t.is(await rig.client.call(session, '(function () { return [({}).folder === undefined, ({}).active === undefined, typeof ({}).nodes].join(","); })'), 'true,true,undefined');
});
