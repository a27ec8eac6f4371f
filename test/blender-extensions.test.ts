/**
 * Blender's creators and loaders are records of the kit's registry, on the REAL Blender: a studio creator and
 * a studio loader named in the project's .dcckitrc (`blender.creators`, `blender.loaders`) appear in
 * `dcc-kit plugins`, in `dcc-kit create` / `dcc-kit load` for the Blender session and in the page's tool
 * endpoints, and run their Blender halves (their `blenderScript`, registered on first use). The built-in
 * movie loader loads a movie made by ffmpeg and published into the store as a VSE movie strip and its sound,
 * and updates and removes it like the image-sequence loader.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { HubClient } from '../kit/hub/client.ts';
import type { BlenderSession } from '../adapters/blender/session.ts';
import { ProductStore } from '../kit/store/index.ts';
import { blenderShot, connectBlender, launchBackgroundBlender, stopBlender, type BlenderShot, type LaunchedBlender } from './support/blender.ts';
import { frames, publishFiles } from './support/products.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { redeemPageLink } from './support/page-access.ts';

/** The studio example's Blender creator and loader (examples/studio-pipeline/blender), as a project names them. */
const EXAMPLE = path.resolve(import.meta.dirname, '..', 'examples', 'studio-pipeline', 'blender');

let rig: BlenderShot;
let launched: LaunchedBlender;
let hub: HubClient;
let blender: BlenderSession;

test.before(async () => {
  rig = blenderShot({ projectRc: `blender: { creators: [${JSON.stringify(path.join(EXAMPLE, 'creators'))}], loaders: [${JSON.stringify(path.join(EXAMPLE, 'loaders'))}] }\n` });
  launched = await launchBackgroundBlender(rig.sb, rig.shot);
  ({ hub, blender } = await connectBlender(rig.sb, launched));
});

test.after.always(async () => {
  await stopBlender(blender ?? null, launched?.pid);
  hub?.close();
  await rig?.sb.cleanup();
});

