import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { pipelineRig, shotOnDisk } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

test('by the CLI: launch a shot workfile, create a render instance, publish with --repair (JSON events), list the products', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shot, zip } = await shotOnDisk(sb.dir, {
    shot: 'sh020', workfile: 'sh020_comp_v001',
    projectRc: (store) => `context:\n  project: demo\n  fps: 25\npublish:\n  root: ${store}\nweb:\n  enabled: false\n`,
    shotRc: 'context:\n  folder: shots/sh020\n  task: comp\n  frameStart: 1001\n  frameEnd: 1008\n  handleStart: 2\n  handleEnd: 2\n',
  });
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json'], { cwd: shot });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });

  const created = await sb.run(['create', 'render', 'Main', '--attr', 'review=false'], { cwd: shot });
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /created renderMain \(render\) as Top\/renderMain for shots\/sh020 \/ comp/);
  const list = await sb.json<{ instances: { key: string; attributes: { review: boolean } }[] }>(['create', 'list', '--json'], { cwd: shot });
  t.deepEqual(list.instances.map((i) => [i.key, i.attributes.review]), [['Top/renderMain', false]]);

  const refused = await sb.run(['publish'], { cwd: shot });
  t.is(refused.code, 1);
  t.regex(refused.stderr, /Validate Scene Settings failed: fps is 24, the context says 25.*--repair/);

  const published = await sb.run(['publish', '--repair', '--json'], { cwd: shot, timeout: PATIENCE_MS * 2 });
  t.is(published.code, 0, published.stderr + published.stdout);
  const events = published.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; result?: { plugin: string; success: boolean } });
  t.is(events[0]!.type, 'start');
  t.is(events.at(-1)!.type, 'end');
  t.true(events.some((e) => e.type === 'result' && e.result!.plugin === 'Extract Render (local)' && e.result!.success));
  const products = await sb.json<{ products: { product: string; latest: number }[] }>(['products', '--json'], { cwd: shot });
  t.deepEqual(products.products.map((p) => `${p.product}@${p.latest}`).sort(), ['renderMain@1', 'workfileComp@1']);
  const versions = await sb.json<{ manifest: { representations: { frameStart: number; frameEnd: number; files: unknown[] }[] } }[]>(['products', 'shots/sh020/renderMain', '--json'], { cwd: shot });
  t.like(versions[0]!.manifest.representations[0], { frameStart: 999, frameEnd: 1010 });
  t.is(versions[0]!.manifest.representations[0]!.files.length, 12);
  const ctx = await sb.json<{ context: { folder: string } }>(['context', '--session', (await sb.json<{ id: string }[]>(['sessions', '--json']))[0]!.id, '--json']);
  t.is(ctx.context.folder, 'shots/sh020');
});

test('by the menu: Publish... asks the artist for the comment in Harmony (Cancel publishes nothing), publishes with it and tells the artist; Set Scene Settings... says what changed', async (t) => {
  const rig = await pipelineRig(t);
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });
  const before = rig.sim.messages.length;
  t.true(rig.sim.triggerMenu('Set Scene Settings...'));
  await until(() => rig.sim.messages.length > before, PATIENCE_MS, 'the scene settings message');
  t.regex(rig.sim.messages.at(-1)!.text, /frames: 60 -> 12/);
  // Cancel: the question was asked in Harmony, and nothing is published.
  rig.sim.dialogAnswers.push({ ok: false });
  t.true(rig.sim.triggerMenu('Publish...'));
  await until(() => rig.sim.logLines.some((l) => /Publish\.\.\. cancelled by the artist/.test(l)), PATIENCE_MS, 'the cancelled publish');
  t.like(rig.sim.dialogs.at(-1), { title: 'dcc-kit: Publish', widgets: [{ kind: 'LineEdit', label: 'Comment' }], answer: { ok: false } });
  t.deepEqual(await rig.store.listVersions('shots/sh010', 'renderMain').catch(() => []), []);
  t.false(rig.sim.messages.some((m) => /publishing \(run/.test(m.text)), 'no publish was started');
  // OK: the comment typed goes into the version.
  rig.sim.dialogAnswers.push({ ok: true, values: { Comment: 'blocking pass, hands fixed' } });
  t.true(rig.sim.triggerMenu('Publish...'));
  await until(() => rig.sim.messages.some((m) => /published /.test(m.text)), PATIENCE_MS * 2, 'the publish message');
  t.regex(rig.sim.messages.find((m) => /published /.test(m.text))!.text, /shots\/sh010\/renderMain v1/);
  t.is(rig.sim.dialogs.length, 2);
  const latest = await rig.store.resolve({ folder: 'shots/sh010', product: 'renderMain', version: 'latest' });
  t.is(latest.version, 1);
  t.is(latest.manifest.comment, 'blocking pass, hands fixed');
  const manifest = JSON.parse(fs.readFileSync(path.join(latest.path, 'version.json'), 'utf8')) as { comment?: string };
  t.is(manifest.comment, 'blocking pass, hands fixed');
});

test('a hub killed during a publish: the CLI says what happened and what to do, and nothing the run left is latest', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shot, zip } = await shotOnDisk(sb.dir, {
    shot: 'sh050', workfile: 'sh050_comp_v001',
    projectRc: (store) => `context:\n  project: demo\n  fps: 24\npublish:\n  root: ${store}\nweb:\n  enabled: false\n`,
    // Enough frames that the render is still running when the hub is killed.
    shotRc: 'context:\n  folder: shots/sh050\n  task: comp\n  frameStart: 1001\n  frameEnd: 1400\n',
  });
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json'], { cwd: shot });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  t.is((await sb.run(['create', 'render', 'Main'], { cwd: shot })).code, 0);
  const hubPid = (JSON.parse(fs.readFileSync(path.join(sb.env.DCC_KIT_HOME!, 'run', 'hub.json'), 'utf8')) as { pid: number }).pid;

  const publishing = sb.run(['publish', '--repair'], { cwd: shot, timeout: PATIENCE_MS * 4 });
  const logs = path.join(sb.env.DCC_KIT_HOME!, 'logs', 'hub.log');
  await until(() => /publish [0-9a-f-]+: session/.test(fs.readFileSync(logs, 'utf8')), PATIENCE_MS * 2, 'the publish to start in the hub');
  // Killed once the batch render has written a frame (its log, in the run's staging folder, says so).
  const staging = path.join(sb.env.DCC_KIT_HOME!, 'staging');
  const rendering = () => (fs.existsSync(staging) ? fs.readdirSync(staging) : [])
    .some((run) => { try { return /: frame \d+ -> /.test(fs.readFileSync(path.join(staging, run, 'render.log'), 'utf8')); } catch { return false; } });
  await until(rendering, PATIENCE_MS * 2, 'the render to write a frame');
  process.kill(hubPid, 'SIGKILL');
  const r = await publishing;
  t.is(r.code, 1, r.stdout);
  t.regex(r.stderr, /the hub stopped during the publish \(run [0-9a-f-]+\).*dcc-kit hub start.*dcc-kit products prune/);
  t.notRegex(r.stderr, /unexpected error/);
  // Nothing the killed run left is latest.
  const listed = await sb.run(['products', '--json'], { cwd: shot });
  for (const p of (JSON.parse(listed.stdout) as { products: { product: string; latest: number | null }[] }).products) t.is(p.latest, null, `${p.product} has no complete version`);
});
