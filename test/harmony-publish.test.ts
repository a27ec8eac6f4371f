import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { describeFailure } from '../kit/publish/index.ts';
import { checkedManifest, pipelineRig, publishAndWait } from './support/pipeline.ts';

test('a local render, a template, a palette and the workfile publish into the store; a second publish gets the next versions', async (t) => {
  const rig = await pipelineRig(t, {
    prepare: (scene) => {
      const plt = path.join(scene.projectDir, 'palette-library', 'charA.plt');
      fs.mkdirSync(path.dirname(plt), { recursive: true });
      fs.writeFileSync(plt, 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0000000000000001 0 0 0 255\n');
    },
  });
  await rig.call('dcckit.pipeline.read');
  await rig.client.call((await rig.client.sessions())[0]!.id, 'PaletteObjectManager.getScenePaletteList().addPalette', `${rig.copy}/palette-library/charA`);
  // Review movies are harmony-publish-review.test.ts's subject; here they would only load the machine.
  await rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { review: false } });
  // A template holds the nodes selected when it is made (with nothing selected it would be an empty backdrop).
  await rig.client.call((await rig.client.sessions())[0]!.id, '(function () { node.add("Top", "rigPeg", "PEG", 600, 0, 0); selection.clearSelection(); selection.addNodesToSelection(["Top/rigPeg"]); return true; })');
  await rig.tool('create.run', { creator: 'template', variant: 'Rig' });

  // The default scene has 60 frames at 1920x1080; the shot has 12 frames: the validator says so, nothing is extracted.
  const failed = await publishAndWait(rig);
  t.false(failed.success);
  t.is(failed.stoppedAt, 'validate');
  t.regex(failed.results.find((r) => !r.success)!.error!.message, /the scene has 60 frames, the context 12/);
  t.deepEqual(failed.published, []);
  t.deepEqual(await rig.store.listProducts(), []);

  const report = await publishAndWait(rig, { repair: true });
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  t.deepEqual(report.published.map((p) => `${p.product} v${p.version}`).sort(),
    ['shots/sh010/paletteCharA v1', 'shots/sh010/renderMain v1', 'shots/sh010/templateRig v1', 'shots/sh010/workfileAnim v1']);
  const render = checkedManifest(t, report.published.find((p) => p.product.endsWith('renderMain'))!.path);
  t.like(render.representations[0], { name: 'png', frameStart: 1001, frameEnd: 1012 });
  t.deepEqual(render.representations[0]!.files.map((f) => f.path).slice(0, 2), ['renderMain.1001.png', 'renderMain.1002.png']);
  t.is(render.representations[0]!.files.length, 12);
  t.like(render, { folder: 'shots/sh010', productType: 'render', source: rig.zip });
  const tpl = checkedManifest(t, report.published.find((p) => p.product.endsWith('templateRig'))!.path);
  t.like(tpl.representations[0], { name: 'tpl', ext: 'zip' });
  checkedManifest(t, report.published.find((p) => p.product.endsWith('paletteCharA'))!.path);
  const wf = checkedManifest(t, report.published.find((p) => p.product.endsWith('workfileAnim'))!.path);
  t.like(wf.representations[0], { name: 'zip' });
  // The artist's folder got no render output; the workfile went up a version.
  t.false(fs.existsSync(path.join(rig.copy, 'render')));
  t.true(fs.existsSync(path.join(path.dirname(rig.zip), 'sh010_anim_v002.zip')));

  const again = await publishAndWait(rig);
  t.true(again.success);
  t.deepEqual(again.published.map((p) => p.version), [2, 2, 2, 2]);
  t.is((await rig.store.latest('shots/sh010', 'renderMain'))!.version, 2);
});

test('a render whose batch renderer writes no frames fails by name and integrates nothing; a dry run says what would run', async (t) => {
  let renderer = '';
  const rig = await pipelineRig(t, {
    shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1\n  frameEnd: 60\n',
    configure: (config) => {
      // A Harmony that exits 0 and renders nothing (as with a licence warning).
      renderer = path.join(config.home, '..', 'harmony-renders-nothing.sh');
      fs.mkdirSync(path.dirname(renderer), { recursive: true });
      fs.writeFileSync(renderer, '#!/bin/sh\necho "Harmony: licence warning"\nexit 0\n', { mode: 0o755 });
      config.harmony.executable = renderer;
    },
  });
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });
  const dry = await publishAndWait(rig, { dryRun: true });
  t.true(dry.success);
  t.true(dry.results.filter((r) => r.skipped).map((r) => r.plugin).includes('Extract Render (local)'));
  t.deepEqual(await rig.store.listProducts(), []);
  const report = await publishAndWait(rig);
  t.false(report.success);
  const failed = report.results.find((r) => !r.success)!;
  t.is(failed.plugin, 'Extract Render (local)');
  t.is(failed.instance, 'renderMain');
  t.regex(failed.error!.message, /60 of 60 frames were not rendered: renderMain\.0001\.png.* The render log is /);
  t.deepEqual(await rig.store.listProducts(), []);
});

test('a store the publish could not write to stops it at validation, before anything is rendered', async (t) => {
  let root = '';
  const rig = await pipelineRig(t, {
    configure: (config) => {
      root = path.join(path.dirname(config.publish.root), 'store-is-a-file');
      config.publish.root = root;
    },
  });
  fs.writeFileSync(root, '');
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });
  const report = await publishAndWait(rig, { repair: true });
  t.false(report.success);
  t.is(report.stoppedAt, 'validate');
  t.regex(describeFailure(report)!, /^Validate Product Store failed: /);
  const failed = report.results.find((r) => !r.success && r.plugin === 'Validate Product Store')!;
  t.regex(failed.error!.message, /cannot write to the product store: a part of .*store-is-a-file.* is a file, not a folder/);
  t.false(report.results.some((r) => r.plugin.startsWith('Extract')), 'nothing was extracted');
  t.deepEqual(fs.readdirSync(path.dirname(root)).filter((n) => n.startsWith('.dcckit-write-check')), []);
});
