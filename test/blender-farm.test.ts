/**
 * A Blender farm render against the project's Afanasy double: the job renders the PUBLISHED .blend with the
 * REAL Blender (the double's render slot runs the task commands), and the hub integrates the frames, also
 * when the hub was killed and started again while the job waited on the farm.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { AfanasyDouble, shellTask } from './support/afanasy-double.ts';
import { blenderShot, connectBlender, launchBackgroundBlender, processGone, stopBlender } from './support/blender.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { AWAITING, MANIFEST } from '../kit/store/index.ts';
import { PATIENCE_MS, eventually } from './support/patience.ts';
import type { PublishReport } from '../kit/publish/index.ts';
import type { VersionManifest } from '../kit/store/index.ts';

test('a farm render instance: one Afanasy job renders the published .blend; the hub integrates the frames when it is done', async (t) => {
  t.timeout(PATIENCE_MS * 4, 'a Blender launch, a publish and a farm render');
  const commands: string[] = [];
  const farm = await AfanasyDouble.start({
    autoRunMs: 50,
    slots: 1,
    runTask: (task) => { commands.push(task.command); return shellTask(task); },
  });
  t.teardown(() => farm.close());
  const rig = blenderShot({ projectRc: `farm: { afanasy: { host: 127.0.0.1, port: ${farm.port} } }\n` });
  t.teardown(() => rig.sb.cleanup());
  const launched = await launchBackgroundBlender(rig.sb, rig.shot);
  const { hub, blender } = await connectBlender(rig.sb, launched);
  t.teardown(async () => { await stopBlender(blender, launched.pid); hub.close(); });
  await blender.exec('bpy.context.scene.render.engine = "BLENDER_WORKBENCH"');
  const artistFile = (await blender.info()).path!;

  await rig.sb.json(['blender', 'create', 'render', 'Farm', '--attr', 'target=farm', '--json'], { cwd: rig.shot });
  const bad = await rig.sb.run(['blender', 'create', 'render', 'X', '--attr', 'target=moon'], { cwd: rig.shot });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /target must be one of local, farm \(got "moon"\)/);

  const r = await rig.sb.run(['blender', 'publish', '--json'], { cwd: rig.shot, timeout: PATIENCE_MS * 2 });
  t.is(r.code, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as PublishReport;
  t.deepEqual(report.published.map((p) => p.product), ['shots/sh020/workfileLayout'], 'only the workfile is integrated by the publish itself');
  const published = path.join(rig.store, 'shots', 'sh020', 'workfileLayout', 'v001', 'workfileLayout.blend');
  const submitted = farm.requests.map((q) => q.body as { job?: { name: string; blocks: { name: string }[] } }).find((b) => b?.job)!.job!;
  t.is(submitted.name, 'shots/sh020/renderFarm v001');
  t.deepEqual(submitted.blocks.map((b) => b.name), ['renderFarm']);

  const versionDir = path.join(rig.store, 'shots', 'sh020', 'renderFarm', 'v001');
  await eventually('the farm render integrated', () => fs.existsSync(path.join(versionDir, 'version.json')), PATIENCE_MS * 2).catch(() => {});
  if (!fs.existsSync(path.join(versionDir, 'version.json'))) {
    const logs = path.join(rig.sb.env.DCC_KIT_HOME!, 'logs');
    t.fail(`not integrated; commands: ${commands.join(' | ')}; hub log: ${fs.readdirSync(logs).filter((f) => f.startsWith('hub')).map((f) => fs.readFileSync(path.join(logs, f), 'utf8').split('\n').filter((l) => /farm|publish/.test(l)).join('\n')).join('')}`);
    return;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(versionDir, 'version.json'), 'utf8')) as VersionManifest;
  t.like(manifest.representations[0], { frameStart: 1000, frameEnd: 1002 });
  t.deepEqual(manifest.representations[0]!.files.map((f) => f.path), ['renderFarm.1000.png', 'renderFarm.1001.png', 'renderFarm.1002.png']);
  t.like(manifest.data, { dcc: 'blender', farm: { renders: published } });
  t.true(commands.length > 0);
  for (const c of commands) {
    t.true(c.includes(published), c);
    t.false(c.includes(artistFile), 'the farm never renders the artist\'s file');
    t.regex(c, /-s \d+ -e \d+ -a$/);
  }
  t.false(fs.existsSync(path.join(versionDir, '.farm-work')));
  // The manifest is the commit point; the marker goes right after it.
  await eventually('the awaiting marker to go', () => !fs.existsSync(path.join(versionDir, AWAITING)));
});

test('a hub killed while the farm renders a Blender version: the next hub takes the wait up and integrates the frames', async (t) => {
  t.timeout(PATIENCE_MS * 5, 'a Blender launch, a publish, a hub restart and a farm render');
  // Tasks run only when the test says so (runUntilIdle), as a farm busy with other work would.
  const farm = await AfanasyDouble.start({
    runTask: shellTask,
  });
  t.teardown(() => farm.close());
  const rig = blenderShot({ projectRc: `farm: { afanasy: { host: 127.0.0.1, port: ${farm.port} } }\nweb: { enabled: false }\n` });
  t.teardown(() => rig.sb.cleanup());
  const launched = await launchBackgroundBlender(rig.sb, rig.shot);
  const { hub, blender } = await connectBlender(rig.sb, launched);
  t.teardown(async () => { await stopBlender(null, launched.pid); hub.close(); });
  await blender.exec('bpy.context.scene.render.engine = "BLENDER_WORKBENCH"');
  await rig.sb.json(['blender', 'create', 'render', 'Farm', '--attr', 'target=farm', '--json'], { cwd: rig.shot });
  const r = await rig.sb.run(['blender', 'publish', '--repair', '--json'], { cwd: rig.shot, timeout: PATIENCE_MS * 2 });
  t.is(r.code, 0, r.stderr + r.stdout);
  t.is(farm.jobIds().length, 1);
  // The artist is done; the farm has not started the job yet.
  await blender.quit();
  hub.close();
  t.true(await processGone(launched.pid));

  const versionDir = path.join(rig.store, 'shots', 'sh020', 'renderFarm', 'v001');
  t.true(fs.existsSync(path.join(versionDir, AWAITING)), 'the version says what it waits for');
  t.like(JSON.parse(fs.readFileSync(path.join(versionDir, AWAITING), 'utf8')), { kind: 'blender.farm-render', jobId: farm.jobIds()[0] });
  const paths = hubPaths(rig.sb.env.DCC_KIT_HOME!);
  const first = JSON.parse(fs.readFileSync(paths.runtimeFile, 'utf8')) as { pid: number };
  process.kill(first.pid, 'SIGKILL');
  t.true(await processGone(first.pid), 'the hub died');
  const pruned = await rig.sb.json<{ removed: unknown[]; kept: { reason: string }[] }>(['products', 'prune', '--json'], { cwd: rig.shot });
  t.is(pruned.removed.length, 0, 'prune leaves a version that waits for its farm job alone');

  const second = await rig.sb.json<{ started: boolean }>(['hub', 'start', '--json'], { cwd: rig.shot });
  t.true(second.started);
  const hubLog = hubPaths(rig.sb.env.DCC_KIT_HOME!).logFile;
  await eventually('the restarted hub to take the wait up', () => /farm: waiting again for farm job/.test(fs.readFileSync(hubLog, 'utf8')));
  farm.runUntilIdle();
  await eventually('the restarted hub to integrate the farm render', () => fs.existsSync(path.join(versionDir, MANIFEST)), PATIENCE_MS * 2);
  const manifest = JSON.parse(fs.readFileSync(path.join(versionDir, MANIFEST), 'utf8')) as VersionManifest;
  t.deepEqual(manifest.representations[0]!.files.map((f) => f.path), ['renderFarm.1000.png', 'renderFarm.1001.png', 'renderFarm.1002.png']);
  t.like(manifest.data, { dcc: 'blender', farm: { jobId: farm.jobIds()[0], renders: path.join(rig.store, 'shots', 'sh020', 'workfileLayout', 'v001', 'workfileLayout.blend') } });
  await eventually('the awaiting marker and the journal entry to go', () => !fs.existsSync(path.join(versionDir, AWAITING))
    && !fs.readFileSync(path.join(paths.runDir, 'farm-waits.json'), 'utf8').includes('renderFarm'));
  t.false(fs.existsSync(path.join(versionDir, '.farm-work')));
});
