import test from 'ava';
import { sandbox } from './support/cli.ts';
import { ProductStore } from '../kit/store/index.ts';
import { frames, publishFiles } from './support/products.ts';
import { pipelineRig, shotOnDisk } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

test('by the CLI: load a product, list the inventory, update it to the latest version, remove it', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shot, zip, store: root } = await shotOnDisk(sb.dir, {
    shot: 'sh030', workfile: 'sh030_v001',
    projectRc: (store) => `publish:\n  root: ${store}\nweb:\n  enabled: false\n`,
    shotRc: 'context:\n  folder: shots/sh030\n',
  });
  const store = new ProductStore({ root });
  await publishFiles(store, sb.dir, 'shots/sh030', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1001, 1004));
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json'], { cwd: shot });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });

  const loaded = await sb.run(['load', 'plateMain'], { cwd: shot });
  t.is(loaded.code, 0, loaded.stderr);
  t.regex(loaded.stdout, /loaded shots\/sh030\/plateMain v1 \(png\) with imageSequence: Top\/plateMain/);
  const missing = await sb.run(['load', 'plateMain@4'], { cwd: shot });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /has no version 4 \(versions: 1\)/);

  await publishFiles(store, sb.dir, 'shots/sh030', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1001, 1006, 'v2'));
  const inv = await sb.json<{ id: string; status: string; version: number; latest: number }[]>(['inventory', '--json'], { cwd: shot });
  t.like(inv[0], { status: 'outdated', version: 1, latest: 2 });
  const table = await sb.run(['inventory'], { cwd: shot });
  t.regex(table.stdout, new RegExp(`${inv[0]!.id.slice(0, 8)}\\s+shots/sh030/plateMain\\s+imageSequence\\s+v1\\s+v2\\s+outdated`));
  const updated = await sb.run(['inventory', 'update', '--all'], { cwd: shot });
  t.is(updated.code, 0, updated.stderr);
  t.regex(updated.stdout, /v1 -> v2/);
  t.like((await sb.json<{ status: string }[]>(['inventory', '--json'], { cwd: shot }))[0], { status: 'latest' });
  const again = await sb.run(['inventory', 'update', '--all'], { cwd: shot });
  t.regex(again.stdout, /already at the latest version: /);
  const noSuch = await sb.run(['inventory', 'update', 'plateMain', '--version', '9'], { cwd: shot });
  t.is(noSuch.code, 1);
  t.regex(noSuch.stderr, /not updated: shots\/sh030\/plateMain v2: .*has no version 9 \(versions: 1, 2\)/);
  for (const args of [['inventory', 'update'], ['inventory', 'frobnicate'], ['load'], ['inventory', 'update', 'plateMain', '--version', 'x']]) {
    const r = await sb.run(args, { cwd: shot });
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
  const removed = await sb.run(['inventory', 'remove', 'plateMain'], { cwd: shot });
  t.is(removed.code, 0, removed.stderr);
  t.deepEqual(await sb.json(['inventory', '--json'], { cwd: shot }), []);
  const nodes = await sb.run(['call', 'harmony', 'node.subNodes', '"Top"']);
  t.deepEqual(JSON.parse(nodes.stdout), ['Top/Composite', 'Top/Display', 'Top/Write']);
});

test('by the menu: Load... lists what can be loaded; Manage... updates the outdated containers and says so', async (t) => {
  const rig = await pipelineRig(t);
  await publishFiles(rig.store, rig.dir, 'shots/sh010', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 3));
  let before = rig.sim.messages.length;
  t.true(rig.sim.triggerMenu('Load...'));
  await until(() => rig.sim.messages.length > before, PATIENCE_MS, 'the Load... message');
  t.regex(rig.sim.messages.at(-1)!.text, /shots\/sh010\/plateMain \(plate\) v1[\s\S]*dcc-kit load/);
  await rig.tool('load.run', { product: 'plateMain' });
  await publishFiles(rig.store, rig.dir, 'shots/sh010', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 3, 'v2'));
  before = rig.sim.messages.length;
  t.true(rig.sim.triggerMenu('Manage...'));
  await until(() => rig.sim.messages.length > before, PATIENCE_MS, 'the Manage... message');
  t.regex(rig.sim.messages.at(-1)!.text, /1 container\(s\), 1 were outdated\.\nupdated: shots\/sh010\/plateMain v1 -> v2/);
});
