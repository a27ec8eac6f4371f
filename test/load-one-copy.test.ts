/**
 * Issue 21 item 3, the load's cost: a load is ONE round trip to Harmony (the "already loaded" check is part of
 * that call), each file is copied once (the store workers' checked copy, which Harmony moves into the scene),
 * and a load refused on any file removes every copy it made.
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from '../adapters/harmony/pipeline-types.ts';
import { DamagedVersionError, ProductStore, StoreError, filesForLoad, MANIFEST, type VersionManifest } from '../kit/store/index.ts';
import { tempDir } from './support/harmony.ts';
import { hostTag } from '../kit/archive/temp-files.ts';
import { pipelineRig, sceneShape, type PipelineRig } from './support/pipeline.ts';
import { frames, publishFiles } from './support/products.ts';

const F = 'shots/sh010';
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

/** Frames the hub sent the (only) session while `fn` ran: the round trips it made to Harmony. */
async function trips<T>(rig: PipelineRig, fn: () => Promise<T>): Promise<{ trips: number; value?: T; error?: Error }> {
  const sent = () => rig.hub.sessions.list()[0]!.peer!.stats().framesOut;
  const before = sent();
  try {
    const value = await fn();
    return { trips: sent() - before, value };
  } catch (error) {
    return { trips: sent() - before, error: error as Error };
  }
}

/** Temp folders of the kit beside the scene's folder (where a load stages its checked copies). */
function loadTemps(rig: PipelineRig): string[] {
  return fs.readdirSync(path.dirname(rig.copy)).filter((n) => n.includes('.dcckit-tmp-'));
}

test('a load is one round trip; the scene gets the published bytes; loading it again is refused in that same round trip, with nothing made', async (t) => {
  const rig = await pipelineRig(t);
  const bodies = frames('plateOne', 1, 5);
  await publishFiles(rig.store, rig.dir, F, 'plateOne', 'plate', { name: 'png', ext: 'png' }, bodies);

  // A tool's call waits for the hub's own work on a new session (colouring outdated containers...): then only the load talks.
  const sessionId = (await rig.client.sessions())[0]!.id;
  await rig.client.call(sessionId, '(function () { return 1; })');
  const first = await trips(rig, () => rig.tool<ContainerRecord>('load.run', { product: 'plateOne' }));
  t.is(first.trips, 1, 'no read of the scene before the load');
  const read = first.value!.nodes[0]!;
  const files = await rig.client.call(sessionId, '(function (r) { var c = node.linkedColumn(r, "DRAWING.ELEMENT"); var e = column.getElementIdOfDrawing(c); var out = []; for (var f = 1; f <= 5; f++) out.push(Drawing.filename(e, column.getEntry(c, 1, f))); return out; })', read) as string[];
  t.deepEqual(files.map((f) => fs.readFileSync(f)), Object.values(bodies), 'each drawing holds its published frame');
  t.deepEqual(loadTemps(rig), [], 'the load\'s folder of checked copies is gone');

  const shape = sceneShape(rig);
  const again = await trips(rig, () => rig.tool('load.run', { product: 'plateOne' }));
  t.is(again.trips, 1);
  t.regex(again.error?.message ?? '', new RegExp(`shots/sh010/plateOne v1 \\(png\\) is already loaded in this scene \\(container ${first.value!.id.slice(0, 8)}: Top/plateOne\\).*--again`));
  t.is((again.error as { code?: string }).code, 'ALREADY_LOADED');
  t.deepEqual(sceneShape(rig), shape, 'nothing was made');
  t.deepEqual(loadTemps(rig), [], 'and nothing left beside the scene');

  const twice = await trips(rig, () => rig.tool<ContainerRecord>('load.run', { product: 'plateOne', again: true }));
  t.is(twice.trips, 1);
  t.not(twice.value!.id, first.value!.id);

  // A container whose nodes were deleted by hand is not "already loaded": both are gone here, so it loads.
  rig.sim.evaluate(`node.deleteNode(${JSON.stringify(read)}, true, true); node.deleteNode(${JSON.stringify(twice.value!.nodes[0]!)}, true, true)`);
  const reload = await trips(rig, () => rig.tool<ContainerRecord>('load.run', { product: 'plateOne' }));
  t.is(reload.trips, 1);
  t.is(reload.value?.version, 1, reload.error?.message);
});

function editManifest(versionDir: string, edit: (m: VersionManifest) => void): void {
  const file = path.join(versionDir, MANIFEST);
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as VersionManifest;
  edit(m);
  fs.writeFileSync(file, JSON.stringify(m, null, 2));
}

