/**
 * Harmony and Blender on one hub and one product store, through the CLI: a Harmony render (published by the
 * simulator running the real startup scripts) loads into the REAL Blender as an image sequence and shows in
 * its inventory; a Blender render loads into Harmony as an image sequence; update and remove work both ways.
 * A published .blend loads into Blender as a linked collection.
 */
import test from 'ava';
import path from 'node:path';
import type { HubClient } from '../kit/hub/client.ts';
import type { BlenderSession } from '../adapters/blender/session.ts';
import { shotOnDisk } from './support/pipeline.ts';
import { sandbox, type Sandbox } from './support/cli.ts';
import { connectBlender, launchBackgroundBlender, stopBlender, type LaunchedBlender } from './support/blender.ts';
import { PATIENCE_MS } from './support/patience.ts';
import fs from 'node:fs';

let sb: Sandbox;
let harmonyShot: string;
let blenderShotDir: string;
let harmonyPid = 0;
let launched: LaunchedBlender;
let hub: HubClient;
let blender: BlenderSession;

test.before(async () => {
  sb = sandbox();
  const made = await shotOnDisk(sb.dir, {
    shot: 'sh010', workfile: 'sh010_anim_v001',
    projectRc: (store) => `context:\n  project: demo\n  fps: 25\n  resolution: [320, 180]\npublish:\n  root: ${store}\nweb:\n  enabled: false\n`,
    shotRc: 'context:\n  folder: shots/sh010\n  task: anim\n  frameStart: 1\n  frameEnd: 3\n',
  });
  harmonyShot = made.shot;
  blenderShotDir = path.join(sb.dir, 'proj', 'shots', 'sh020');
  fs.mkdirSync(blenderShotDir, { recursive: true });
  fs.writeFileSync(path.join(blenderShotDir, '.dcckitrc'), 'context: { folder: shots/sh020, task: layout, frameStart: 1001, frameEnd: 1002, handleStart: 1, handleEnd: 0 }\n');
  harmonyPid = (await sb.json<{ pid: number }>(['launch', 'harmony', made.zip, '--simulate', '--json'], { cwd: harmonyShot })).pid;
  launched = await launchBackgroundBlender(sb, blenderShotDir);
  ({ hub, blender } = await connectBlender(sb, launched));
  await blender.exec('bpy.context.scene.render.engine = "BLENDER_WORKBENCH"');
});

test.after.always(async () => {
  await stopBlender(blender ?? null, launched?.pid);
  hub?.close();
  try { process.kill(harmonyPid, 'SIGKILL'); } catch { /* gone */ }
  await sb?.cleanup();
});