async function ok(args: string[]) {
  const r = await rig.sb.run(args, { cwd: rig.shot, timeout: PATIENCE_MS * 3 });
  if (r.code !== 0) throw new Error(`dcc-kit ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
}

test.serial('a studio creator from blender.creators: listed by dcc-kit plugins, dcc-kit create and the page; its Blender half makes and removes a camera', async (t) => {
  const plugins = JSON.parse((await ok(['plugins', '--json'])).stdout) as { adapters: { adapter: string; creators: { name: string; builtIn: boolean; source: string }[]; loaders: { name: string; builtIn: boolean }[] }[] };
  const set = plugins.adapters.find((a) => a.adapter === 'blender')!;
  t.deepEqual(set.creators.map((c) => [c.name, c.builtIn]), [['render', true], ['workfile', true], ['camera', false]]);
  t.is(set.creators[2]!.source, path.join(EXAMPLE, 'creators', 'camera.ts'));
  t.deepEqual(set.loaders.map((l) => [l.name, l.builtIn]), [['layout', false], ['imageSequence', true], ['blend', true], ['movie', true]]);

  // The page asks the session's adapter for its creators and loaders (kit/web/views.ts).
  const { url } = await rig.sb.json<{ url: string }>(['ui', 'create', '--url', '--session', blender.id, '--json'], { cwd: rig.shot });
  const access = await redeemPageLink(url);
  const view = async (name: string) => {
    const r = await fetch(`${access.origin}/${name}?session=${blender.id}`, { headers: { Cookie: access.cookie } });
    t.is(r.status, 200, name);
    return r.text();
  };
  const createView = await view('create');
  t.regex(createView, /<strong>Shot camera<\/strong> <span class="muted" title="[^"]*camera\.ts">\(studio\)<\/span>/);
  t.regex(createView, /<select id="attr-camera-lens" name="attr\.lens"><option selected>35<\/option><option>50<\/option><\/select>/);
  t.regex(await view('load'), /<tr data-loader="layout"><td>Layout empty<\/td><td>layout<\/td><td>json<\/td><td class="muted">studio: [^<]*layout\.ts<\/td><\/tr>/);
  const listed = JSON.parse((await ok(['create', 'list', '--session', blender.id, '--json'])).stdout) as { creators: { name: string }[] };
  t.deepEqual(listed.creators.map((c) => c.name), ['render', 'workfile', 'camera'], 'dcc-kit create talks to the Blender session\'s adapter');

  const bad = await rig.sb.run(['create', 'camra', 'Main', '--session', blender.id], { cwd: rig.shot });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown creator "camra"\. Did you mean "camera"\?/i);

  t.is(await blender.eval('bpy.data.objects.get("cameraMain") is None'), true);
  const made = JSON.parse((await ok(['create', 'camera', 'Main', '--attr', 'lens=50', '--session', blender.id, '--json'])).stdout) as Record<string, unknown>;
  t.like(made, { key: 'cameraMain', creator: 'camera', productType: 'camera', productName: 'cameraMain', variant: 'Main', folder: 'shots/sh020', attributes: { lens: '50' }, object: 'cameraMain' });
  t.deepEqual(await blender.eval('[bpy.data.objects["cameraMain"].type, bpy.data.objects["cameraMain"].data.lens]'), ['CAMERA', 50]);
  const instances = await rig.sb.json<{ productName: string }[]>(['blender', 'instances', '--json'], { cwd: rig.shot });
  t.deepEqual(instances.map((i) => i.productName), ['cameraMain']);

  const again = await rig.sb.run(['blender', 'create', 'camera', 'Main'], { cwd: rig.shot });
  t.is(again.code, 1);
  t.regex(again.stderr, /already has an instance cameraMain/);

  await ok(['create', 'remove', 'cameraMain', '--session', blender.id]);
  t.deepEqual(await blender.eval('[bpy.data.objects.get("cameraMain") is None, len(__import__("json").loads(bpy.data.texts["dcckit.pipeline"].as_string())["instances"])]'), [true, 0]);
});

test.serial('a studio loader from blender.loaders: dcc-kit load --list and load for the Blender session; the inventory updates and removes its container', async (t) => {
  const store = new ProductStore({ root: rig.store });
  const layout = (x: number, scale: number) => JSON.stringify({ x, y: -2, scaleX: scale, scaleY: scale });
  await publishFiles(store, rig.sb.dir, 'shots/sh020', 'layoutMain', 'layout', { name: 'json', ext: 'json' }, { 'layoutMain.json': layout(3, 2) });
  const loaders = JSON.parse((await ok(['load', '--list', '--session', blender.id, '--json'])).stdout) as { name: string; builtIn: boolean }[];
  t.deepEqual(loaders.map((l) => l.name), ['layout', 'imageSequence', 'blend', 'movie']);

  const loaded = JSON.parse((await ok(['load', 'layoutMain', '--session', blender.id, '--json'])).stdout) as { id: string; loader: string; version: number; nodes: string[] };
  t.like(loaded, { id: 'layoutMain', loader: 'layout', version: 1 });
  t.deepEqual(loaded.nodes, ['object:layoutMain']);
  const placed = () => blender.eval<number[]>('(lambda o: [o.location.x, o.location.y, o.scale.x])(bpy.data.objects["layoutMain"])');
  t.deepEqual(await placed(), [3, -2, 2]);

  await publishFiles(store, rig.sb.dir, 'shots/sh020', 'layoutMain', 'layout', { name: 'json', ext: 'json' }, { 'layoutMain.json': layout(5, 1) });
  const updated = await rig.sb.json<{ updated: unknown[] }>(['blender', 'inventory', 'update', 'layoutMain', '--json'], { cwd: rig.shot });
  t.deepEqual(updated.updated, [{ id: 'layoutMain', from: 1, to: 2 }]);
  t.deepEqual(await placed(), [5, -2, 1], 'the same empty takes the new values');

  await ok(['blender', 'inventory', 'remove', 'layoutMain']);
  t.is(await blender.eval('bpy.data.objects.get("layoutMain") is None'), true, 'without a remove of its own, the container\'s objects are deleted');
  t.deepEqual(await rig.sb.json(['blender', 'inventory', '--json'], { cwd: rig.shot }), []);
});

function movie(file: string, seconds: number, withSound: boolean, color: string): void {
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${color}:size=160x90:rate=25:duration=${seconds}`];
  if (withSound) args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac', '-shortest');
  args.push('-c:v', 'libx264', '-pix_fmt', 'yuv420p', file);
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

/** A render version as review publishes write it: PNG frames, and the movie as the `mp4` representation. */
async function publishReviewRender(store: ProductStore, product: string, seconds: number, withSound: boolean, color: string): Promise<number> {
  const src = fs.mkdtempSync(path.join(rig.sb.dir, 'movie-'));
  const mp4 = path.join(src, `${product}.mp4`);
  movie(mp4, seconds, withSound, color);
  const pngs = Object.entries(frames(product, 1001, 1003)).map(([name, body]) => {
    fs.writeFileSync(path.join(src, name), body);
    return { source: path.join(src, name), path: name };
  });
  const v = await store.reserve({ folder: 'shots/sh020', product, productType: 'render' });
  await v.addFiles('png', 'png', pngs, { frameStart: 1001, frameEnd: 1003 });
  await v.addFiles('mp4', 'mp4', [{ source: mp4, path: `${product}.mp4` }], { frameStart: 1001, frameEnd: 1000 + seconds * 25, tags: ['review'] });
  await v.commit({ source: null, context: { folder: 'shots/sh020' } });
  return v.version;
}

test.serial('the movie loader: a review mp4 (ffmpeg, through the store) loads as a VSE movie strip and its sound; update and remove', async (t) => {
  const store = new ProductStore({ root: rig.store });
  await publishReviewRender(store, 'renderEdit', 2, true, 'red');
  const loaded = await rig.sb.json<{ key: string; loader: string; representation: string; objects: string[] }>(['blender', 'load', 'shots/sh020/renderEdit', '--representation', 'mp4', '--json'], { cwd: rig.shot });
  t.like(loaded, { key: 'renderEdit', loader: 'movie', representation: 'mp4' });
  t.deepEqual(loaded.objects.slice(0, 2), ['strip:renderEdit', 'strip:renderEdit.sound']);
  const strips = () => blender.eval<[string, string, number, number, string, number][]>(
    '[[s.name, s.type, s.frame_start, s.frame_final_duration, (s.filepath if s.type == "MOVIE" else s.sound.filepath), s.channel] for s in sorted(bpy.context.scene.sequence_editor.sequences_all, key=lambda s: s.channel)]');
  const first = await strips();
  t.deepEqual(first.map((s) => s.slice(0, 3)), [['renderEdit', 'MOVIE', 1001], ['renderEdit.sound', 'SOUND', 1001]]);
  t.is(first[0]![3], 50, 'the movie strip has the movie\'s 2 s at 25 fps');
  t.true(Math.abs(first[1]![3] - 50) <= 2, `the sound strip lasts the movie's sound (${first[1]![3]} frames; AAC pads a frame or so)`);
  for (const s of first) t.regex(s[4], /shots\/sh020\/renderEdit\/v001\/renderEdit\.mp4$/, 'Blender reads the store file in place');
  const channels = first.map((s) => s[5]);

  // The same product's PNG frames still go to the image-sequence loader by default.
  const frames1 = await rig.sb.json<{ loader: string; key: string }>(['blender', 'load', 'shots/sh020/renderEdit', '--json'], { cwd: rig.shot });
  t.like(frames1, { loader: 'imageSequence', key: 'renderEdit_2' });
  await ok(['blender', 'inventory', 'remove', 'renderEdit_2']);

  await publishReviewRender(store, 'renderEdit', 1, false, 'blue');
  t.like((await rig.sb.json<{ status: string }[]>(['blender', 'inventory', '--json'], { cwd: rig.shot }))[0], { status: 'outdated', version: 1, latest: 2 });
  const updated = await rig.sb.json<{ updated: unknown[]; failed: unknown[] }>(['blender', 'inventory', 'update', '--all', '--json'], { cwd: rig.shot });
  t.deepEqual(updated, { updated: [{ id: 'renderEdit', from: 1, to: 2 }], unchanged: [], failed: [] });
  const second = await strips();
  t.deepEqual(second.map((s) => s.slice(0, 4)), [['renderEdit', 'MOVIE', 1001, 25]], 'v2 has no sound: no sound strip is left behind');
  t.regex(second[0]![4], /renderEdit\/v002\/renderEdit\.mp4$/);
  t.is(second[0]![5], channels[0], 'the strip stays on its channel');
  t.like((await rig.sb.json<{ status: string }[]>(['blender', 'inventory', '--json'], { cwd: rig.shot }))[0], { status: 'latest', version: 2 });

  await ok(['blender', 'inventory', 'remove', 'renderEdit']);
  t.deepEqual(await blender.eval('[len(bpy.context.scene.sequence_editor.sequences_all), len([s for s in bpy.data.sounds if s.users])]'), [0, 0]);
  t.deepEqual(await rig.sb.json(['blender', 'inventory', '--json'], { cwd: rig.shot }), []);
});
