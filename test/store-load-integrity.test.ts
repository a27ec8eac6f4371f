/**
 * Issue 21 items 2 and 3: what a load takes from the store is what was published, from inside the version.
 * A manifest path climbing out of its version, a symlink inside a version pointing out, and a file changed after
 * its publish are each refused (load, inventory update, palette link) naming the version DAMAGED; the version
 * is marked, so it is no longer latest; the scene is left as it was and no outside file reaches it.
 */
import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from '../adapters/harmony/pipeline-types.ts';
import type { UpdateResult } from '../adapters/harmony/load/service.ts';
import { MANIFEST, type VersionManifest } from '../kit/store/index.ts';

import { pipelineRig, sceneShape } from './support/pipeline.ts';
import { frames, publishFiles } from './support/products.ts';

const F = 'shots/sh010';
const DAMAGED_MARK = '.dcckit-damaged.json';
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

function editManifest(versionDir: string, edit: (m: VersionManifest) => void): void {
  const file = path.join(versionDir, MANIFEST);
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as VersionManifest;
  edit(m);
  fs.writeFileSync(file, JSON.stringify(m, null, 2));
}

/** Every file under the scene's project folder whose bytes are `secret`. */
function copiesOf(dir: string, secret: Buffer): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const f = path.join(e.parentPath, e.name);
    if (fs.readFileSync(f).equals(secret)) out.push(f);
  }
  return out;
}

test('manifest paths must resolve inside the version: "..", a symlink out, and a palette link out are refused as DAMAGED', async (t) => {
  const rig = await pipelineRig(t);
  const { store, dir } = rig;
  const home = fs.mkdtempSync(path.join(dir, 'artist-home-'));
  const secret = Buffer.concat([frames('x', 1, 1)['x.0001.png']!, Buffer.from('the artist\'s private file')]);
  const secretFile = path.join(home, 'secret.png');
  fs.writeFileSync(secretFile, secret);
  const shape = sceneShape(rig);

  // 1. A manifest path climbing out of the version (with the outside file's real size and hash).
  await publishFiles(store, dir, F, 'plateUp', 'plate', { name: 'png', ext: 'png' }, frames('plateUp', 1, 2));
  const up = (await store.latest(F, 'plateUp'))!;
  editManifest(up.path, (m) => { m.representations[0]!.files[1] = { path: path.relative(up.path, secretFile), size: secret.length, sha256: sha(secret) }; });
  const e1 = await t.throwsAsync(rig.tool('load.run', { product: 'plateUp' }));
  t.regex(e1!.message, /shots\/sh010\/plateUp v001 is DAMAGED: .*not a plain path inside the version folder.*Nothing was loaded/);
  t.true(fs.existsSync(path.join(up.path, DAMAGED_MARK)), 'the version is marked damaged');
  t.is(await store.latest(F, 'plateUp'), null, 'a damaged version is never latest');
  const listed = (await store.listVersions(F, 'plateUp'))[0]!;
  t.like(listed, { complete: false });
  t.regex(listed.damaged ?? '', /marked damaged.*not a plain path/);

  // 2. A symlink inside the version pointing out of it (a path the manifest names plainly).
  await publishFiles(store, dir, F, 'plateLink', 'plate', { name: 'png', ext: 'png' }, frames('plateLink', 1, 2));
  const linkV = (await store.latest(F, 'plateLink'))!;
  const frame2 = path.join(linkV.path, 'plateLink.0002.png');
  fs.rmSync(frame2);
  fs.symlinkSync(secretFile, frame2);
  editManifest(linkV.path, (m) => { m.representations[0]!.files[1] = { path: 'plateLink.0002.png', size: secret.length, sha256: sha(secret) }; });
  const e2 = await t.throwsAsync(rig.tool('load.run', { product: 'plateLink' }));
  t.regex(e2!.message, /plateLink v001 is DAMAGED: .*"plateLink\.0002\.png", which resolves to .*secret\.png, outside the version folder/);

  // A symlink that stays inside its version is fine.
  await publishFiles(store, dir, F, 'plateInside', 'plate', { name: 'png', ext: 'png' }, frames('plateInside', 1, 2));
  const inside = (await store.latest(F, 'plateInside'))!;
  const body1 = fs.readFileSync(path.join(inside.path, 'plateInside.0001.png'));
  fs.rmSync(path.join(inside.path, 'plateInside.0002.png'));
  fs.symlinkSync('plateInside.0001.png', path.join(inside.path, 'plateInside.0002.png'));
  editManifest(inside.path, (m) => { m.representations[0]!.files[1] = { path: 'plateInside.0002.png', size: body1.length, sha256: sha(body1) }; });
  const ok = await rig.tool<ContainerRecord>('load.run', { product: 'plateInside' });
  t.is(ok.loader, 'imageSequence');
  await rig.tool('inventory.remove', { ids: [ok.id] });

  // 3. A palette link pointing out of its version: the scene would reference the outside file.
  const plt = 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0000000000000001 0 0 0 255\n';
  fs.writeFileSync(path.join(home, 'private.plt'), plt);
  await publishFiles(store, dir, F, 'paletteOut', 'palette', { name: 'plt', ext: 'plt' }, { 'paletteOut.plt': plt });
  const pal = (await store.latest(F, 'paletteOut'))!;
  editManifest(pal.path, (m) => { m.representations[0]!.files[0] = { path: `../../../../${path.relative(store.root, path.join(home, 'private.plt'))}`, size: plt.length, sha256: sha(plt) }; });
  const e3 = await t.throwsAsync(rig.tool('load.run', { product: 'paletteOut' }));
  t.regex(e3!.message, /paletteOut v001 is DAMAGED/);

  t.deepEqual(sceneShape(rig), shape, 'nothing was made by the refused loads');
  t.deepEqual(copiesOf(rig.copy, secret), [], 'the outside file never reached the scene');
});

