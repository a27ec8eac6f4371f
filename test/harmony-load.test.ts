import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord, InventoryItem, PipelineData } from '../adapters/harmony/pipeline-types.ts';
import { pipelineRig, sceneShape, type PipelineRig } from './support/pipeline.ts';
import { PNG_1PX, frames, publishFiles, templateZip, workfileZip } from './support/products.ts';

const F = 'shots/sh010';


test('each of the six loaders loads a product in one call and records a container; save and reopen keeps them', async (t) => {
  const rig = await pipelineRig(t);
  const { store, dir } = rig;
  await publishFiles(store, dir, F, 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1001, 1012));
  await publishFiles(store, dir, F, 'bgForest', 'background', { name: 'json', ext: 'json' }, {
    'bgForest.json': JSON.stringify({ children: [{ filename: 'layers/sky.png' }, { children: [{ filename: 'layers/trees.png' }] }] }),
    'layers/sky.png': PNG_1PX, 'layers/trees.png': PNG_1PX,
  });
  await publishFiles(store, dir, F, 'audioMain', 'audio', { name: 'wav', ext: 'wav' }, { 'audioMain.wav': Buffer.alloc(64, 1) });
  await publishFiles(store, dir, F, 'paletteChar', 'palette', { name: 'plt', ext: 'plt' }, { 'paletteChar.plt': 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0000000000000001 0 0 0 255\n' });
  await publishFiles(store, dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': await templateZip(dir, 'templateRig') });
  await publishFiles(store, dir, 'assets/bob', 'workfileRig', 'workfile', { name: 'zip', ext: 'zip' }, { 'workfileRig.zip': await workfileZip(dir, 'bobrig') });

  const loaded: ContainerRecord[] = [];
  for (const product of ['plateMain', 'bgForest', 'audioMain', 'paletteChar', 'templateRig', 'assets/bob/workfileRig']) {
    loaded.push(await rig.tool<ContainerRecord>('load.run', { product, ...(product === 'paletteChar' ? { mode: 'import' } : {}) }));
  }
  t.deepEqual(loaded.map((c) => c.loader), ['imageSequence', 'background', 'audio', 'palette', 'template', 'workfile']);
  const scene = rig.sim.scene!;
  // image sequence: element + column + READ; one drawing per frame on its frame
  const read = loaded[0]!.nodes[0]!;
  t.is(scene.state.nodes.get(read)?.type, 'READ');
  const timing = await rig.client.call((await rig.client.sessions())[0]!.id, '(function (r) { var c = node.linkedColumn(r, "DRAWING.ELEMENT"); var out = []; for (var f = 1; f <= 13; f++) out.push(column.getEntry(c, 1, f)); return out; })', read);
  t.deepEqual(timing, ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '1009', '1010', '1011', '1012', '']);
  t.truthy(scene.state.nodes.get(read)!.color);
  // background: one READ per layer under a backdrop
  t.deepEqual(loaded[1]!.nodes.map((n) => scene.state.nodes.get(n)?.type), ['READ', 'READ']);
  t.is(loaded[1]!.backdrop, 'bgForest');
  // audio: a SOUND column
  t.is(scene.state.columns.get(loaded[2]!.nodes[0]!)?.type, 'SOUND');
  // palette imported into the scene's palette-library
  t.true(loaded[3]!.nodes[0]!.endsWith('/palette-library/paletteChar.plt'));
  t.true(fs.existsSync(loaded[3]!.nodes[0]!));
  // template and workfile: pasted under a backdrop named after the product
  t.deepEqual(loaded[4]!.nodes.map((n) => scene.state.nodes.get(n)?.type), ['COMPOSITE', 'COMPOSITE']);
  t.is(loaded[4]!.backdrop, 'templateRig');
  t.true(loaded[5]!.nodes.some((n) => n.startsWith('Top/charRig')));
  t.is(loaded[5]!.backdrop, 'workfileRig');

  const data = await rig.call<PipelineData>('dcckit.pipeline.read');
  t.is(Object.keys(data.containers).length, 6);
  t.is(scene.state.metadata.filter((m) => m.name.startsWith('dcckit')).length, 1);

  // saved and reopened: every container is still listed
  t.true(await rig.client.call((await rig.client.sessions())[0]!.id, 'scene.saveAll') as boolean);
  rig.sim.open(path.join(rig.copy, 'sh010_anim_v001.xstage'));
  let items: InventoryItem[] = [];
  for (let i = 0; i < 200 && items.length < 6; i++) {
    items = await rig.tool<InventoryItem[]>('inventory.list').catch(() => []);
    if (items.length < 6) await new Promise((r) => setTimeout(r, 50));
  }
  t.deepEqual(items.map((i) => [i.productName, i.status]).sort(), [
    ['audioMain', 'latest'], ['bgForest', 'latest'], ['paletteChar', 'latest'], ['plateMain', 'latest'], ['templateRig', 'latest'], ['workfileRig', 'latest'],
  ]);
});

test('update replaces the frames and keeps a downstream link; outdated nodes are red, updated green; remove leaves the rest identical', async (t) => {
  const rig = await pipelineRig(t);
  const { store, dir } = rig;
  await publishFiles(store, dir, F, 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 5, 'v1'));
  await publishFiles(store, dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': await templateZip(dir, 'templateRig') });
  const plate = await rig.tool<ContainerRecord>('load.run', { product: 'plateMain' });
  const tpl = await rig.tool<ContainerRecord>('load.run', { product: 'templateRig' });
  const session = (await rig.client.sessions())[0]!.id;
  const call = (fn: string, args?: unknown) => rig.client.call(session, fn, args);
  // downstream links: plate READ -> Composite, template's last node -> Display
  t.true(await call('(function (a) { return node.link(a[0], 0, "Top/Composite", 0, false, true); })', [plate.nodes[0]]) as boolean);
  const tplComp = tpl.nodes.find((n) => n.includes('tplComp'))!;
  t.true(await call('(function (a) { node.unlink("Top/Display", 0); return node.link(a[0], 0, "Top/Display", 0, false, false); })', [tplComp]) as boolean);

  await publishFiles(store, dir, F, 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 8, 'v2'));
  await publishFiles(store, dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': await templateZip(dir, 'templateRig') });
  const before = await rig.tool<InventoryItem[]>('inventory.list');
  t.deepEqual(before.map((i) => [i.productName, i.version, i.latest, i.status]).sort(), [['plateMain', 1, 2, 'outdated'], ['templateRig', 1, 2, 'outdated']]);

  const r = await rig.tool<{ updated: { id: string; from: number; to: number }[]; failed: unknown[] }>('inventory.update', { all: true });
  t.deepEqual(r.failed, []);
  t.deepEqual(r.updated.map((u) => [u.from, u.to]), [[1, 2], [1, 2]]);
  const scene = rig.sim.scene!;
  const elementDir = path.join(rig.copy, 'elements', 'plateMain');
  t.true(fs.readFileSync(path.join(elementDir, 'plateMain-8.png')).toString('latin1').endsWith('v2:8'));
  t.true(fs.readFileSync(path.join(elementDir, 'plateMain-1.png')).toString('latin1').endsWith('v2:1'));
  t.true(scene.state.links.some((l) => l.src === plate.nodes[0] && l.dst === 'Top/Composite'), 'the plate still feeds the composite');
  const newTplComp = (await rig.tool<InventoryItem[]>('inventory.list')).find((i) => i.productName === 'templateRig')!.nodes.find((n) => n.includes('tplComp'))!;
  t.true(scene.state.links.some((l) => l.src === newTplComp && l.dst === 'Top/Display'), 'the re-pasted template still feeds the display');
  t.deepEqual(scene.state.nodes.get(plate.nodes[0]!)!.color, { r: 0, g: 200, b: 0, a: 255 });

  // a newer version makes it outdated: coloured red when the scene opens again
  await publishFiles(store, dir, F, 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 8, 'v3'));
  await call('scene.saveAll');
  rig.sim.open(path.join(rig.copy, 'sh010_anim_v001.xstage'));
  for (let i = 0; i < 200 && rig.sim.scene!.state.nodes.get(plate.nodes[0]!)?.color?.r !== 220; i++) await new Promise((res) => setTimeout(res, 50));
  t.deepEqual(rig.sim.scene!.state.nodes.get(plate.nodes[0]!)!.color, { r: 220, g: 0, b: 0, a: 255 });
  await new Promise((res) => setTimeout(res, 100));

  const shapeBefore = sceneShape(rig);
  const removed = await rig.tool<{ removed: string[] }>('inventory.remove', { ids: [tpl.id.slice(0, 8)] });
  t.deepEqual(removed.removed, [tpl.id]);
  const after = sceneShape(rig);
  const tplNodes = shapeBefore.nodes.filter((n) => !after.nodes.includes(n));
  t.deepEqual(tplNodes.map((n) => n.replace(/_\d+$/, '')).sort(), ['Top/tplComp', 'Top/tplRead']);
  t.deepEqual(after.links, shapeBefore.links.filter((l) => !tplNodes.some((n) => l.includes(`${n}:`))));
  t.deepEqual(after.columns, shapeBefore.columns);
  t.deepEqual(after.backdrops, shapeBefore.backdrops.filter((b) => b !== 'templateRig'));
  t.deepEqual(Object.keys((await rig.call<PipelineData>('dcckit.pipeline.read')).containers), [plate.id]);
});

