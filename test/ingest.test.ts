/** Ingest: headers decoded (not extensions), sequences detected with the loaders' rules, refusals before anything is written, loads in Harmony. */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { identifyFile } from '../kit/media/identify.ts';
import { ingest, IngestError } from '../kit/ingest/ingest.ts';
import { FilePass } from '../kit/ingest/file-pass.ts';
import { ProductStore, type VersionManifest } from '../kit/store/index.ts';
import type { ContainerRecord } from '../adapters/harmony/pipeline-types.ts';
import { pipelineRig } from './support/pipeline.ts';
import { sandbox } from './support/cli.ts';
import { probe, testFrames, testSound } from './support/media.ts';

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-ingest-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ff = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

/** A minimal PSD header (what Photoshop writes first) followed by empty sections. */
function psd(file: string, width: number, height: number): string {
  const b = Buffer.alloc(26 + 12);
  b.write('8BPS', 0, 'latin1');
  b.writeUInt16BE(1, 4);
  b.writeUInt16BE(3, 12);
  b.writeUInt32BE(height, 14);
  b.writeUInt32BE(width, 18);
  b.writeUInt16BE(8, 22);
  b.writeUInt16BE(3, 24);
  fs.writeFileSync(file, b);
  return file;
}

function manifestOk(t: { is(a: unknown, b: unknown, m?: string): void }, dir: string): VersionManifest {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'version.json'), 'utf8')) as VersionManifest;
  for (const r of m.representations) for (const f of r.files) {
    const bytes = fs.readFileSync(path.join(dir, f.path));
    t.is(bytes.length, f.size, f.path);
    t.is(createHash('sha256').update(bytes).digest('hex'), f.sha256, f.path);
  }
  return m;
}

test('headers are decoded, whatever the name: PNG, JPEG, TIFF, OpenEXR, PSD, WAV, AIFF, MP3 and palettes; anything else is unknown with a reason', async (t) => {
  const dir = tmp(t);
  const src = ['-f', 'lavfi', '-i', 'testsrc=size=96x54', '-frames:v', '1'];
  ff(...src, path.join(dir, 'a.png'));
  ff(...src, path.join(dir, 'a.jpg'));
  ff(...src, path.join(dir, 'a.tif'));
  ff(...src, '-pix_fmt', 'gbrpf32le', path.join(dir, 'a.exr'));
  psd(path.join(dir, 'a.psd'), 96, 54);
  testSound(path.join(dir, 'a.wav'), 0.5);
  testSound(path.join(dir, 'a.aiff'), 0.5);
  testSound(path.join(dir, 'a.mp3'), 0.5);
  fs.writeFileSync(path.join(dir, 'a.plt'), 'ToonBoomAnimationInc PaletteFile 2\n');
  for (const [name, format] of [['a.png', 'png'], ['a.jpg', 'jpeg'], ['a.tif', 'tiff'], ['a.exr', 'exr'], ['a.psd', 'psd']] as const) {
    t.like(await identifyFile(path.join(dir, name)), { kind: 'image', format, width: 96, height: 54 }, name);
  }
  t.like(await identifyFile(path.join(dir, 'a.wav')), { kind: 'audio', format: 'wav', channels: 1, sampleRate: 44100 });
  const aiff = await identifyFile(path.join(dir, 'a.aiff'));
  t.like(aiff, { kind: 'audio', format: 'aiff', sampleRate: 44100 });
  t.true(Math.abs((aiff as { seconds: number }).seconds - 0.5) < 0.01);
  t.like(await identifyFile(path.join(dir, 'a.mp3')), { kind: 'audio', format: 'mp3' });
  t.like(await identifyFile(path.join(dir, 'a.plt')), { kind: 'palette' });
  // Names lie; headers do not.
  fs.copyFileSync(path.join(dir, 'a.wav'), path.join(dir, 'sound.png'));
  t.like(await identifyFile(path.join(dir, 'sound.png')), { kind: 'audio', format: 'wav' });
  fs.writeFileSync(path.join(dir, 'text.png'), 'hello');
  t.like(await identifyFile(path.join(dir, 'text.png')), { kind: 'unknown' });
  fs.writeFileSync(path.join(dir, 'cut.png'), fs.readFileSync(path.join(dir, 'a.png')).subarray(0, 20));
  t.regex((await identifyFile(path.join(dir, 'cut.png')) as { reason: string }).reason, /cut short/);
  fs.writeFileSync(path.join(dir, 'empty.wav'), '');
  t.regex((await identifyFile(path.join(dir, 'empty.wav')) as { reason: string }).reason, /empty \(0 bytes\)/);
});

