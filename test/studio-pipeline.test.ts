import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import type { PublishReport } from '../kit/publish/index.ts';
import type { PluginEntry } from '../kit/plugins/index.ts';
import type { ContainerRecord, CreatorInfo, InventoryItem, LoaderInfo } from '../adapters/harmony/pipeline-types.ts';
import { pipelineRig, type PipelineRig } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { copyStudioExample } from './support/studio.ts';
import { PATIENCE_MS } from './support/patience.ts';

async function publish(rig: PipelineRig, args: Record<string, unknown> = {}): Promise<PublishReport> {
  const { runId } = await rig.tool<{ runId: string }>('publish.run', { repair: true, ...args });
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.runId === runId && e.type === 'end'), PATIENCE_MS * 2, 'the publish to end');
  return (await rig.tool<{ report: PublishReport }>('publish.report', { runId })).report;
}

const studioRig = (t: Parameters<typeof pipelineRig>[0]) => pipelineRig(t, { prepareDir: copyStudioExample });

test('the example studio creator, extractor and loader work end to end on the simulator and show in every listing', async (t) => {
  const rig = await studioRig(t);
  const creators = await rig.tool<CreatorInfo[]>('create.creators', {});
  const layout = creators.find((c) => c.name === 'layout');
  t.like(layout, { label: 'Layout peg', productType: 'layout', builtIn: false });
  t.true(layout!.source!.endsWith(path.join('creators', 'layout.ts')));
  t.true(creators.find((c) => c.name === 'render')!.builtIn);
  const plugins = await rig.tool<PluginEntry[]>('publish.plugins', {});
  t.like(plugins.find((p) => p.label === 'Validate No Temp Nodes'), { builtIn: false, stage: 'validate', state: 'active' });
  t.like(plugins.find((p) => p.label === 'Extract Layout'), { builtIn: false, stage: 'extract', families: ['layout'] });
  const loaders = await rig.tool<LoaderInfo[]>('load.loaders', {});
  t.like(loaders.find((l) => l.name === 'layout'), { builtIn: false, productTypes: ['layout'] });

  const rec = await rig.tool<{ key: string; productName: string; node: string }>('create.run', { creator: 'layout', variant: 'Main', attributes: { scale: '2' } });
  t.like(rec, { key: 'Top/layoutMain', productName: 'layoutMain', node: 'Top/layoutMain' });
  t.is(rig.sim.scene!.state.nodes.get('Top/layoutMain')!.type, 'PEG');

  const report = await publish(rig);
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  t.like(report.results.find((r) => r.plugin === 'Validate No Temp Nodes'), { success: true });
  t.like(report.results.find((r) => r.plugin === 'Extract Layout'), { success: true, instance: 'layoutMain' });
  const v1 = await rig.store.latest('shots/sh010', 'layoutMain');
  t.is(v1!.version, 1);
  const published = JSON.parse(fs.readFileSync(path.join(v1!.path, 'layoutMain.json'), 'utf8')) as Record<string, number>;
  t.like(published, { scaleX: 2, scaleY: 2 });

  const container = await rig.tool<ContainerRecord>('load.run', { product: 'shots/sh010/layoutMain' });
  t.is(container.loader, 'layout');
  const loadedPeg = container.nodes[0]!;
  t.is(rig.sim.scene!.state.nodes.get(loadedPeg)!.type, 'PEG');
  t.not(loadedPeg, 'Top/layoutMain', 'a node of its own beside the instance');
  const attr = (n: string, a: string) => rig.call<string>('studio.layout.describe', { node: n }).then((v) => (v as unknown as Record<string, number>)[a]);
  t.is(await attr(loadedPeg, 'scaleX'), 2);

  // A second version (scale 1) and an update of the container to it, by the studio loader's Harmony half.
  await rig.client.call((await rig.client.sessions())[0]!.id, '(function (a) { node.setTextAttr(a, "SCALE.X", 1, "1"); return true; })', 'Top/layoutMain');
  t.true((await publish(rig)).success);
  const items = await rig.tool<InventoryItem[]>('inventory.list', {});
  t.like(items.find((i) => i.id === container.id), { loader: 'layout', version: 1, latest: 2, status: 'outdated' });
  const updated = await rig.tool<{ updated: { id: string; to: number }[]; failed: unknown[] }>('inventory.update', { all: true });
  t.deepEqual(updated.failed, []);
  t.deepEqual(updated.updated.map((u) => u.to), [2]);
  t.is(await attr(loadedPeg, 'scaleX'), 1);
  t.deepEqual((await rig.tool<{ removed: string[] }>('inventory.remove', { ids: [container.id] })).removed, [container.id]);
  t.false(rig.sim.scene!.state.nodes.has(loadedPeg));
});

