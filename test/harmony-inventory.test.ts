import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord, InventoryItem, PipelineData } from '../adapters/harmony/pipeline-types.ts';
import type { UpdateResult } from '../adapters/harmony/load/service.ts';
import { zipDirectory } from '../kit/archive/index.ts';
import { pipelineRig, sceneShape, type PipelineRig } from './support/pipeline.ts';
import { PNG_1PX, frames, publishFiles, templateZip } from './support/products.ts';

const F = 'shots/sh010';
const PLT = (name: string) => `ToonBoomAnimationInc PaletteFile 2\nSolid    ${name}    0x0000000000000001 0 0 0 255\n`;


async function harmony<T = unknown>(rig: PipelineRig, fn: string, args?: unknown): Promise<T> {
  return await rig.client.call((await rig.client.sessions())[0]!.id, fn, args) as T;
}

/** The drawing exposed on frames 1..n of the column of a READ node. */
function exposures(rig: PipelineRig, read: string, n: number): Promise<string[]> {
  return harmony(rig, '(function (a) { var c = node.linkedColumn(a[0], "DRAWING.ELEMENT"); var out = []; for (var f = 1; f <= a[1]; f++) out.push(column.getEntry(c, 1, f)); return out; })', [read, n]);
}

test('sequences load on their frames: negative start, gaps, padding 3, other extensions beside them; one image is held for the whole scene; frames after the scene are counted', async (t) => {
  const rig = await pipelineRig(t);
  const empty = sceneShape(rig);
  const files: Record<string, Buffer | string> = { 'thumb.jpg': PNG_1PX, 'plateNeg.001.jpg': PNG_1PX, 'plateNeg.002.jpg': PNG_1PX };
  for (const f of [-2, -1, 0, 1, 2, 5]) files[`plateNeg.${f < 0 ? '-' : ''}${String(Math.abs(f)).padStart(3, '0')}.png`] = Buffer.concat([PNG_1PX, Buffer.from(`f${f}`)]);
  await publishFiles(rig.store, rig.dir, F, 'plateNeg', 'plate', { name: 'png', ext: 'png' }, files);
  const neg = await rig.tool<ContainerRecord>('load.run', { product: 'plateNeg' });
  t.deepEqual(await exposures(rig, neg.nodes[0]!, 9), ['-2', '-1', '0', '1', '2', '', '', '5', ''], 'first frame on 1, the gap left empty');
  t.like(neg.data, { frames: 6, beyondScene: 0, hold: false });

  await publishFiles(rig.store, rig.dir, F, 'still', 'image', { name: 'png', ext: 'png' }, { 'still.png': PNG_1PX });
  const still = await rig.tool<ContainerRecord>('load.run', { product: 'still' });
  const length = await harmony<number>(rig, 'frame.numberOf');
  const held = await exposures(rig, still.nodes[0]!, length + 1);
  t.deepEqual(held, [...Array.from({ length }, () => '1'), ''], `held on all ${length} frames`);

  await publishFiles(rig.store, rig.dir, F, 'plateLong', 'plate', { name: 'png', ext: 'png' }, frames('plateLong', 1, length + 5));
  const long = await rig.tool<ContainerRecord>('load.run', { product: 'plateLong' });
  t.like(long.data, { frames: length + 5, beyondScene: 5 });
  t.is((await exposures(rig, long.nodes[0]!, length)).at(-1), String(length));

  const removed = await rig.tool<{ removed: string[] }>('inventory.remove', { ids: [neg.id, still.id, long.id] });
  t.is(removed.removed.length, 3);
  t.deepEqual(sceneShape(rig), empty, 'nodes, columns and elements gone with their containers');
});

