/**
 * A publish renders only the render instances' WRITE nodes: the scene's default Top/Write (and any other
 * WRITE that belongs to no render instance of that render) is disabled in the render's scene by Harmony's
 * -preRenderScript, locally and on the farm. The artist's scene and the published workfile keep them.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as acorn from 'acorn';
import { pipelineRig, publishAndWait } from './support/pipeline.ts';
import { tempDir, until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { SIMULATOR_BIN } from '../adapters/harmony/paths.ts';
import { renderOnlyScript } from '../adapters/harmony/publish/batch-render.ts';

/** Lines of the simulator's batch render naming a written frame: "Top/renderMain: frame 3 -> /x/renderMain.0003.png". */
const renderedNodes = (lines: string[]) => [...new Set(lines.map((l) => /^(Top\/[^:]+): frame \d+ -> /.exec(l.trim())?.[1]).filter((n): n is string => Boolean(n)))].sort();

test('the simulator\'s batch render writes PNGs for every enabled WRITE node, and -preRenderScript runs first in the scene it renders', (t) => {
  const dir = tempDir(t, 'dcckit-scope-');
  const scene = SimScene.createDefault(path.join(dir, 'shot'), 'shot');
  scene.state.settings.frames = 3;
  scene.saveAll();
  const all = spawnSync(process.execPath, [SIMULATOR_BIN, '-batch', '-frames', '1', '3', scene.xstagePath], { encoding: 'utf8' });
  t.is(all.status, 0, all.stderr);
  t.deepEqual(renderedNodes(all.stdout.split('\n')), ['Top/Write'], 'a default scene renders its Write node');
  t.true(fs.existsSync(path.join(scene.projectDir, 'frames', 'final-0003.png')));
  fs.rmSync(path.join(scene.projectDir, 'frames'), { recursive: true });

  const script = path.join(dir, 'only-nothing.js');
  fs.writeFileSync(script, renderOnlyScript([]));
  const none = spawnSync(process.execPath, [SIMULATOR_BIN, '-batch', '-frames', '1', '3', '-preRenderScript', script, scene.xstagePath], { encoding: 'utf8' });
  t.is(none.status, 0, none.stderr);
  t.deepEqual(renderedNodes(none.stdout.split('\n')), []);
  t.false(fs.existsSync(path.join(scene.projectDir, 'frames')));
  // The script changed the scene rendered, not the scene file.
  t.true(SimScene.open(scene.xstagePath).state.nodes.get('Top/Write')!.enabled);

  const inline = spawnSync(process.execPath, [SIMULATOR_BIN, '-batch', '-frames', '1', '1', '-preRenderInlineScript', 'node.setEnable("Top/Write", false);', scene.xstagePath], { encoding: 'utf8' });
  t.is(inline.status, 0, inline.stderr);
  t.deepEqual(renderedNodes(inline.stdout.split('\n')), []);
});

test('the pre-render script is ES5 and names the kept nodes as JSON', (t) => {
  const source = renderOnlyScript(['Top/renderMain', 'Top/a "quoted" name']);
  t.notThrows(() => acorn.parse(source, { ecmaVersion: 5 }));
  t.true(source.includes(JSON.stringify(['Top/renderMain', 'Top/a "quoted" name'])));
});

test('a local render renders only the local render instances\' WRITE nodes, not the scene\'s default Write', async (t) => {
  const rig = await pipelineRig(t, { shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1\n  frameEnd: 60\n' });
  await rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { review: false } });
  const report = await publishAndWait(rig);
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  const labels = rig.events.filter((e) => e.event === 'publish.event' && e.type === 'progress' && e.plugin === 'Extract Render (local)').map((e) => String(e.label));
  t.true(labels.length > 0);
  t.deepEqual(renderedNodes(labels), ['Top/renderMain']);
  // The artist's scene keeps its Write node enabled.
  t.true(rig.sim.scene!.state.nodes.get('Top/Write')!.enabled);
});

// Serial: the double runs its tasks synchronously (spawnSync) in this process, which also hosts the hub.
test.serial('each farm job renders only its instance\'s WRITE node: not the default Write, not the other instance\'s', async (t) => {
  const { AfanasyDouble } = await import('./support/afanasy-double.ts');
  const outputs = new Map<string, string[]>();
  const farm = await AfanasyDouble.start({
    runTask: (task) => {
      const r = spawnSync('/bin/sh', ['-c', task.command], { encoding: 'utf8' });
      outputs.set(task.jobName, [...(outputs.get(task.jobName) ?? []), ...r.stdout.split('\n')]);
      return { exitCode: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
    },
  });
  t.teardown(() => farm.close());
  const rig = await pipelineRig(t, {
    shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1\n  frameEnd: 6\n',
    configure: (config) => { config.farm.afanasy.port = farm.port; },
  });
  await rig.tool('create.run', { creator: 'render', variant: 'Fg', attributes: { target: 'farm', review: false } });
  await rig.tool('create.run', { creator: 'render', variant: 'Bg', attributes: { target: 'farm', review: false } });
  const report = await publishAndWait(rig, { repair: true });
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  farm.runUntilIdle();
  await until(() => rig.events.filter((e) => e.event === 'publish.farm' && e.state !== 'rendered').length === 2, PATIENCE_MS * 2, 'both farm jobs to be integrated');
  t.deepEqual(rig.events.filter((e) => e.event === 'publish.farm' && e.state !== 'rendered').map((e) => e.state), ['integrated', 'integrated']);
  t.deepEqual(renderedNodes(outputs.get('shots/sh010/renderFg v001')!), ['Top/renderFg']);
  t.deepEqual(renderedNodes(outputs.get('shots/sh010/renderBg v001')!), ['Top/renderBg']);
  // The published workfile is the artist's scene as saved: its Write node is still enabled there.
  const wf = SimScene.open(path.join(rig.copy, 'sh010_anim_v001.xstage'));
  t.true(wf.state.nodes.get('Top/Write')!.enabled);
});