test('a PNG sequence (its first file, or its folder) becomes a plate version: frames renamed like a publish, a thumbnail, the comment, the manifest last', async (t) => {
  const dir = tmp(t);
  const store = new ProductStore({ root: path.join(dir, 'store') });
  const plate = path.join(dir, 'in', 'plate');
  fs.mkdirSync(plate, { recursive: true });
  testFrames(plate, { count: 12, size: '640x360', prefix: 'sh010_bg.', first: 1001 });
  const r = await ingest({ source: path.join(plate, 'sh010_bg.1001.png'), target: 'shots/sh010/plateMain', comment: 'client plate', store });
  t.like(r, { product: 'shots/sh010/plateMain', version: 1, type: 'plate', files: 12, representations: ['png', 'thumbnail'] });
  const m = manifestOk(t, r.path);
  t.like(m, { productType: 'plate', comment: 'client plate' });
  t.like(m.representations[0], { name: 'png', frameStart: 1001, frameEnd: 1012 });
  t.deepEqual(m.representations[0]!.files.map((f) => f.path).slice(0, 2), ['plateMain.1001.png', 'plateMain.1002.png']);
  t.like(probe(path.join(r.path, 'plateMain.thumbnail.jpg'))[0], { codec_name: 'mjpeg', width: 512, height: 288 });
  const again = await ingest({ source: plate, target: 'shots/sh010/plateMain', store });
  t.like(again, { version: 2, type: 'plate', files: 12 });
});

for (const blocking of [false, true]) test(`each file is read once (${blocking ? 'synchronous calls in slices, as dcc-kit ingest runs it' : 'asynchronous calls, as the hub runs it'}): a small file is written from the very bytes its header was checked in; a big one is copied and hashed in one pass, refused if it changed after its check`, async (t) => {
  const dir = tmp(t);
  const frames = testFrames(dir, { count: 3, size: '64x36' });
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const original = frames.map((f) => fs.readFileSync(f));
  const kept = new FilePass({ blocking });
  t.like((await kept.check(frames))[0], { size: original[0]!.length, id: { kind: 'image', format: 'png', width: 64, height: 36 } });
  // Nothing reads the source again: what goes into the version is what was checked.
  fs.writeFileSync(frames[0]!, 'overwritten after the check');
  const written = await kept.write(frames.map((f, i) => ({ source: f, dest: path.join(out, `kept${i}.png`) })));
  t.deepEqual(fs.readFileSync(path.join(out, 'kept0.png')), original[0]);
  t.deepEqual(written.map((w) => w.sha256), original.map(sha));
  fs.writeFileSync(frames[0]!, original[0]!);

  const big = new FilePass({ keepFileBytes: 0, blocking });
  t.like((await big.check(frames))[1], { size: original[1]!.length, id: { kind: 'image', format: 'png' } });
  const [one] = await big.write([{ source: frames[1]!, dest: path.join(out, 'big1.png') }]);
  t.is(one!.sha256, sha(original[1]!));
  t.deepEqual(fs.readFileSync(path.join(out, 'big1.png')), original[1]);
  fs.appendFileSync(frames[2]!, Buffer.alloc(100));
  const changed = await t.throwsAsync(big.write([{ source: frames[2]!, dest: path.join(out, 'big2.png') }]));
  t.regex(changed!.message, /frame\.0003\.png changed while it was ingested/);
  t.like(changed, { code: 'ECHANGED' });
});

