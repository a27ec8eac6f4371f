/**
 * Creating and publishing with the REAL Blender: one background Blender (launched through the CLI in a shot
 * folder) serves the tests of this file; renders are real batch Blenders on a saved copy.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import type { HubClient } from '../kit/hub/client.ts';
import type { BlenderSession } from '../adapters/blender/session.ts';
import type { PublishReport } from '../kit/publish/index.ts';
import type { VersionManifest } from '../kit/store/index.ts';
import { blenderShot, connectBlender, isBlendFile, launchBackgroundBlender, stopBlender, type BlenderShot, type LaunchedBlender } from './support/blender.ts';
import { PATIENCE_MS, eventually } from './support/patience.ts';

let rig: BlenderShot;
let launched: LaunchedBlender;
let hub: HubClient;
let blender: BlenderSession;

test.before(async () => {
  rig = blenderShot();
  launched = await launchBackgroundBlender(rig.sb, rig.shot);
  ({ hub, blender } = await connectBlender(rig.sb, launched));
  // The artist's choice of engine; Workbench renders on a machine without a GPU.
  await blender.exec('bpy.context.scene.render.engine = "BLENDER_WORKBENCH"');
});

test.after.always(async () => {
  await stopBlender(blender ?? null, launched?.pid);
  hub?.close();
  await rig?.sb.cleanup();
});

function pngSize(file: string): [number, number] {
  const b = fs.readFileSync(file);
  t0(b.subarray(1, 4).toString('latin1') === 'PNG', `${file} is a PNG`);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}
function t0(ok: boolean, what: string) {
  if (!ok) throw new Error(what);
}

test.serial('create render + publish: validation against the context, --repair, 3 real frames rendered by Blender and integrated, the workfile versioned up', async (t) => {
  const { sb, shot, store } = rig;
  const created = await sb.json<{ productName: string; folder: string }>(['blender', 'create', 'render', 'Main', '--json'], { cwd: shot });
  t.like(created, { productName: 'renderMain', folder: 'shots/sh020' });
  const stored = await blender.eval<string>('bpy.data.texts["dcckit.pipeline"].as_string()');
  t.like(JSON.parse(stored).instances.renderMain, { productType: 'render', active: true, task: 'layout' }, 'the instance is kept in the .blend');

  await blender.exec('s = bpy.context.scene\ns.render.fps = 24\ns.render.resolution_x = 640');
  const refused = await sb.run(['blender', 'publish'], { cwd: shot, timeout: PATIENCE_MS * 2 });
  t.is(refused.code, 1);
  t.regex(refused.stdout, /FAIL Validate Scene Settings: the scene does not match the context: fps 24, the context wants 25; resolution 640x180 at 100%, the context wants 320x180/);
  t.regex(refused.stdout, /--repair/);
  t.false(fs.existsSync(path.join(store, 'shots', 'sh020', 'renderMain')), 'nothing was written before validation passed');

  const r = await sb.run(['blender', 'publish', '--repair', '--json'], { cwd: shot, timeout: PATIENCE_MS * 3 });
  t.is(r.code, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as PublishReport;
  t.true(report.success);
  t.deepEqual(report.published.map((p) => `${p.product} v${p.version}`).sort(), ['shots/sh020/renderMain v1', 'shots/sh020/workfileLayout v1']);
  t.like(await blender.info(), { fps: 25, resolution: [320, 180], frameStart: 1000, frameEnd: 1002 }, 'the repair set the scene');

  const v1 = path.join(store, 'shots', 'sh020', 'renderMain', 'v001');
  const manifest = JSON.parse(fs.readFileSync(path.join(v1, 'version.json'), 'utf8')) as VersionManifest;
  t.like(manifest.data, { dcc: 'blender', blenderVersion: '3.4.1' });
  t.is(manifest.source, path.join(shot, 'sh020_layout_v001.blend'));
  t.deepEqual(manifest.representations[0].files.map((f) => f.path), ['renderMain.1000.png', 'renderMain.1001.png', 'renderMain.1002.png']);
  t.like(manifest.representations[0], { frameStart: 1000, frameEnd: 1002 });
  for (const f of manifest.representations[0].files) t.deepEqual(pngSize(path.join(v1, f.path)), [320, 180]);
  t.true(isBlendFile(path.join(store, 'shots', 'sh020', 'workfileLayout', 'v001', 'workfileLayout.blend')));
  t.is((await blender.info()).path, path.join(shot, 'sh020_layout_v002.blend'), 'the artist works in the next version');
});

test.serial('Blender crashing mid-render: the publish fails, the version stays incomplete, prune removes it', async (t) => {
  const { sb, project, store } = rig;
  // A longer shot, so the render is surely running when it is killed.
  const shot = path.join(project, 'shots', 'sh030');
  fs.mkdirSync(shot, { recursive: true });
  fs.writeFileSync(path.join(shot, '.dcckitrc'), 'context: { folder: shots/sh030, task: layout, frameStart: 1, frameEnd: 400 }\n');
  await sb.json(['blender', 'save', '--to', path.join(shot, 'sh030_layout_v001.blend'), '--json'], { cwd: shot });
  await sb.json(['blender', 'create', 'render', 'Main', '--json'], { cwd: shot });
  const versionDir = path.join(store, 'shots', 'sh030', 'renderMain', 'v001');
  const publishing = sb.run(['blender', 'publish', '--repair'], { cwd: shot, timeout: PATIENCE_MS * 3 });
  // The render process claims the reserved version with its own pid: kill that process.
  const marker = path.join(versionDir, '.dcckit-reserved');
  let renderPid = 0;
  await eventually('the render process to note its pid', () => {
    try {
      const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as { pid: number; what?: string };
      if (m.what === 'blender render') renderPid = m.pid;
    } catch { /* not written yet */ }
    return renderPid !== 0;
  }).catch(() => {});
  t.true(renderPid > 0, 'the render process claimed the version');
  process.kill(renderPid, 'SIGKILL');
  const r = await publishing;
  t.is(r.code, 1);
  t.regex(r.stdout, /FAIL Extract Render \[renderMain\]: Blender was killed \(SIGKILL\) while rendering renderMain: \d+ of 400 frames missing/);
  t.regex(r.stdout, /the version stays incomplete \(dcc-kit products prune removes it\)/);
  t.notRegex(r.stdout, /EGL/, 'Blender\'s console noise is not in the error');
  t.false(fs.existsSync(path.join(versionDir, 'version.json')));
  const listed = await sb.json<{ products: { product: string; folder: string; incomplete: number; latest: number | null }[] }>(['products', '--json'], { cwd: shot });
  t.like(listed.products.find((p) => p.folder === 'shots/sh030' && p.product === 'renderMain'), { incomplete: 1, latest: null });
  const pruned = await sb.run(['products', 'prune', '--json'], { cwd: shot });
  t.is(pruned.code, 0, pruned.stderr);
  t.false(fs.existsSync(versionDir), 'prune removed the crashed version');
  t.is(await blender.ping(), 'pong', 'the artist\'s Blender is untouched');
});

