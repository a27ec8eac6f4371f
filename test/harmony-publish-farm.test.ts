/**
 * Farm publishes. Serial, in their own file: the Afanasy double runs a task's command synchronously
 * (spawnSync) in this process, which also hosts the hub and Harmony; tests sharing the process would stall.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { checkedManifest, pipelineRig, publishAndWait, type PipelineRig } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

test.serial('a farm render instance submits one Afanasy job rendering the PUBLISHED workfile; the hub integrates the frames when the job is done', async (t) => {
  const { AfanasyDouble, shellTask } = await import('./support/afanasy-double.ts');
  const commands: string[] = [];
  // Tasks run when the test says so (runUntilIdle), after the publish: the double runs them synchronously in
  // this process, which also hosts the hub.
  const farm = await AfanasyDouble.start({
    runTask: (task) => { commands.push(task.command); return shellTask(task); },
  });
  t.teardown(() => farm.close());
  const rig = await pipelineRig(t, {
    shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 101\n  frameEnd: 112\n',
    configure: (config) => { config.farm.afanasy.port = farm.port; },
  });
  await rig.tool('create.run', { creator: 'render', variant: 'Farm', attributes: { target: 'farm', review: false } });
  const report = await publishAndWait(rig, { repair: true });
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  const jobs = report.context.farmJobs as { jobId: number; product: string; version: number }[];
  t.is(jobs.length, 1);
  t.like(jobs[0], { product: 'shots/sh010/renderFarm', version: 1 });
  // Not integrated yet by the publish itself: only the workfile is.
  t.deepEqual(report.published.map((p) => p.product), ['shots/sh010/workfileAnim']);
  const submitted = farm.requests.map((r) => r.body as { job?: { name: string; blocks: { name: string; frames_per_task: number }[] } }).find((b) => b?.job)!.job!;
  t.is(submitted.name, 'shots/sh010/renderFarm v001');
  t.deepEqual(submitted.blocks.map((b) => b.name), ['renderFarm']);
  t.is(submitted.blocks[0]!.frames_per_task, 10, 'farm.framesPerTask: every task starts Harmony');
  farm.runUntilIdle();
  await until(() => rig.events.some((e) => e.event === 'publish.farm' && e.state !== 'rendered' && e.jobId === jobs[0]!.jobId), PATIENCE_MS * 2, 'the farm job to be integrated');
  const done = rig.events.find((e) => e.event === 'publish.farm' && e.state !== 'rendered')!;
  t.is(done.state, 'integrated', JSON.stringify(done));
  const published = path.join(rig.config.publish.root, 'shots/sh010/workfileAnim/v001/workfileAnim.zip');
  t.true(fs.existsSync(published));
  // 12 frames, 10 per task: frames 1-10 and 11-12.
  t.deepEqual(commands.map((c) => /-batch -frames (\d+) (\d+) /.exec(c)?.slice(1).join('-')), ['1-10', '11-12']);
  for (const c of commands) {
    t.true(c.includes(path.join(rig.config.publish.root, 'shots/sh010/renderFarm/v001/.farm-work/')), c);
    t.false(c.includes(rig.copy), 'the farm never renders the artist\'s folder');
  }
  const version = (await rig.store.latest('shots/sh010', 'renderFarm'))!;
  const manifest = checkedManifest(t, version.path);
  t.like(manifest.representations[0], { frameStart: 101, frameEnd: 112 });
  t.is(manifest.representations[0]!.files.length, 12);
  t.false(fs.existsSync(path.join(version.path, '.farm-work')));
});

test.serial('the farm server going away while it renders does not cost the render: the hub waits and integrates once it is back', async (t) => {
  const { AfanasyDouble, shellTask } = await import('./support/afanasy-double.ts');
  const farm = await AfanasyDouble.start({
    runTask: shellTask,
  });
  t.teardown(() => farm.close());
  const rig = await pipelineRig(t, {
    shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 101\n  frameEnd: 112\n',
    // The project's .dcckitrc sets the task size.
    configure: (config) => { config.farm.afanasy.port = farm.port; config.farm.framesPerTask = 5; },
  });
  await rig.tool('create.run', { creator: 'render', variant: 'Farm', attributes: { target: 'farm', review: false } });
  const report = await publishAndWait(rig, { repair: true });
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  const submitted = farm.requests.map((r) => r.body as { job?: { blocks: { frames_per_task: number }[] } }).find((b) => b?.job)!.job!;
  t.is(submitted.blocks[0]!.frames_per_task, 5);
  const version = path.join(rig.config.publish.root, 'shots/sh010/renderFarm/v001');
  // afserver goes down (jobs are kept in its database) until the hub's poll has found it gone, then comes back.
  await farm.close();
  await until(() => rig.logs.some((l) => /^warn: farm: still waiting for farm job \d+/.test(l)), PATIENCE_MS * 2, 'the hub to find the farm server gone');
  t.false(rig.events.some((e) => e.event === 'publish.farm' && e.state !== 'rendered'), 'no verdict while the server is away');
  t.true(fs.existsSync(version), 'the reserved version is kept');
  await farm.restart();
  farm.runUntilIdle();
  await until(() => rig.events.some((e) => e.event === 'publish.farm' && e.state !== 'rendered'), PATIENCE_MS * 3, 'the farm job to be integrated');
  t.is(rig.events.find((e) => e.event === 'publish.farm' && e.state !== 'rendered')!.state, 'integrated');
  t.true(fs.existsSync(path.join(version, 'version.json')));
});

test.serial('a farm job done before its publish commits waits for the commit; a publish that then fails integrates none of it and deletes the job', async (t) => {
  const { AfanasyDouble, shellTask } = await import('./support/afanasy-double.ts');
  const farm = await AfanasyDouble.start({
    runTask: shellTask,
  });
  t.teardown(() => farm.close());
  // A studio check after the submission (order 3.5, before Commit Products): it lets the farm finish the job,
  // waits until the hub has seen it done, then fails the publish.
  const g = globalThis as { dcckitFarmRaceTest?: () => Promise<void> };
  let rig!: PipelineRig;
  g.dcckitFarmRaceTest = async () => {
    farm.runUntilIdle();
    await until(() => rig.events.some((e) => e.event === 'publish.farm'), PATIENCE_MS * 2, 'the hub to see the farm job done');
    throw new Error('the studio check failed after the farm had rendered');
  };
  t.teardown(() => { delete g.dcckitFarmRaceTest; });
  rig = await pipelineRig(t, {
    shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 101\n  frameEnd: 103\n',
    configure: (config) => { config.farm.afanasy.port = farm.port; },
    prepareDir: (dir) => {
      const plugin = path.join(dir, 'late-check.mjs');
      fs.writeFileSync(plugin, 'export default { label: "Late Studio Check", order: 3.5, async process() { await globalThis.dcckitFarmRaceTest(); } };\n');
      const rc = path.join(dir, 'proj', '.dcckitrc');
      const config = JSON.parse(fs.readFileSync(rc, 'utf8'));
      config.publish.plugins = [plugin];
      fs.writeFileSync(rc, JSON.stringify(config));
    },
  });
  await rig.tool('create.run', { creator: 'render', variant: 'Farm', attributes: { target: 'farm', review: false } });
  const report = await publishAndWait(rig, { repair: true });
  t.false(report.success);
  t.is(report.results.filter((r) => !r.success).at(-1)!.plugin, 'Late Studio Check');
  t.deepEqual(report.published, []);
  const seen = rig.events.filter((e) => e.event === 'publish.farm');
  t.is(seen[0]!.state, 'rendered', 'done on the farm, not integrated: the publish had not committed');
  await until(() => rig.events.some((e) => e.event === 'publish.farm' && e.state === 'failed'), PATIENCE_MS * 2, 'the wait to end');
  t.false(rig.events.some((e) => e.event === 'publish.farm' && e.state === 'integrated'));
  for (const p of await rig.store.listProducts()) t.is(p.latest, null, `${p.product} has no complete version`);
  t.true(farm.requests.some((r) => JSON.stringify(r.body).includes('"delete"')), 'the job is deleted');
});