test('containers whose nodes were deleted by hand are reported, not purged; bad input is a clear error and leaves the scene unchanged', async (t) => {
  const rig = await pipelineRig(t);
  const { store, dir } = rig;
  await publishFiles(store, dir, F, 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 3));
  const plate = await rig.tool<ContainerRecord>('load.run', { product: 'plateMain' });
  await rig.client.call((await rig.client.sessions())[0]!.id, '(function (n) { return node.deleteNode(n, true, true); })', plate.nodes[0]);
  const items = await rig.tool<InventoryItem[]>('inventory.list');
  t.like(items[0], { status: 'nodes-missing', missingNodes: plate.nodes });
  t.is(Object.keys((await rig.call<PipelineData>('dcckit.pipeline.read')).containers).length, 1, 'never purged');

  const shape = sceneShape(rig);
  const v = await store.reserve({ folder: F, product: 'plateMain', productType: 'plate' });
  await t.throwsAsync(rig.tool('load.run', { product: 'plateMain', version: 2 }), { message: /plateMain version 2 is incomplete/ });
  await v.abort();
  await t.throwsAsync(rig.tool('load.run', { product: 'plateMissing' }), { message: /no product shots\/sh010\/plateMissing .*has: plateMain/ });
  await t.throwsAsync(rig.tool('load.run', { product: 'plateMain', representation: 'exr' }), { message: /has no representation "exr" \(it has: png\)/ });
  const frameFile = path.join((await store.latest(F, 'plateMain'))!.path, 'plateMain.0002.png');
  fs.chmodSync(frameFile, 0);
  fs.rmSync(frameFile);
  await t.throwsAsync(rig.tool('load.run', { product: 'plateMain' }), { message: /cannot read .*plateMain\.0002\.png/ });
  t.deepEqual(sceneShape(rig), shape, 'nothing was made by the failed loads');
  // A scene whose Node View shows no group: nothing to load into.
  await publishFiles(store, dir, F, 'audioMain', 'audio', { name: 'wav', ext: 'wav' }, { 'audioMain.wav': Buffer.alloc(64, 1) });
  await publishFiles(store, dir, F, 'plateB', 'plate', { name: 'png', ext: 'png' }, frames('plateB', 1, 2));
  await rig.client.call((await rig.client.sessions())[0]!.id, '(function () { view.type = function () { return "Timeline"; }; return true; })');
  await t.throwsAsync(rig.tool('load.run', { product: 'plateB' }), { message: /no Node View is open/ });
  t.deepEqual(sceneShape(rig), shape);
});