test('files that are not what their type says are refused before anything is written, naming each', async (t) => {
  const dir = tmp(t);
  const store = new ProductStore({ root: path.join(dir, 'store') });
  const seq = path.join(dir, 'seq');
  fs.mkdirSync(seq);
  const frames = testFrames(seq, { count: 6 });
  fs.writeFileSync(frames[2]!, 'not a png');
  fs.writeFileSync(frames[4]!, '');
  const err = await t.throwsAsync(ingest({ source: frames[0]!, target: 'shots/sh010/plateBad', store }), { instanceOf: IngestError });
  t.regex(err!.message, /^nothing was ingested: 2 of 6 file\(s\) are not images .*frame\.0003\.png: its first bytes are not .*; frame\.0005\.png: it is empty \(0 bytes\)/);
  const wav = testSound(path.join(dir, 'dialogue.png'), 0.2, 'wav');
  const lie = await t.throwsAsync(ingest({ source: wav, target: 'shots/sh010/imageX', store }), { instanceOf: IngestError });
  t.regex(lie!.message, /dialogue\.png: it is a WAV sound, not an image/);
  const png = testFrames(dir, { count: 1, prefix: 'still' })[0]!;
  const asAudio = await t.throwsAsync(ingest({ source: png, target: 'shots/sh010/audioX', type: 'audio', store }), { instanceOf: IngestError });
  t.regex(asAudio!.message, /it is a PNG image, not a sound/);
  t.false(fs.existsSync(path.join(dir, 'store')), 'not even the store root was made');
  const missing = await t.throwsAsync(ingest({ source: path.join(dir, 'nope.wav'), target: 'shots/sh010/a', store }), { instanceOf: IngestError });
  t.regex(missing!.message, /nope\.wav does not exist: give a file, the first file of a sequence, or a folder/);
});

