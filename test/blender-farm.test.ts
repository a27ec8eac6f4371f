/**
 * A Blender farm render against the project's Afanasy double: the job renders the PUBLISHED .blend with the
 * REAL Blender (the double's render slot runs the task commands), and the hub integrates the frames.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { AfanasyDouble } from './support/afanasy-double.ts';
import { blenderShot, connectBlender, launchBackgroundBlender, stopBlender } from './support/blender.ts';
import { PATIENCE_MS, eventually } from './support/patience.ts';
import type { PublishReport } from '../kit/publish/index.ts';
import type { VersionManifest } from '../kit/store/index.ts';

test('a farm render instance: one Afanasy job renders the published .blend; the hub integrates the frames when it is done', async (t) => {
  t.timeout(PATIENCE_MS * 4, 'a Blender launch, a publish and a farm render');
  const commands: string[] = [];
  const farm = await AfanasyDouble.start({
    autoRunMs: 50,
    slots: 1,
    runTask: (task) => {
      commands.push(task.command);
      const r = spawnSync('/bin/sh', ['-c', task.command], { encoding: 'utf8' });
      return { exitCode: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
    },
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
  t.false(fs.existsSync(path.join(versionDir, '.dcckit-awaiting.json')));
});