test.serial('a publish that fails after its integrators (a studio check at 3.5): neither the workfile nor the render is completed, latest does not move', async (t) => {
  const { sb, project, store } = rig;
  const shot = path.join(project, 'shots', 'sh040');
  fs.mkdirSync(shot, { recursive: true });
  fs.writeFileSync(path.join(shot, 'late-check.mjs'), 'export default { label: "Late Studio Check", order: 3.5, process() { throw new Error("the studio check failed after integration"); } };\n');
  fs.writeFileSync(path.join(shot, '.dcckitrc'), 'context: { folder: shots/sh040, task: layout, frameStart: 1, frameEnd: 2 }\npublish: { plugins: [./late-check.mjs] }\n');
  await sb.json(['blender', 'save', '--to', path.join(shot, 'sh040_layout_v001.blend'), '--json'], { cwd: shot });
  await sb.json(['blender', 'create', 'render', 'Main', '--json'], { cwd: shot });
  const r = await sb.run(['blender', 'publish', '--repair', '--json'], { cwd: shot, timeout: PATIENCE_MS * 3 });
  t.is(r.code, 1, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as PublishReport & { rolledBack: string[] };
  t.false(report.success);
  t.is(report.results.filter((x) => !x.success).at(-1)!.plugin, 'Late Studio Check');
  t.deepEqual(report.published, []);
  t.deepEqual([...report.rolledBack].sort(), ['shots/sh040/renderMain v1', 'shots/sh040/workfileLayout v1']);
  for (const product of ['renderMain', 'workfileLayout']) {
    t.false(fs.existsSync(path.join(store, 'shots', 'sh040', product, 'v001', 'version.json')), `${product} has no complete version`);
  }
  t.is((await blender.info()).path, path.join(shot, 'sh040_layout_v001.blend'), 'the workfile did not go up a version');
});