test('an ingested WAV loads as a SOUND column and an ingested PNG sequence as an image sequence, with the existing loaders', async (t) => {
  const rig = await pipelineRig(t);
  const plate = path.join(rig.dir, 'incoming', 'plate');
  fs.mkdirSync(plate, { recursive: true });
  testFrames(plate, { count: 12, size: '192x108', prefix: 'bg_', first: 1 });
  const wav = testSound(path.join(rig.dir, 'incoming', 'sh010_dialogue.wav'), 1);
  await ingest({ source: wav, target: 'shots/sh010/audioDialogue', store: rig.store });
  await ingest({ source: plate, target: 'shots/sh010/plateBg', store: rig.store });
  const sound = await rig.tool<ContainerRecord>('load.run', { product: 'audioDialogue' });
  t.is(sound.loader, 'audio');
  t.is(rig.sim.scene!.state.columns.get(sound.nodes[0]!)?.type, 'SOUND');
  const seq = await rig.tool<ContainerRecord>('load.run', { product: 'plateBg' });
  t.is(seq.loader, 'imageSequence');
  t.is(seq.representation, 'png');
  const read = seq.nodes[0]!;
  t.is(rig.sim.scene!.state.nodes.get(read)?.type, 'READ');
  const timing = await rig.client.call((await rig.client.sessions())[0]!.id, '(function (r) { var c = node.linkedColumn(r, "DRAWING.ELEMENT"); var out = []; for (var f = 1; f <= 12; f++) out.push(column.getEntry(c, 1, f)); return out; })', read);
  t.deepEqual(timing, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
});

test('a thumbnail needs ffmpeg only for what is not a PNG: a TIFF with review.ffmpeg pointing nowhere is refused before anything is written, a PNG is ingested with the thumbnail dcc-kit makes', async (t) => {
  const dir = tmp(t);
  const store = new ProductStore({ root: path.join(dir, 'store') });
  const [tif] = testFrames(dir, { count: 1, size: '64x36', prefix: 'still_tif.', ext: 'tif' });
  const [png] = testFrames(dir, { count: 1, size: '64x36', prefix: 'still_png.' });
  const missing = path.join(dir, 'no-such-ffmpeg');
  const err = await t.throwsAsync(ingest({ source: tif!, target: 'shots/sh010/imageTif', store, ffmpeg: missing }));
  t.regex(err!.message, /review\.ffmpeg is ".*no-such-ffmpeg", which cannot be run/);
  t.false(fs.existsSync(path.join(dir, 'store')), 'nothing was written');
  const r = await ingest({ source: png!, target: 'shots/sh010/imagePng', store, ffmpeg: missing });
  t.deepEqual(r.representations, ['png', 'thumbnail']);
  t.like(probe(path.join(r.path, 'imagePng.thumbnail.jpg'))[0], { codec_name: 'mjpeg', width: 64, height: 36 });
});

test('TIFF and OpenEXR plates (tif, tiff, exr frames) load as image sequences: elements of their format, the ingested frames as drawings', async (t) => {
  const rig = await pipelineRig(t);
  for (const [ext, product, format] of [['tif', 'plateTif', 'TIF'], ['tiff', 'plateTiff', 'TIF'], ['exr', 'plateExr', 'EXR']] as const) {
    const plate = path.join(rig.dir, 'incoming', ext);
    fs.mkdirSync(plate, { recursive: true });
    const frames = testFrames(plate, { count: 6, size: '96x54', prefix: 'bg.', first: 1, ext });
    t.like(await identifyFile(frames[0]!), { kind: 'image', format: ext === 'exr' ? 'exr' : 'tiff', width: 96, height: 54 });
    const r = await ingest({ source: frames[0]!, target: `shots/sh010/${product}`, store: rig.store });
    t.like(r, { type: 'plate', files: 6, representations: [ext === 'exr' ? 'exr' : 'tif', 'thumbnail'] }, ext);
    t.like(probe(path.join(r.path, `${product}.thumbnail.jpg`))[0], { codec_name: 'mjpeg', width: 96, height: 54 });
    const seq = await rig.tool<ContainerRecord>('load.run', { product });
    t.is(seq.loader, 'imageSequence');
    t.is(seq.representation, ext === 'exr' ? 'exr' : 'tif');
    const read = seq.nodes[0]!;
    t.is(rig.sim.scene!.state.nodes.get(read)?.type, 'READ');
    const session = (await rig.client.sessions())[0]!.id;
    const element = await rig.client.call(session, '(function (r) { var c = node.linkedColumn(r, "DRAWING.ELEMENT"); var e = column.getElementIdOfDrawing(c); var out = { format: element.pixmapFormat(e), files: [], timing: [] }; for (var f = 1; f <= 6; f++) { out.timing.push(column.getEntry(c, 1, f)); out.files.push(Drawing.filename(e, String(f))); } return out; })', read) as { format: string; files: string[]; timing: string[] };
    t.is(element.format, format);
    t.deepEqual(element.timing, ['1', '2', '3', '4', '5', '6']);
    // Each drawing is the ingested frame, byte for byte, with the extension of its element's format.
    element.files.forEach((file, i) => {
      t.is(path.extname(file), ext === 'exr' ? '.exr' : '.tif');
      t.deepEqual(fs.readFileSync(file), fs.readFileSync(frames[i]!), file);
    });
  }
});

test('the CLI: ingest infers the type, --json prints the version, a palette and a background ingest; usage errors exit 2, refusals 1', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const proj = path.join(sb.dir, 'proj');
  fs.mkdirSync(proj);
  fs.writeFileSync(path.join(proj, '.dcckitrc'), `publish:\n  root: ${path.join(sb.dir, 'store')}\ncontext:\n  folder: shots/sh020\n`);
  const wav = testSound(path.join(sb.dir, 'dialogue.wav'), 0.3);
  const r = await sb.json<{ product: string; version: number; type: string; representations: string[] }>(['ingest', wav, 'audioMain', '--comment', 'take 3', '--json'], { cwd: proj });
  t.like(r, { product: 'shots/sh020/audioMain', version: 1, type: 'audio', representations: ['wav'] });
  const plt = path.join(sb.dir, 'char.plt');
  fs.writeFileSync(plt, 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0000000000000001 0 0 0 255\n');
  t.like(await sb.json(['ingest', plt, 'shots/sh020/paletteChar', '--json'], { cwd: proj }), { type: 'palette', representations: ['plt'] });
  const layers = path.join(sb.dir, 'bg');
  fs.mkdirSync(layers);
  testFrames(layers, { count: 1, prefix: 'sky.', size: '320x180' });
  testFrames(layers, { count: 1, prefix: 'trees.', size: '320x180' });
  const bg = await sb.json<{ path: string; representations: string[] }>(['ingest', layers, 'bgForest', '--type', 'background', '--json'], { cwd: proj });
  t.deepEqual(bg.representations, ['json', 'thumbnail']);
  const layout = JSON.parse(fs.readFileSync(path.join(bg.path, 'bgForest.json'), 'utf8')) as { children: { filename: string }[] };
  t.deepEqual(layout.children.map((c) => c.filename), ['sky.0001.png', 'trees.0001.png']);
  const listed = await sb.run(['products', 'shots/sh020/audioMain'], { cwd: proj });
  t.regex(listed.stdout, /take 3/);
  t.is((await sb.run(['ingest', wav], { cwd: proj })).code, 2);
  t.is((await sb.run(['ingest', wav, 'x', '--type', 'movie'], { cwd: proj })).code, 2);
  const refused = await sb.run(['ingest', layers, 'plateX'], { cwd: proj });
  t.is(refused.code, 1);
  t.regex(refused.stderr, /pass --type background/);
});