test('a load refused on one file removes every copy it made: a changed frame, a symlink out of the version, a FIFO, a destination taken', async (t) => {
  const dir = tempDir(t, 'dcckit-load-copy-');
  const store = new ProductStore({ root: path.join(dir, 'store') });
  const copiesIn = (d: string) => fs.readdirSync(d, { recursive: true }).filter((n) => fs.statSync(path.join(d, String(n))).isFile());

  // 200 frames, one changed after its publish (same size): DAMAGED, marked, and not one copy left.
  await publishFiles(store, dir, F, 'plateBad', 'plate', { name: 'png', ext: 'png' }, frames('plateBad', 1, 200));
  const bad = (await store.latest(F, 'plateBad'))!;
  const frame = path.join(bad.path, 'plateBad.0150.png');
  const body = fs.readFileSync(frame);
  body[body.length - 1] ^= 1;
  fs.writeFileSync(frame, body);
  const out1 = fs.mkdtempSync(path.join(dir, 'copies-'));
  const e1 = await t.throwsAsync(filesForLoad(bad, bad.manifest!.representations[0]!, { copyTo: out1 }));
  t.true(e1 instanceof DamagedVersionError);
  t.regex(e1!.message, /plateBad v001 is DAMAGED: "plateBad\.0150\.png" changed after it was published/);
  t.deepEqual(copiesIn(out1), []);
  t.true(fs.existsSync(path.join(bad.path, '.dcckit-damaged.json')));

  // A frame that is a symlink to a file outside the version (with that file's size and hash in the manifest).
  await publishFiles(store, dir, F, 'plateOut', 'plate', { name: 'png', ext: 'png' }, frames('plateOut', 1, 100));
  const out = (await store.latest(F, 'plateOut'))!;
  const secret = path.join(dir, 'secret.png');
  fs.writeFileSync(secret, 'the artist\'s file');
  fs.rmSync(path.join(out.path, 'plateOut.0070.png'));
  fs.symlinkSync(secret, path.join(out.path, 'plateOut.0070.png'));
  editManifest(out.path, (m) => { m.representations[0]!.files[69] = { path: 'plateOut.0070.png', size: fs.statSync(secret).size, sha256: sha(fs.readFileSync(secret)) }; });
  const out2 = fs.mkdtempSync(path.join(dir, 'copies-'));
  const e2 = await t.throwsAsync(filesForLoad(out, JSON.parse(fs.readFileSync(path.join(out.path, MANIFEST), 'utf8')).representations[0], { copyTo: out2 }));
  t.regex(e2!.message, /plateOut v001 is DAMAGED: its manifest names "plateOut\.0070\.png", which resolves to .*secret\.png, outside the version folder/);
  t.deepEqual(copiesIn(out2), []);

  // A FIFO inside the version (reading it would wait forever): refused as not a regular file, nothing left.
  await publishFiles(store, dir, F, 'plateFifo', 'plate', { name: 'png', ext: 'png' }, frames('plateFifo', 1, 20));
  const fifo = (await store.latest(F, 'plateFifo'))!;
  fs.rmSync(path.join(fifo.path, 'plateFifo.0010.png'));
  execFileSync('mkfifo', [path.join(fifo.path, 'plateFifo.0010.png')]);
  const out5 = fs.mkdtempSync(path.join(dir, 'copies-'));
  const e5 = await t.throwsAsync(filesForLoad(fifo, fifo.manifest!.representations[0]!, { copyTo: out5 }));
  t.regex(e5!.message, /plateFifo v001 is DAMAGED: its manifest names "plateFifo\.0010\.png", which is not a regular file/);
  t.deepEqual(copiesIn(out5), []);

  // A destination that exists already is not overwritten, nor removed: the load fails naming it; its own copies go.
  await publishFiles(store, dir, F, 'plateTaken', 'plate', { name: 'png', ext: 'png' }, frames('plateTaken', 1, 100));
  const taken = (await store.latest(F, 'plateTaken'))!;
  const out3 = fs.mkdtempSync(path.join(dir, 'copies-'));
  fs.writeFileSync(path.join(out3, 'plateTaken.0042.png'), 'someone else\'s');
  const e3 = await t.throwsAsync(filesForLoad(taken, taken.manifest!.representations[0]!, { copyTo: out3 }));
  t.true(e3 instanceof StoreError && !(e3 instanceof DamagedVersionError));
  t.regex(e3!.message, /cannot copy .*plateTaken\.0042\.png into the load's folder .* \(EEXIST\)\. Nothing was loaded/);
  t.deepEqual(copiesIn(out3), ['plateTaken.0042.png']);
  t.is(fs.readFileSync(path.join(out3, 'plateTaken.0042.png'), 'utf8'), 'someone else\'s');
  t.false(fs.existsSync(path.join(taken.path, '.dcckit-damaged.json')), 'not the version\'s fault');

  // The same version, sound: every file copied, byte for byte, in the manifest's order.
  const out4 = fs.mkdtempSync(path.join(dir, 'copies-'));
  const ok = await filesForLoad(taken, taken.manifest!.representations[0]!, { copyTo: out4 });
  t.is(ok.files.length, 100);
  t.deepEqual(ok.files.map((f) => fs.readFileSync(f)), Object.values(frames('plateTaken', 1, 100)));
  t.deepEqual(ok.storeFiles, ok.files.map((f) => path.join(fs.realpathSync(taken.path), path.basename(f))));
});

test('a killed hub\'s load folder beside the scene is removed by the next load there', async (t) => {
  const rig = await pipelineRig(t);
  await publishFiles(rig.store, rig.dir, F, 'plateTidy', 'plate', { name: 'png', ext: 'png' }, frames('plateTidy', 1, 2));
  // Named as a load of a process that is gone names its folder (kit/archive/temp-files.ts), made after this hub started.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  const left = path.join(path.dirname(rig.copy), `.${path.basename(rig.copy)}.dcckit-tmp-${hostTag()}-${gone}-0badc0de`);
  fs.mkdirSync(path.join(left, 'frames'), { recursive: true });
  fs.writeFileSync(path.join(left, 'frames', 'plate.0001.png'), 'a checked copy nobody moved');
  await rig.tool<ContainerRecord>('load.run', { product: 'plateTidy' });
  t.false(fs.existsSync(left), `${left} was left behind`);
  t.deepEqual(loadTemps(rig), []);
});
