import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord, InventoryItem } from '../adapters/harmony/pipeline-types.ts';
import type { PublishReport } from '../kit/publish/index.ts';
import { pipelineRig } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

test('what the publisher makes loads back: a rendered sequence, a template, a palette and a workfile', async (t) => {
  const rig = await pipelineRig(t, {
    prepare: (scene) => {
      const plt = path.join(scene.projectDir, 'palette-library', 'charA.plt');
      fs.mkdirSync(path.dirname(plt), { recursive: true });
      fs.writeFileSync(plt, 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0000000000000001 0 0 0 255\n');
    },
  });
  const session = (await rig.client.sessions())[0]!.id;
  await rig.client.call(session, 'PaletteObjectManager.getScenePaletteList().addPalette', `${rig.copy}/palette-library/charA`);
  await rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { review: false } });
  await rig.client.call(session, '(function () { var n = node.add("Top", "rigPeg", "PEG", 500, 0, 0); selection.clearSelection(); var bd = { position: { x: 450, y: -60, w: 200, h: 150 }, title: { text: "Rig" } }; Backdrop.addBackdrop("Top", bd); selection.addBackdropToSelection(Backdrop.backdrops("Top")[0]); return n; })');
  await rig.tool('create.run', { creator: 'template', variant: 'Rig' });
  const { runId } = await rig.tool<{ runId: string }>('publish.run', { repair: true });
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.runId === runId && e.type === 'end'), PATIENCE_MS * 2, 'the publish to end');
  const report = (await rig.tool<{ report: PublishReport }>('publish.report', { runId })).report;
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  const products = report.published.map((p) => p.product).sort();
  t.deepEqual(products, ['shots/sh010/paletteCharA', 'shots/sh010/renderMain', 'shots/sh010/templateRig', 'shots/sh010/workfileAnim']);

  const shape = () => {
    const st = rig.sim.scene!.state;
    return { nodes: [...st.nodes.keys()].sort(), links: st.links.map((l) => `${l.src}:${l.srcPort}->${l.dst}:${l.dstPort}`).sort(), columns: [...st.columns.keys()].sort(),
      backdrops: (st.backdrops.get('Top') ?? []).map((b) => b.title.text).sort(), palettes: st.palettes.map((p) => p.file), elements: [...st.elements.values()].map((e) => e.folder).sort() };
  };
  const before = shape();
  const loaded: ContainerRecord[] = [];
  for (const product of products) loaded.push(await rig.tool<ContainerRecord>('load.run', { product }));
  t.deepEqual(loaded.map((c) => c.loader), ['palette', 'imageSequence', 'template', 'workfile']);
  const [palette, render, template, workfile] = loaded as [ContainerRecord, ContainerRecord, ContainerRecord, ContainerRecord];
  t.regex(palette.nodes[0]!, /paletteCharA\/v001\/.*\.plt$/);
  t.like(render.data, { frames: 12, hold: false });
  const frames = await rig.client.call(session, '(function (r) { var c = node.linkedColumn(r, "DRAWING.ELEMENT"); return [column.getEntry(c, 1, 1), column.getEntry(c, 1, 12), column.getEntry(c, 1, 13)]; })', render.nodes[0]);
  t.deepEqual(frames, ['1001', '1012', '']);
  t.true(template.nodes.some((n) => /^Top\/rigPeg_\d+$/.test(n)), template.nodes.join(', '));
  t.is(template.backdrop, 'templateRig_2', 'the template brought its own backdrop titled templateRig');
  t.true(workfile.nodes.some((n) => /^Top\/renderMain_\d+$/.test(n)), workfile.nodes.join(', '));
  const items = await rig.tool<InventoryItem[]>('inventory.list');
  t.deepEqual(items.map((i) => i.status), ['latest', 'latest', 'latest', 'latest']);
  const removed = await rig.tool<{ removed: string[] }>('inventory.remove', { ids: loaded.map((c) => c.id) });
  t.is(removed.removed.length, 4);
  t.deepEqual(shape(), before, 'the scene is back to what it was before the loads');
});