test('a background goes into the Node View\'s group, backdrop included; its update finds layers whose READ was renamed at load', async (t) => {
  const rig = await pipelineRig(t);
  await harmony(rig, '(function () { node.add("Top", "Set", "GROUP", 0, 0, 0); node.add("Top/Set", "sky", "PEG", 0, 0, 0); view.group = function () { return "Top/Set"; }; return true; })');
  const before = sceneShape(rig);
  const layout = JSON.stringify({ children: [{ filename: 'layers/sky.png' }] });
  await publishFiles(rig.store, rig.dir, F, 'bgSet', 'background', { name: 'json', ext: 'json' }, { 'bgSet.json': layout, 'layers/sky.png': PNG_1PX });
  const bg = await rig.tool<ContainerRecord>('load.run', { product: 'bgSet' });
  t.deepEqual(bg.nodes, ['Top/Set/sky_1']);
  t.deepEqual((rig.sim.scene!.state.backdrops.get('Top/Set') ?? []).map((b) => b.title.text), ['bgSet']);
  await harmony(rig, '(function () { return node.link("Top/Set/sky_1", 0, "Top/Set/sky", 0, false, true); })');
  await publishFiles(rig.store, rig.dir, F, 'bgSet', 'background', { name: 'json', ext: 'json' }, { 'bgSet.json': layout, 'layers/sky.png': Buffer.concat([PNG_1PX, Buffer.from('v2')]) });
  const r = await rig.tool<UpdateResult>('inventory.update', { all: true });
  t.deepEqual(r.failed, []);
  t.deepEqual((await rig.tool<InventoryItem[]>('inventory.list'))[0]!.nodes, ['Top/Set/sky_1'], 'the same READ, not a new one');
  t.true(rig.sim.scene!.state.links.some((l) => l.src === 'Top/Set/sky_1' && l.dst === 'Top/Set/sky'));
  await rig.tool('inventory.remove', { ids: [bg.id] });
  t.deepEqual(sceneShape(rig), before);
  t.deepEqual(rig.sim.scene!.state.backdrops.get('Top/Set') ?? [], []);
});

test('a background update replaces its layers\' images, adds new layers and drops the ones the version no longer has, keeping links', async (t) => {
  const rig = await pipelineRig(t);
  const layout = (layers: string[]) => JSON.stringify({ children: layers.map((l) => ({ filename: `layers/${l}.png` })) });
  await publishFiles(rig.store, rig.dir, F, 'bgPark', 'background', { name: 'json', ext: 'json' }, {
    'bgPark.json': layout(['sky', 'trees']), 'layers/sky.png': PNG_1PX, 'layers/trees.png': PNG_1PX,
  });
  const bg = await rig.tool<ContainerRecord>('load.run', { product: 'bgPark' });
  t.deepEqual(bg.nodes, ['Top/sky', 'Top/trees']);
  await harmony(rig, '(function () { return node.link("Top/sky", 0, "Top/Composite", 0, false, true); })');
  await publishFiles(rig.store, rig.dir, F, 'bgPark', 'background', { name: 'json', ext: 'json' }, {
    'bgPark.json': layout(['sky', 'hills']), 'layers/sky.png': Buffer.concat([PNG_1PX, Buffer.from('sky2')]), 'layers/hills.png': PNG_1PX,
  });
  const r = await rig.tool<UpdateResult>('inventory.update', { ids: [bg.id] });
  t.deepEqual(r.updated.map((u) => [u.from, u.to]), [[1, 2]]);
  const item = (await rig.tool<InventoryItem[]>('inventory.list'))[0]!;
  t.deepEqual(item.nodes, ['Top/hills', 'Top/sky']);
  t.is(item.status, 'latest');
  const s = rig.sim.scene!.state;
  t.false(s.nodes.has('Top/trees'));
  t.false([...s.columns.keys()].some((c) => c.startsWith('trees')), 'the dropped layer\'s column went with it');
  t.true(s.links.some((l) => l.src === 'Top/sky' && l.dst === 'Top/Composite'));
  t.deepEqual(s.nodes.get('Top/hills')!.color, { r: 0, g: 200, b: 0, a: 255 });
});

test('TGA sequences and a flattened PSD load as image sequences in their own file format', async (t) => {
  const rig = await pipelineRig(t);
  await publishFiles(rig.store, rig.dir, F, 'refTga', 'reference', { name: 'tga', ext: 'tga' }, { 'refTga.0001.tga': 'tga1', 'refTga.0002.tga': 'tga2' });
  await publishFiles(rig.store, rig.dir, F, 'designPsd', 'image', { name: 'psd', ext: 'psd' }, { 'designPsd.psd': '8BPS flattened' });
  const tga = await rig.tool<ContainerRecord>('load.run', { product: 'refTga' });
  const psd = await rig.tool<ContainerRecord>('load.run', { product: 'designPsd' });
  const formats = [...rig.sim.scene!.state.elements.values()].map((e) => [e.name, e.fileFormat]);
  t.deepEqual(formats, [['refTga', 'TGA'], ['designPsd', 'PSD']]);
  t.deepEqual(await exposures(rig, tga.nodes[0]!, 3), ['1', '2', '']);
  t.like(psd.data, { hold: true });
});