async function ok(args: string[], cwd: string) {
  const r = await sb.run(args, { cwd, timeout: PATIENCE_MS * 3 });
  if (r.code !== 0) throw new Error(`dcc-kit ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
}

test.serial('a Harmony render loads into Blender (image empty + VSE strip), shows in its inventory, updates and is removed', async (t) => {
  await ok(['create', 'render', 'Main', '--attr', 'review=false'], harmonyShot);
  await ok(['publish', '--repair'], harmonyShot);
  const loaded = await sb.json<{ key: string; version: number; objects: string[] }>(['blender', 'load', 'shots/sh010/renderMain', '--json'], { cwd: blenderShotDir });
  t.like(loaded, { key: 'renderMain', version: 1 });
  t.deepEqual(loaded.objects, ['object:renderMain', 'image:renderMain', 'strip:renderMain']);
  const shape = await blender.eval<{ source: string; file: string; elements: number; start: number; empty: string }>(
    '(lambda s, i, o: {"source": i.source, "file": i.filepath, "elements": len(s.elements), "start": s.frame_start, "empty": o.empty_display_type})'
    + '(bpy.context.scene.sequence_editor.sequences_all["renderMain"], bpy.data.images["renderMain"], bpy.data.objects["renderMain"])');
  t.like(shape, { source: 'SEQUENCE', elements: 3, start: 1, empty: 'IMAGE' });
  t.regex(shape.file, /shots\/sh010\/renderMain\/v001\/renderMain\.0*1\.png$/);
  let inv = await sb.json<{ id: string; product: string; version: number; latest: number; status: string }[]>(['blender', 'inventory', '--json'], { cwd: blenderShotDir });
  t.deepEqual(inv.map((i) => [i.id, i.product, i.version, i.latest, i.status]), [['renderMain', 'shots/sh010/renderMain', 1, 1, 'latest']]);

  await ok(['publish', '--repair'], harmonyShot);
  inv = await sb.json(['blender', 'inventory', '--json'], { cwd: blenderShotDir });
  t.like(inv[0], { version: 1, latest: 2, status: 'outdated' });
  const updated = await sb.json<{ updated: { id: string; from: number; to: number }[] }>(['blender', 'inventory', 'update', '--all', '--json'], { cwd: blenderShotDir });
  t.deepEqual(updated.updated, [{ id: 'renderMain', from: 1, to: 2 }]);
  t.regex(await blender.eval<string>('bpy.data.images["renderMain"].filepath'), /renderMain\/v002\//);
  t.is(await blender.eval('len(bpy.context.scene.sequence_editor.sequences_all["renderMain"].elements)'), 3);
  t.like((await sb.json<{ status: string }[]>(['blender', 'inventory', '--json'], { cwd: blenderShotDir }))[0], { status: 'latest', version: 2 });

  await ok(['blender', 'inventory', 'remove', 'renderMain'], blenderShotDir);
  t.deepEqual(await sb.json(['blender', 'inventory', '--json'], { cwd: blenderShotDir }), []);
  t.deepEqual(await blender.eval('["renderMain" in bpy.data.objects, "renderMain" in bpy.data.images, len(bpy.context.scene.sequence_editor.sequences_all)]'), [false, false, 0]);
});

test.serial('a Blender render loads into Harmony as an image sequence; update and remove there', async (t) => {
  await ok(['blender', 'create', 'render', 'Main'], blenderShotDir);
  await ok(['blender', 'publish', '--repair'], blenderShotDir);
  const loaded = await ok(['load', 'shots/sh020/renderMain'], harmonyShot);
  t.regex(loaded.stdout, /loaded shots\/sh020\/renderMain v1 \(png\) with imageSequence/);
  let inv = await sb.json<{ id: string; product: string; version: number; status: string }[]>(['inventory', '--json'], { cwd: harmonyShot });
  const item = inv.find((i) => i.product === 'shots/sh020/renderMain')!;
  t.like(item, { version: 1, status: 'latest' });
  await ok(['blender', 'publish'], blenderShotDir);
  inv = await sb.json(['inventory', '--json'], { cwd: harmonyShot });
  t.like(inv.find((i) => i.product === 'shots/sh020/renderMain'), { version: 1, status: 'outdated' });
  const up = await ok(['inventory', 'update', '--all'], harmonyShot);
  t.regex(up.stdout, new RegExp(`updated ${item.id.slice(0, 8)}: v1 -> v2`));
  await ok(['inventory', 'remove', item.id], harmonyShot);
  t.false((await sb.json<{ product: string }[]>(['inventory', '--json'], { cwd: harmonyShot })).some((i) => i.product === 'shots/sh020/renderMain'));
});

test.serial('a published .blend loads into Blender as linked collections, updates to a new version, and is removed', async (t) => {
  // The workfile published with the Blender render above: the default scene's collection.
  const loaded = await sb.json<{ key: string; objects: string[]; version: number }>(['blender', 'load', 'shots/sh020/workfileLayout@1', '--json'], { cwd: blenderShotDir });
  t.is(loaded.key, 'workfileLayout');
  t.true(loaded.objects.some((o) => o.startsWith('library:')));
  const inst = loaded.objects.find((o) => o.startsWith('object:'))!.slice('object:'.length);
  t.deepEqual(await blender.eval(`(lambda o: [o.instance_type, o.instance_collection.library is not None])(bpy.data.objects[${JSON.stringify(inst)}])`), ['COLLECTION', true]);
  const updated = await sb.json<{ updated: { from: number; to: number }[] }>(['blender', 'inventory', 'update', 'workfileLayout', '--json'], { cwd: blenderShotDir });
  t.deepEqual(updated.updated.map((u) => [u.from, u.to]), [[1, 2]]);
  t.regex(await blender.eval<string>(`bpy.data.objects[${JSON.stringify(inst)}].instance_collection.library.filepath`), /workfileLayout\/v002\/workfileLayout\.blend$/);
  await ok(['blender', 'inventory', 'remove', 'workfileLayout'], blenderShotDir);
  t.deepEqual(await blender.eval(`[${JSON.stringify(inst)} in bpy.data.objects, len(bpy.data.libraries)]`), [false, 0]);
});