test('a studio validator stops a publish with its own message, named in the report; with good input it passes', async (t) => {
  const rig = await studioRig(t);
  const session = (await rig.client.sessions())[0]!.id;
  await rig.client.call(session, '(function () { return node.add("Top", "TMP_scratch", "PEG", 0, 0, 0); })');
  const failed = await publish(rig);
  t.false(failed.success);
  t.is(failed.stoppedAt, 'validate');
  const result = failed.results.find((r) => r.plugin === 'Validate No Temp Nodes')!;
  t.false(result.success);
  t.regex(result.error!.message, /studio rule: temporary nodes must not be published: Top\/TMP_scratch/);
  t.regex(result.error!.hint!, /Delete the TMP_ nodes/);
  t.deepEqual(failed.published, []);
  t.is(await rig.store.latest('shots/sh010', 'workfileAnim'), null);

  await rig.client.call(session, '(function () { node.deleteNode("Top/TMP_scratch", true, true); return true; })');
  const passed = await publish(rig);
  t.true(passed.success);
  t.like(passed.results.find((r) => r.plugin === 'Validate No Temp Nodes'), { success: true });
  t.is((await rig.store.latest('shots/sh010', 'workfileAnim'))!.version, 1);
});

test('the Harmony menu without the page: Create... names the studio creator, Load... the studio loader', async (t) => {
  const rig = await studioRig(t);
  const before = rig.sim.messages.length;
  t.true(rig.sim.triggerMenu('Create...'));
  await until(() => rig.sim.messages.length > before, PATIENCE_MS, 'the Create... message');
  t.regex(rig.sim.messages.at(-1)!.text, /dcc-kit create render\|template\|layout <variant>\ncreators: render \(Render\), template \(Template\), layout \(Layout peg, studio\)/);
  const next = rig.sim.messages.length;
  t.true(rig.sim.triggerMenu('Load...'));
  await until(() => rig.sim.messages.length > next, PATIENCE_MS, 'the Load... message');
  t.regex(rig.sim.messages.at(-1)!.text, /loaders: layout \(layout; studio\), imageSequence \(render, plate/);
});

test('in the hub: a studio plugin that hangs is cut at publish.pluginTimeout and one that throws fails its own result; both are named, the hub goes on', async (t) => {
  const rig = await pipelineRig(t, {
    prepareDir: (dir) => {
      fs.mkdirSync(path.join(dir, 'studio'));
      fs.writeFileSync(path.join(dir, 'studio', 'hangs.mjs'), 'export default { label: "Validate Hangs", order: 1.36, process() { return new Promise(() => {}); } };\n');
      fs.writeFileSync(path.join(dir, 'studio', 'throws.mjs'), 'export default { label: "Validate Throws", order: 1.37, process() { throw new RangeError("studio bug"); } };\n');
      fs.writeFileSync(path.join(dir, '.dcckitrc'), 'publish:\n  plugins: [./studio]\n  pluginTimeout: 5000\n');
    },
  });
  const report = await publish(rig);
  t.false(report.success);
  t.is(report.stoppedAt, 'validate');
  t.like(report.results.find((r) => r.plugin === 'Validate Hangs')!.error, { name: 'PluginTimeoutError', message: 'Validate Hangs did not finish within 5 s (publish.pluginTimeout); the publish went on without it' });
  t.like(report.results.find((r) => r.plugin === 'Validate Throws')!.error, { name: 'RangeError', message: 'studio bug' });
  t.true(report.results.some((r) => r.plugin === 'Validate Audio' && r.success), 'the other validators ran');
  // The hub still answers, and the next publish runs.
  t.is((await rig.tool<unknown[]>('create.creators', {})).length, 3);
  t.false((await publish(rig, { dryRun: true })).success);
});

test('a studio creator added while Harmony runs: its Harmony half is injected on first use; without one the error says where it goes', async (t) => {
  let late = '';
  const rig = await pipelineRig(t, {
    prepareDir: (dir) => {
      late = path.join(dir, 'late');
      fs.mkdirSync(late);
      fs.writeFileSync(path.join(dir, '.dcckitrc'), 'harmony:\n  creators: [./late]\n');
    },
  });
  fs.writeFileSync(path.join(late, 'note.mjs'), `export default { name: 'note', label: 'Note', family: 'note', harmonyScript: ${JSON.stringify(
    "dcckitPipeline.registerCreator('note', { create: function (args) { var p = node.add('Top', args.record.productName, 'PEG', 0, 0, 0); args.record.key = p; args.record.node = p; return args.record; } });")} };\n`);
  fs.writeFileSync(path.join(late, 'bare.mjs'), "export default { name: 'bare', label: 'Bare', family: 'bare' };\n");
  const rec = await rig.tool<{ key: string }>('create.run', { creator: 'note', variant: 'A' });
  t.is(rec.key, 'Top/noteA');
  t.is(rig.sim.scene!.state.nodes.get('Top/noteA')!.type, 'PEG');
  await t.throwsAsync(rig.tool('create.run', { creator: 'bare', variant: 'A' }), { message: /no creator "bare" is registered in this Harmony .*its Harmony script goes in harmony\.scripts or the record's harmonyScript/ });
});
