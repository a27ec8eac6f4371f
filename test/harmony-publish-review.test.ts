/** Review media of render instances: the movie and thumbnail in the version, the comment, and what goes wrong. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { checkedManifest, pipelineRig, publishAndWait, type PipelineRig } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { probe, testSound } from './support/media.ts';

async function addSound(rig: PipelineRig, file: string): Promise<void> {
  const session = (await rig.client.sessions())[0]!.id;
  const ok = await rig.client.call(session, '(function (a) { column.add(a[0], "SOUND"); return column.importSound(a[0], 1, a[1]); })', ['dialogue', file]);
  if (ok !== true) throw new Error('the simulator did not import the sound');
}

test('a 12-frame local render marked for review, published with a comment: an H.264 movie of 12 frames (odd size padded, sound muxed, burnt in) and a thumbnail in its manifest; the comment in every product', async (t) => {
  const rig = await pipelineRig(t, { shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1001\n  frameEnd: 1012\n  resolution: [641, 361]\n' });
  fs.appendFileSync(path.join(rig.shotDir, '.dcckitrc'), 'review:\n  burnin: true\n');
  await addSound(rig, testSound(path.join(rig.dir, 'dialogue.wav'), 2));
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });
  const report = await publishAndWait(rig, { repair: true, comment: '  first pass: timing of the walk\n' });
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  t.true(report.results.some((r) => r.plugin === 'Validate Review Tools' && r.success));
  const render = report.published.find((p) => p.product.endsWith('/renderMain'))!;
  const manifest = checkedManifest(t, render.path);
  t.deepEqual(manifest.representations.map((r) => r.name), ['png', 'mp4', 'thumbnail']);
  t.is(manifest.representations[0]!.files.length, 12);
  t.like(manifest.representations[1], { ext: 'mp4', frameStart: 1001, frameEnd: 1012, tags: ['review'], files: [{ path: 'renderMain.mp4' }] });
  t.like(manifest.representations[2], { ext: 'jpg', files: [{ path: 'renderMain.thumbnail.jpg' }] });
  const [video, audio] = probe(path.join(render.path, 'renderMain.mp4'));
  t.like(video, { codec_name: 'h264', pix_fmt: 'yuv420p', width: 642, height: 362, r_frame_rate: '24/1', nb_read_frames: '12' });
  t.like(audio, { codec_type: 'audio', codec_name: 'aac' });
  t.true(probe(path.join(render.path, 'renderMain.thumbnail.jpg'))[0]!.width! <= 512);
  // The comment, trimmed, in every product of the publish.
  for (const p of report.published) t.is(checkedManifest(t, p.path).comment, 'first pass: timing of the walk', p.product);
  t.true(report.results.some((r) => r.plugin === 'Integrate Products' && r.instance === 'renderMain' && r.success));
  // Nothing is left in staging once the run is over.
  await until(() => fs.readdirSync(path.join(rig.config.home, 'staging')).length === 0, PATIENCE_MS, 'the run\'s staging folder to go');
});

test('a farm render marked for review: the hub makes the movie and thumbnail when the job\'s frames arrive (Afanasy double)', async (t) => {
  const { AfanasyDouble, shellTask } = await import('./support/afanasy-double.ts');
  const farm = await AfanasyDouble.start({
    autoRunMs: 50,
    runTask: shellTask,
  });
  t.teardown(() => farm.close());
  const rig = await pipelineRig(t, {
    shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 101\n  frameEnd: 112\n  resolution: [640, 360]\n',
    configure: (config) => { config.farm.afanasy.port = farm.port; },
  });
  await rig.tool('create.run', { creator: 'render', variant: 'Farm', attributes: { target: 'farm' } });
  const report = await publishAndWait(rig, { repair: true, comment: 'farm pass' });
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  const submitted = farm.requests.map((r) => r.body as { job?: { blocks: { name: string }[] } }).find((b) => b?.job)!.job!;
  t.deepEqual(submitted.blocks.map((b) => b.name), ['renderFarm'], 'one render block: the movie is the hub\'s');
  await until(() => rig.events.some((e) => e.event === 'publish.farm' && e.state !== 'rendered'), PATIENCE_MS * 3, 'the farm job to be integrated');
  const done = rig.events.find((e) => e.event === 'publish.farm' && e.state !== 'rendered')!;
  t.is(done.state, 'integrated', JSON.stringify(done));
  const version = (await rig.store.latest('shots/sh010', 'renderFarm'))!;
  const manifest = checkedManifest(t, version.path);
  t.deepEqual(manifest.representations.map((r) => r.name), ['png', 'mp4', 'thumbnail']);
  t.like(probe(path.join(version.path, 'renderFarm.mp4'))[0], { codec_name: 'h264', width: 640, height: 360, nb_read_frames: '12' });
  t.is(manifest.comment, 'farm pass');
  t.false(fs.existsSync(path.join(version.path, '.farm-work')));
});

test('no ffmpeg fails validation before anything is rendered, and says how to fix it', async (t) => {
  const rig = await pipelineRig(t, { configure: (c) => { c.harmony.executable = 'simulator'; } });
  fs.appendFileSync(path.join(rig.shotDir, '.dcckitrc'), `review:\n  ffmpeg: ${path.join(rig.dir, 'no-such-ffmpeg')}\n`);
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });
  const report = await publishAndWait(rig, { repair: true });
  t.false(report.success);
  t.is(report.stoppedAt, 'validate');
  const failed = report.results.filter((r) => !r.success).at(-1)!;
  t.is(failed.plugin, 'Validate Review Tools');
  t.regex(failed.error!.message, /review\.ffmpeg is ".*no-such-ffmpeg", which cannot be run/);
  t.regex(failed.error!.hint!, /install ffmpeg .*or set review\.ffmpeg/);
  t.false(report.results.some((r) => r.stage === 'extract'), 'nothing was rendered');
  t.deepEqual(await rig.store.listProducts(), []);
});

test('ffmpeg failing while the frames are integrated: its last lines are in the error and the render is not integrated', async (t) => {
  const rig = await pipelineRig(t);
  // An ffmpeg that answers the validator's questions, then fails the movie as a broken build would.
  const fake = path.join(rig.dir, 'ffmpeg-broken');
  fs.writeFileSync(fake, `#!/bin/sh\ncase "$*" in *-version*|*-filters*|*-encoders*) exec ffmpeg "$@";; esac\necho "[libx264 @ 0x1] broken encoder line one" >&2\necho "Conversion failed!" >&2\nexit 1\n`, { mode: 0o755 });
  fs.appendFileSync(path.join(rig.shotDir, '.dcckitrc'), `review:\n  ffmpeg: ${fake}\n`);
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });
  const report = await publishAndWait(rig, { repair: true });
  t.false(report.success);
  const failed = report.results.filter((r) => !r.success).at(-1)!;
  t.is(failed.plugin, 'Integrate Products');
  t.is(failed.instance, 'renderMain');
  t.regex(failed.error!.message, /ffmpeg exited with 1 making the review movie; its last lines:\n\[libx264 @ 0x1\] broken encoder line one\nConversion failed!/);
  t.deepEqual((await rig.store.listVersions('shots/sh010', 'renderMain')), [], 'no render version, complete or not');
});