test('a template that brings its own backdrop (as published templates do): update and remove take it with the container', async (t) => {
  const rig = await pipelineRig(t);
  const empty = sceneShape(rig);
  // The template's backdrop has the product's own name: the container's backdrop must still be told apart.
  await publishFiles(rig.store, rig.dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': await templateZip(rig.dir, 'templateRig', undefined, 'templateRig') });
  const a = await rig.tool<ContainerRecord>('load.run', { product: 'templateRig' });
  t.is(a.backdrop, 'templateRig_2', 'the first title free once the template\'s own backdrop is in');
  t.deepEqual(sceneShape(rig).backdrops, ['templateRig', 'templateRig_2']);
  await publishFiles(rig.store, rig.dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': await templateZip(rig.dir, 'templateRig', undefined, 'templateRig') });
  const r = await rig.tool<UpdateResult>('inventory.update', { all: true });
  t.deepEqual(r.failed, []);
  t.deepEqual(sceneShape(rig).backdrops, ['templateRig', 'templateRig_2'], 'the old paste\'s backdrop went, the new one came');
  await rig.tool('inventory.remove', { ids: [a.id] });
  t.deepEqual(sceneShape(rig), empty);
});

test('a template loaded twice gets deterministic backdrop titles: the first free of name, name_2, name_3', async (t) => {
  const rig = await pipelineRig(t);
  await publishFiles(rig.store, rig.dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': await templateZip(rig.dir, 'templateRig') });
  const a = await rig.tool<ContainerRecord>('load.run', { product: 'templateRig' });
  // Loading a loaded version again is refused unless asked for (again: true, the CLI's --again).
  const b = await rig.tool<ContainerRecord>('load.run', { product: 'templateRig', again: true });
  const c = await rig.tool<ContainerRecord>('load.run', { product: 'templateRig', again: true });
  t.deepEqual([a.backdrop, b.backdrop, c.backdrop], ['templateRig', 'templateRig_2', 'templateRig_3']);
  t.is(new Set([...a.nodes, ...b.nodes, ...c.nodes]).size, 6, 'each paste has its own nodes');
  await rig.tool('inventory.remove', { ids: [b.id] });
  const d = await rig.tool<ContainerRecord>('load.run', { product: 'templateRig', again: true });
  t.is(d.backdrop, 'templateRig_2', 'the freed title is reused');
  t.deepEqual(sceneShape(rig).backdrops, ['templateRig', 'templateRig_2', 'templateRig_3']);

  // c's nodes were renamed at paste (tplComp_2...); once a and d are gone, its re-paste gets the plain names:
  // the link to the Display still follows.
  const cComp = c.nodes.find((n) => n.includes('tplComp'))!;
  t.regex(cComp, /_\d+$/);
  await harmony(rig, '(function (n) { node.unlink("Top/Display", 0); return node.link(n, 0, "Top/Display", 0, false, false); })', cComp);
  await rig.tool('inventory.remove', { ids: [a.id, d.id] });
  await publishFiles(rig.store, rig.dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': await templateZip(rig.dir, 'templateRig') });
  const r = await rig.tool<UpdateResult>('inventory.update', { ids: [c.id] });
  t.deepEqual(r.failed, []);
  const after = (await rig.tool<InventoryItem[]>('inventory.list'))[0]!;
  t.true(after.nodes.includes('Top/tplComp'), after.nodes.join(', '));
  t.true(rig.sim.scene!.state.links.some((l) => l.src === 'Top/tplComp' && l.dst === 'Top/Display'));
  t.like(after.data, { restoredLinks: 1, lostLinks: 0 });
});

test('palettes: linked or imported, an update keeps their place in the palette list; remove takes only theirs', async (t) => {
  const rig = await pipelineRig(t);
  for (const name of ['palA', 'palB', 'palC']) await publishFiles(rig.store, rig.dir, F, name, 'palette', { name: 'plt', ext: 'plt' }, { [`${name}.plt`]: PLT(`${name}1`) });
  const a = await rig.tool<ContainerRecord>('load.run', { product: 'palA' });
  const b = await rig.tool<ContainerRecord>('load.run', { product: 'palB', mode: 'import' });
  const c = await rig.tool<ContainerRecord>('load.run', { product: 'palC' });
  const order = () => rig.sim.scene!.state.palettes.map((p) => path.basename(path.dirname(p.file)) + '/' + path.basename(p.file));
  t.deepEqual(order(), ['v001/palA.plt', 'palette-library/palB.plt', 'v001/palC.plt']);
  await publishFiles(rig.store, rig.dir, F, 'palA', 'palette', { name: 'plt', ext: 'plt' }, { 'palA.plt': PLT('palA2') });
  await publishFiles(rig.store, rig.dir, F, 'palB', 'palette', { name: 'plt', ext: 'plt' }, { 'palB.plt': PLT('palB2') });
  const r = await rig.tool<UpdateResult>('inventory.update', { all: true });
  t.deepEqual(r.failed, []);
  t.deepEqual(r.updated.map((u) => u.id).sort(), [a.id, b.id].sort());
  t.deepEqual(r.unchanged, [c.id], 'palC is at its latest version: left alone');
  t.deepEqual(order(), ['v002/palA.plt', 'palette-library/palB.plt', 'v001/palC.plt'], 'same order after the update');
  t.regex(fs.readFileSync(b.nodes[0]!, 'utf8'), /palB2/, 'the imported copy holds the new version');
  await rig.tool('inventory.remove', { ids: [a.id] });
  t.deepEqual(order(), ['palette-library/palB.plt', 'v001/palC.plt']);
});

test('a version gone from the store is missing-in-store; an update that fails in Harmony leaves its container exactly as it was', async (t) => {
  const rig = await pipelineRig(t);
  await publishFiles(rig.store, rig.dir, F, 'plateA', 'plate', { name: 'png', ext: 'png' }, frames('plateA', 1, 2));
  await publishFiles(rig.store, rig.dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': await templateZip(rig.dir, 'templateRig') });
  const plate = await rig.tool<ContainerRecord>('load.run', { product: 'plateA' });
  const tpl = await rig.tool<ContainerRecord>('load.run', { product: 'templateRig' });
  await publishFiles(rig.store, rig.dir, F, 'plateA', 'plate', { name: 'png', ext: 'png' }, frames('plateA', 1, 2, 'v2'));
  fs.rmSync((await rig.store.resolve({ folder: F, product: 'plateA', version: 1 })).path, { recursive: true });
  const status = async () => Object.fromEntries((await rig.tool<InventoryItem[]>('inventory.list')).map((i) => [i.productName, [i.status, i.latest]]));
  t.deepEqual(await status(), { plateA: ['missing-in-store', 2], templateRig: ['latest', 1] });

  // v2 of the template is a zip whose .tpl Harmony cannot paste: the old nodes were already deleted when it fails.
  const broken = path.join(rig.dir, 'broken');
  fs.mkdirSync(path.join(broken, 'templateRig.tpl'), { recursive: true });
  fs.writeFileSync(path.join(broken, 'templateRig.tpl', 'readme.txt'), 'not a template');
  await zipDirectory(broken, path.join(rig.dir, 'broken.zip'));
  await publishFiles(rig.store, rig.dir, F, 'templateRig', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateRig.zip': fs.readFileSync(path.join(rig.dir, 'broken.zip')) });
  const shape = sceneShape(rig);
  const record = (await rig.call<PipelineData>('dcckit.pipeline.read')).containers[tpl.id];
  const r = await rig.tool<UpdateResult>('inventory.update', { all: true });
  t.deepEqual(r.updated.map((u) => u.id), [plate.id]);
  t.is(r.failed.length, 1);
  t.regex(r.failed[0]!.error, /^shots\/sh010\/templateRig v1: Harmony could not paste the template .*templateRig\.tpl/);
  const now = sceneShape(rig);
  t.deepEqual(now, shape, 'the template container is as it was (and the plate kept its nodes)');
  t.deepEqual((await rig.call<PipelineData>('dcckit.pipeline.read')).containers[tpl.id], record);
  t.deepEqual(await status(), { plateA: ['latest', 2], templateRig: ['outdated', 2] });

  // A version that does not exist: a clear error naming the product, nothing changed.
  const bad = await rig.tool<UpdateResult>('inventory.update', { ids: [plate.id], version: 7 });
  t.regex(bad.failed[0]!.error, /shots\/sh010\/plateA v2: .*has no version 7/);
  t.deepEqual(sceneShape(rig), shape);
});
