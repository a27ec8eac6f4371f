/**
 * A shot's first workfile (issue 20 item 5), through the CLI and the simulator: `dcc-kit launch harmony` in a
 * shot folder whose context has a folder and a task gives Harmony the shot's first workfile at once, named by
 * harmony.workfiles.template, with the scene inside named after it; `launch harmony <new>.zip` makes that
 * workfile; and a new shot goes from launch to a published render with no manual save.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { extractZip, zipDirectory } from '../kit/archive/index.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { PATIENCE_MS } from './support/patience.ts';

interface Launched { pid: number; session: { id: string; scene: string } }

function project(dir: string, extraRc = ''): { root: string; store: string } {
  const root = path.join(dir, 'proj');
  const store = path.join(dir, 'store');
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, '.dcckitrc'), `context:\n  project: demo\n  fps: 24\npublish:\n  root: ${store}\nweb:\n  enabled: false\n${extraRc}`);
  return { root, store };
}

function shot(root: string, name: string, task = 'anim'): string {
  const dir = path.join(root, 'shots', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.dcckitrc'), `context:\n  folder: shots/${name}\n  task: ${task}\n  frameStart: 1001\n  frameEnd: 1004\n`);
  return dir;
}

test('a new shot: launch in its folder makes sh010_anim_v001.zip, then create and publish a render with no manual save', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { root } = project(sb.dir, 'harmony:\n  workfiles:\n    template: "{folder_name}_{task}_v{version:03}.zip"\n');
  const sh010 = shot(root, 'sh010');
  const launched = await sb.json<Launched>(['launch', 'harmony', '--simulate', '--timeout', String(PATIENCE_MS), '--json'], { cwd: sh010 });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  const zip = path.join(sh010, 'sh010_anim_v001.zip');
  t.true(fs.existsSync(zip), 'the first workfile is in the shot folder');
  t.is(path.basename(launched.session.scene), 'sh010_anim_v001.xstage');

  const created = await sb.run(['create', 'render', 'Main', '--attr', 'review=false'], { cwd: sh010 });
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /created renderMain \(render\) as Top\/renderMain for shots\/sh010 \/ anim/);
  const published = await sb.run(['publish', '--repair'], { cwd: sh010, timeout: PATIENCE_MS * 2 });
  t.is(published.code, 0, published.stderr + published.stdout);
  const products = await sb.json<{ products: { product: string; latest: number }[] }>(['products', '--json'], { cwd: sh010 });
  t.deepEqual(products.products.map((p) => `${p.product}@${p.latest}`).sort(), ['renderMain@1', 'workfileAnim@1']);

  // A second launch in the same folder opens that workfile at its highest version instead of making another.
  const highest = fs.readdirSync(sh010).filter((n) => /^sh010_anim_v\d{3}\.zip$/.test(n)).sort().at(-1)!;
  t.not(highest, 'sh010_anim_v001.zip', 'the publish moved the workfile up a version');
  process.kill(launched.pid, 'SIGKILL');
  const again = await sb.json<Launched>(['launch', 'harmony', '--simulate', '--timeout', String(PATIENCE_MS), '--force', '--json'], { cwd: sh010 });
  t.teardown(() => { try { process.kill(again.pid, 'SIGKILL'); } catch { /* gone */ } });
  const workfiles = await sb.json<Array<{ file: string }>>(['workfile', 'list', '--json'], { cwd: sh010 });
  t.is(workfiles.length, fs.readdirSync(sh010).filter((n) => n.endsWith('.zip')).length, 'no new workfile was made');
  t.regex(again.session.scene, /sh010_anim_v001\.xstage$/, 'the scene inside keeps the name of the first workfile');
});

test('launch harmony <new workfile>.zip makes it (scene named after it); a missing folder says how to start', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { root } = project(sb.dir);
  const sh020 = shot(root, 'sh020');
  fs.mkdirSync(path.join(sh020, 'work'));
  const zip = path.join(sh020, 'work', 'sh020_anim_v003.zip');
  const launched = await sb.json<Launched>(['launch', 'harmony', 'work/sh020_anim_v003.zip', '--simulate', '--timeout', String(PATIENCE_MS), '--json'], { cwd: sh020 });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  t.true(fs.existsSync(zip));
  t.is(path.basename(launched.session.scene), 'sh020_anim_v003.xstage');
  const ctx = await sb.json<{ context: { folder: string; task: string } }>(['context', '--session', launched.session.id, '--json']);
  t.like(ctx.context, { folder: 'shots/sh020', task: 'anim' });
  // A save goes to it.
  const saved = await sb.run(['workfile', 'save'], { cwd: sh020 });
  t.is(saved.code, 0, saved.stderr);
  t.regex(saved.stdout, /saved .*sh020_anim_v003\.zip/);

  const missing = await sb.run(['launch', 'harmony', 'nowhere/sh020_anim_v001.zip', '--simulate', '--timeout', String(PATIENCE_MS)], { cwd: sh020 });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /the folder .*nowhere does not exist\. Create it \(mkdir -p .*nowhere\) and launch again, or run dcc-kit launch harmony in the shot's folder/);
});

test('the first workfile is made from harmony.workfiles.templateScene when set; real Harmony without one is told to set it', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const tplSrc = path.join(sb.dir, 'tpl', 'studio_template');
  const scene = SimScene.createDefault(tplSrc, 'studio_template');
  scene.state.nodes.set('Top/studioRig', { ...structuredClone(scene.state.nodes.get('Top/Composite')!), name: 'studioRig' });
  scene.saveAll();
  const tplZip = path.join(sb.dir, 'tpl', 'studio_template.zip');
  await zipDirectory(tplSrc, tplZip);
  const { root } = project(sb.dir, `harmony:\n  workfiles:\n    templateScene: ${tplZip}\n`);
  const sh030 = shot(root, 'sh030', 'layout');
  const launched = await sb.json<Launched>(['launch', 'harmony', '--simulate', '--timeout', String(PATIENCE_MS), '--json'], { cwd: sh030 });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  const zip = path.join(sh030, 'sh030_layout_v001.zip');
  const peek = path.join(sb.dir, 'peek');
  await extractZip(zip, peek);
  t.deepEqual(fs.readdirSync(peek).filter((n) => n.endsWith('.xstage')), ['sh030_layout_v001.xstage']);
  t.true(SimScene.open(path.join(peek, 'sh030_layout_v001.xstage')).state.nodes.has('Top/studioRig'));

  // Real Harmony (an executable that is not the simulator) and no templateScene: nothing is made, and it says what to set.
  const bare = path.join(sb.dir, 'bare');
  const { root: root2 } = project(bare);
  const sh040 = shot(root2, 'sh040');
  const harmonyExe = path.join(sb.dir, 'HarmonyPremium');
  fs.writeFileSync(harmonyExe, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
  const real = await sb.run(['launch', 'harmony'], { cwd: sh040, env: { DCC_KIT_HARMONY_EXECUTABLE: harmonyExe } });
  t.is(real.code, 1);
  t.regex(real.stderr, /set harmony\.workfiles\.templateScene in the project's \.dcckitrc/);
  t.deepEqual(fs.readdirSync(sh040).filter((n) => n.endsWith('.zip') || n.includes('.dcckit-')), []);
});
