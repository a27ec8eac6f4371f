/**
 * A frame range longer than context.maxFrames (default 100,000) is refused where it enters: `dcc-kit
 * context` (naming the file and key), the publish (before anything is rendered; --repair never applies it
 * to the scene), and a farm submit (a job whose block renders more frames than that).
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { pipelineRig } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { validateJobDocument } from '../kit/farm/validate.ts';
import { defaultAfanasySettings } from '../kit/farm/settings.ts';
import { defaultConfig } from '../config/defaults.ts';
import type { PublishReport } from '../kit/publish/index.ts';

test('dcc-kit context refuses a frame range over context.maxFrames, naming the file and the key; raising it is accepted', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const shot = path.join(box.dir, 'proj', 'shots', 'sh010');
  fs.mkdirSync(shot, { recursive: true });
  const rc = path.join(shot, '.dcckitrc');
  fs.writeFileSync(rc, 'context:\n  folder: shots/sh010\n  frameStart: 1001\n  frameEnd: 1000000000\n');
  const refused = await box.run(['context'], { cwd: shot });
  t.is(refused.code, 1, refused.stdout);
  t.true(refused.stderr.includes(`${rc}: context.frameEnd`), refused.stderr);
  t.regex(refused.stderr, /999,999,000 frames.*more than context\.maxFrames \(100,000, default\)/);

  fs.writeFileSync(rc, 'context:\n  folder: shots/sh010\n  frameStart: 1\n  frameEnd: 200000\n  maxFrames: 250000\n');
  const raised = await box.json<{ context: { frameEnd: number }; maxFrames: number; maxFramesSource: string }>(['context', '--json'], { cwd: shot });
  t.is(raised.context.frameEnd, 200000);
  t.is(raised.maxFrames, 250000);
  t.is(raised.maxFramesSource, rc);
  const shown = await box.run(['context'], { cwd: shot });
  t.regex(shown.stdout, /^maxFrames\s+250000\s+.*sh010\/\.dcckitrc$/m);
});

test('a publish of a context over context.maxFrames fails before validation renders anything, and --repair does not stretch the scene', async (t) => {
  const rig = await pipelineRig(t);
  await rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { review: false } });
  // The shot's range gets a typo after the instance was made (creating refuses such a context too).
  fs.writeFileSync(path.join(rig.shotDir, '.dcckitrc'), 'context:\n  folder: shots/sh010\n  task: anim\n  frameStart: 1001\n  frameEnd: 1000000000\n');
  const { runId } = await rig.tool<{ runId: string }>('publish.run', { repair: true });
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.runId === runId && e.type === 'end'), PATIENCE_MS * 2, 'the publish to end');
  const report = (await rig.tool<{ report: PublishReport }>('publish.report', { runId })).report;
  t.false(report.success);
  const failed = report.results.find((r) => !r.success)!;
  t.regex(failed.error!.message, /sh010\/\.dcckitrc: context\.frameEnd: the frame range 1001-1000000000 is 999,999,000 frames.*context\.maxFrames/);
  t.false(report.results.some((r) => r.plugin.startsWith('Extract') || r.plugin.endsWith('(repair)')));
  t.is(rig.sim.scene!.state.settings.frames, 60, 'the scene keeps its 60 frames');
  t.deepEqual(await rig.store.listProducts(), []);
});

test('a farm job whose block renders more frames than context.maxFrames is refused, whatever its task count', (t) => {
  const job = (last: number) => ({ job: { name: 'x', user_name: 'u', blocks: [{ name: 'b', flags: 1, command: 'r @#@ @#@', frame_first: 1, frame_last: last, frames_per_task: 50_000_000 }] } });
  t.deepEqual(validateJobDocument(job(1000), { maxFrames: 100_000 }), []);
  const problems = validateJobDocument(job(1_000_000_000), { maxFrames: 100_000 });
  t.is(problems.length, 1);
  t.is(problems[0]!.path, 'job.blocks[0].frame_last');
  t.regex(problems[0]!.message, /renders 1,000,000,000 frames \(1-1000000000\), more than context\.maxFrames \(100,000\)/);
});

test('the defaults: context.maxFrames 100,000 and farm.maxTasks 10,000 (a million-task job grows afserver by ~560 MB for good)', (t) => {
  const config = defaultConfig('/tmp/x');
  t.is(config.context.maxFrames, 100_000);
  t.is(config.farm.maxTasks, 10_000);
  t.is(defaultAfanasySettings().maxTasks, 10_000);
  t.is(defaultAfanasySettings().maxFrames, 100_000);
  const tasks = { job: { name: 'x', user_name: 'u', blocks: [{ name: 'b', flags: 1, command: 'r @#@ @#@', frame_first: 1, frame_last: 10_001 }] } };
  t.regex(validateJobDocument(tasks)[0]!.message, /10,001 tasks, more than farm\.maxTasks \(10,000\)/);
});
