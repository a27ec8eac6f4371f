import test from 'ava';
import type { ContainerRecord, InstanceRecord } from '../adapters/harmony/pipeline-types.ts';
import type { PublishReport } from '../kit/publish/index.ts';
import { pipelineRig, type PipelineRig } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

async function publish(rig: PipelineRig): Promise<PublishReport> {
  const { runId } = await rig.tool<{ runId: string }>('publish.run', { repair: true });
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.runId === runId && e.type === 'end'), PATIENCE_MS * 2, 'the publish to end');
  return (await rig.tool<{ report: PublishReport }>('publish.report', { runId })).report;
}

const sessionOf = async (rig: PipelineRig) => (await rig.client.sessions())[0]!.id;

/** The nodes Harmony counts inside a backdrop (what a template export takes). */
async function inside(rig: PipelineRig, title: string): Promise<string[]> {
  return rig.client.call(await sessionOf(rig), '(function (t) { var all = Backdrop.backdrops("Top"); for (var i = 0; i < all.length; i++) if (String(all[i].title.text) === t) return Backdrop.nodes(all[i]); return null; })', title) as Promise<string[]>;
}

test('the template creator with nothing selected makes an EMPTY backdrop clear of every node (never the default scene\'s Composite and Write); later nodes stay out of it', async (t) => {
  const rig = await pipelineRig(t);
  const tpl = await rig.tool<InstanceRecord>('create.run', { creator: 'template', variant: 'Rig' });
  t.deepEqual(await inside(rig, 'templateRig'), []);
  t.like(tpl, { key: 'backdrop:templateRig', attributes: { backdrop: 'empty' } });
  // A render instance's WRITE lands beside the composite: still nothing inside the template.
  await rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { review: false } });
  t.deepEqual(await inside(rig, 'templateRig'), []);
  // --no-selection is the same even when nodes are selected.
  await rig.client.call(await sessionOf(rig), '(function () { selection.addNodesToSelection(["Top/Composite", "Top/Write"]); return true; })');
  await rig.tool('create.run', { creator: 'template', variant: 'Other', useSelection: false });
  t.deepEqual(await inside(rig, 'templateOther'), []);
});

test('a template made around the selected nodes publishes just them; an update of its container never grows beyond the nodes the template holds', async (t) => {
  const rig = await pipelineRig(t);
  const session = await sessionOf(rig);
  await rig.client.call(session, '(function () { node.add("Top", "rigPeg", "PEG", 600, 0, 0); node.add("Top", "rigComp", "COMPOSITE", 700, 60, 0); selection.clearSelection(); selection.addNodesToSelection(["Top/rigPeg", "Top/rigComp"]); return true; })');
  const tpl = await rig.tool<InstanceRecord>('create.run', { creator: 'template', variant: 'Rig' });
  t.deepEqual((await inside(rig, 'templateRig')).sort(), ['Top/rigComp', 'Top/rigPeg']);
  t.like(tpl.attributes, { backdrop: 'around 2 selected node(s)' });
  await rig.client.call(session, '(function () { selection.clearSelection(); return true; })');
  const v1 = await publish(rig);
  t.true(v1.success, JSON.stringify(v1.results.filter((r) => !r.success)));

  const container = await rig.tool<ContainerRecord>('load.run', { product: 'shots/sh010/templateRig' });
  t.is(container.nodes.length, 2, container.nodes.join(', '));
  // The artist works on: new nodes near the origin (where a template used to land) and a render instance.
  await rig.client.call(session, '(function () { node.add("Top", "extraComp", "COMPOSITE", 50, 50, 0); return true; })');
  await rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { review: false } });
  await rig.tool('create.update', { key: 'Top/renderMain', active: false });
  const v2 = await publish(rig);
  t.true(v2.success, JSON.stringify(v2.results.filter((r) => !r.success)));
  const updated = await rig.tool<{ updated: { id: string; to: number }[]; failed: unknown[] }>('inventory.update', { all: true });
  t.deepEqual(updated.failed, []);
  t.deepEqual(updated.updated.map((u) => u.to), [2]);
  const after = (await rig.tool<ContainerRecord[]>('inventory.list')).find((c) => c.id === container.id)!;
  t.is(after.nodes.length, 2, `the container holds ${after.nodes.join(', ')}`);
});