test('inventory update refuses a version whose manifest points outside it; the container stays on its version', async (t) => {
  const rig = await pipelineRig(t);
  const { store, dir } = rig;
  await publishFiles(store, dir, F, 'plateUpd', 'plate', { name: 'png', ext: 'png' }, frames('plateUpd', 1, 2));
  const loaded = await rig.tool<ContainerRecord>('load.run', { product: 'plateUpd' });
  await publishFiles(store, dir, F, 'plateUpd', 'plate', { name: 'png', ext: 'png' }, frames('plateUpd', 1, 2, 'v2'));
  const v2 = (await store.latest(F, 'plateUpd'))!;
  const outside = path.join(dir, 'outside.png');
  fs.writeFileSync(outside, 'outside');
  editManifest(v2.path, (m) => { m.representations[0]!.files[0]!.path = path.relative(v2.path, outside); });
  const r = await rig.tool<UpdateResult>('inventory.update', { ids: [loaded.id] });
  t.deepEqual(r.updated, []);
  t.is(r.failed.length, 1);
  t.regex(r.failed[0]!.error, /plateUpd v002 is DAMAGED/);
  const items = await rig.tool<{ id: string; version: number; latest: number | null }[]>('inventory.list');
  t.like(items[0], { id: loaded.id, version: 1, latest: 1 }, 'v2 is damaged: v1 is latest again');
});

test('a file changed after its publish is refused at load (copied or linked) and its version marked damaged', async (t) => {
  const rig = await pipelineRig(t);
  const { store, dir } = rig;
  const shape = sceneShape(rig);
  await publishFiles(store, dir, F, 'plateSha', 'plate', { name: 'png', ext: 'png' }, frames('plateSha', 1, 3));
  await publishFiles(store, dir, F, 'plateSha', 'plate', { name: 'png', ext: 'png' }, frames('plateSha', 1, 3, 'v2'));
  const v2 = (await store.latest(F, 'plateSha'))!;
  const frame = path.join(v2.path, 'plateSha.0002.png');
  const body = fs.readFileSync(frame);
  body[body.length - 1] ^= 1; // same size, one bit different
  fs.writeFileSync(frame, body);
  const e = await t.throwsAsync(rig.tool('load.run', { product: 'plateSha' }));
  t.regex(e!.message, /plateSha v002 is DAMAGED: "plateSha\.0002\.png" changed after it was published .*Nothing was loaded.*marked damaged/);
  t.deepEqual(sceneShape(rig), shape);
  t.is((await store.latest(F, 'plateSha'))!.version, 1, 'latest moves back to the last sound version');
  t.like((await store.listVersions(F, 'plateSha'))[1], { complete: false });
  const v1 = await rig.tool<ContainerRecord>('load.run', { product: 'plateSha' });
  t.is(v1.version, 1);
  await t.throwsAsync(rig.tool('load.run', { product: 'plateSha', version: 2 }), { message: /version 2 is damaged: marked damaged/ });

  // A linked palette: verified on its first load; changed later, the next load sees it.
  const plt = 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0000000000000001 0 0 0 255\n';
  await publishFiles(store, dir, F, 'paletteSha', 'palette', { name: 'plt', ext: 'plt' }, { 'paletteSha.plt': plt });
  const first = await rig.tool<ContainerRecord>('load.run', { product: 'paletteSha' });
  t.is(first.loader, 'palette');
  await rig.tool('inventory.remove', { ids: [first.id] });
  const linked = path.join((await store.latest(F, 'paletteSha'))!.path, 'paletteSha.plt');
  fs.writeFileSync(linked, plt.replace('Black', 'Bleck'));
  const e2 = await t.throwsAsync(rig.tool('load.run', { product: 'paletteSha' }));
  t.regex(e2!.message, /paletteSha v001 is DAMAGED: "paletteSha\.plt" changed after it was published/);
});
