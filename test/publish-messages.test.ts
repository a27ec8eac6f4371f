/**
 * What the publish, create, load and hub commands say: --repair's lines (no FAILED before the fix, every
 * change), every failing validator named, did-you-mean for creators and products, a product loaded twice,
 * no `dcc-kit launch <typo>` advice, and which installation a hub belongs to.
 */
import test from 'ava';
import { sandbox, ROOT } from './support/cli.ts';
import { pipelineRig, shotOnDisk } from './support/pipeline.ts';
import { frames, publishFiles } from './support/products.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { describeFailure, type PublishReport } from '../kit/publish/index.ts';

test('in the hub: every failing validator is named; did-you-mean for creators and products; loading a loaded version again says so', async (t) => {
  const rig = await pipelineRig(t);
  await t.throwsAsync(rig.tool('create.run', { creator: 'rendr', variant: 'Main' }), { message: /unknown creator "rendr"\. Did you mean "render"\?/ });
  await rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { review: false } });
  rig.sim.evaluate('node.unlink("Top/renderMain", 0)');
  const { runId } = await rig.tool<{ runId: string }>('publish.run', {});
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.runId === runId && e.type === 'end'), PATIENCE_MS * 2, 'the publish to end');
  const report = (await rig.tool<{ report: PublishReport }>('publish.report', { runId })).report;
  const lines = describeFailure(report)!.split('\n');
  t.is(lines.length, 2, describeFailure(report)!);
  t.regex(lines[0]!, /^Validate Scene Settings failed: .*the scene has 60 frames, the context 12/);
  t.regex(lines[1]!, /^Validate Write Nodes on renderMain failed: Top\/renderMain: nothing is connected to its input/);

  await publishFiles(rig.store, rig.dir, 'shots/sh010', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 3));
  await t.throwsAsync(rig.tool('load.run', { product: 'shots/sh010/plateMian' }), { message: /no product shots\/sh010\/plateMian .*Did you mean "plateMain"\?/ });
  const loaded = await rig.tool<{ id: string }>('load.run', { product: 'shots/sh010/plateMain' });
  const again = await t.throwsAsync(rig.tool('load.run', { product: 'shots/sh010/plateMain' }));
  t.regex(again.message, new RegExp(`shots/sh010/plateMain v1 \\(png\\) is already loaded in this scene \\(container ${loaded.id.slice(0, 8)}.*--again`));
  const twice = await rig.tool<{ id: string }>('load.run', { product: 'shots/sh010/plateMain', again: true });
  t.not(twice.id, loaded.id);
});

test('by the CLI: publish --repair prints what it found and every change, not FAILED; ui --session with a typo; hub status names its installation', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shot, zip } = await shotOnDisk(sb.dir, {
    shot: 'sh060', workfile: 'sh060_comp_v001',
    projectRc: (store) => `context:\n  project: demo\n  fps: 25\n  resolution: [1280, 720]\npublish:\n  root: ${store}\nweb:\n  enabled: false\n`,
    shotRc: 'context:\n  folder: shots/sh060\n  task: comp\n  frameStart: 1001\n  frameEnd: 1012\n',
  });
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json'], { cwd: shot });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  t.is((await sb.run(['create', 'render', 'Main', '--attr', 'review=false'], { cwd: shot })).code, 0);

  const r = await sb.run(['publish', '--repair'], { cwd: shot, timeout: PATIENCE_MS * 2 });
  t.is(r.code, 0, r.stderr + r.stdout);
  t.notRegex(r.stdout, /FAILED/);
  t.regex(r.stdout, /^found\s+Validate Scene Settings \(\d+ ms\): fps is 24, the context says 25.* \(repairing\)$/m);
  t.regex(r.stdout, /^fixed\s+Validate Scene Settings \(repair\) \(\d+ ms\): fps: 24 -> 25, resolution: \[1920,1080\] -> \[1280,720\], frames: 60 -> 12, playRange: \[1,60\] -> \[1,12\]$/m);
  t.regex(r.stdout, /^ok\s+Validate Scene Settings \(\d+ ms\)$/m);
  t.regex(r.stdout, /^ok\s+Collect Palettes \(\d+ ms\): 0 palette\(s\) of this scene to publish$/m);

  const ui = await sb.run(['ui', '--session', 'zzzz', '--url'], { cwd: shot });
  t.is(ui.code, 1, ui.stdout);
  t.regex(ui.stderr, /no session "zzzz" is connected/);
  t.notRegex(ui.stderr, /dcc-kit launch zzzz/);
  t.regex(ui.stderr, /dcc-kit sessions lists what is connected/);

  const status = await sb.run(['hub', 'status'], { cwd: shot });
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, new RegExp(`^installation\\s+${ROOT.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(dcc-kit \\d+\\.\\d+\\.\\d+\\)$`, 'm'));
  const json = await sb.json<{ installation: { root: string; sameAsThisCommand: boolean } }>(['hub', 'status', '--json'], { cwd: shot });
  t.deepEqual([json.installation.root, json.installation.sameAsThisCommand], [ROOT, true]);
});
