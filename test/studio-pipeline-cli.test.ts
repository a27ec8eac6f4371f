import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sandbox, ROOT } from './support/cli.ts';
import { shotOnDisk } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { copyStudioExample, STUDIO_EXAMPLE } from './support/studio.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { openWorkfile } from '../adapters/harmony/workfiles/local-copy.ts';

const SHOT_RC = (shot: string) => `context:\n  folder: shots/${shot}\n  task: anim\n  frameStart: 1001\n  frameEnd: 1060\n`;
const PROJECT_RC = (store: string, extra = '') => `context:\n  project: demo\n  fps: 24\npublish:\n  root: ${store}\n${extra}web:\n  enabled: false\n`;

function killLater(t: { teardown(fn: () => unknown): void }, pid: number) {
  t.teardown(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
}

test('by the CLI: the studio validator stops a publish with its own message and passes good input; the studio creator and loader are listed and work', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  copyStudioExample(sb.dir);
  const { shot, zip } = await shotOnDisk(sb.dir, { shot: 'sh030', workfile: 'sh030_anim_v001', projectRc: (store) => PROJECT_RC(store), shotRc: SHOT_RC('sh030') });

  const listed = await sb.json<{ adapters: { adapter: string; plugins: { label: string; source: string; builtIn: boolean }[]; creators: { name: string; builtIn: boolean }[]; loaders: { name: string; builtIn: boolean }[]; problems: unknown[] }[] }>(['plugins', '--json'], { cwd: shot });
  const harmony = listed.adapters.find((a) => a.adapter === 'harmony')!;
  t.deepEqual(harmony.problems, []);
  t.like(harmony.plugins.find((p) => p.label === 'Validate No Temp Nodes'), { builtIn: false, source: path.join(sb.dir, 'plugins', 'validate-temp-nodes.ts') });
  t.like(harmony.plugins.find((p) => p.label === 'Validate Scene Settings'), { builtIn: true });
  t.like(harmony.creators.find((c) => c.name === 'layout'), { builtIn: false });
  t.like(harmony.loaders.find((l) => l.name === 'layout'), { builtIn: false });
  const help = await sb.run(['create', '--help'], { cwd: shot });
  t.regex(help.stdout, /layout\s+A PEG node whose position and scale publish as a layout \[layout\]\n\s+studio creator: .*creators[\\/]layout\.ts/);
  t.regex(help.stdout, /render\s+A WRITE node/);
  t.regex((await sb.run(['load', '--help'], { cwd: shot })).stdout, /layout\s+Layout peg: layout \(json\)\n\s+studio loader: .*loaders[\\/]layout\.ts/);

  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json'], { cwd: shot });
  killLater(t, launched.pid);
  const list = await sb.run(['create', 'list'], { cwd: shot });
  t.regex(list.stdout, /creators: render, template, workfile \(automatic\), layout \(studio: .*layout\.ts\)/);
  const created = await sb.run(['create', 'layout', 'Main'], { cwd: shot });
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /created layoutMain \(layout\) as Top\/layoutMain for shots\/sh030/);

  t.is((await sb.run(['call', 'harmony', '(function () { return node.add("Top", "TMP_test", "PEG", 0, 0, 0); })'], { cwd: shot })).code, 0);
  const stopped = await sb.run(['publish', '--dry-run'], { cwd: shot, timeout: PATIENCE_MS });
  t.is(stopped.code, 1, stopped.stdout);
  t.regex(stopped.stdout, /FAILED Validate No Temp Nodes \(\d+ ms\): studio rule: temporary nodes must not be published: Top\/TMP_test/);
  t.regex(stopped.stderr, /Validate No Temp Nodes failed: studio rule: temporary nodes must not be published: Top\/TMP_test\. Delete the TMP_ nodes/);

  t.is((await sb.run(['call', 'harmony', '(function () { node.deleteNode("Top/TMP_test", true, true); return true; })'], { cwd: shot })).code, 0);
  const dry = await sb.run(['publish', '--dry-run'], { cwd: shot, timeout: PATIENCE_MS });
  t.is(dry.code, 0, dry.stderr + dry.stdout);
  t.regex(dry.stdout, /ok {5}Validate No Temp Nodes \(\d+ ms\): no temporary nodes among \d+/);
  t.regex(dry.stdout, /- {6}Extract Layout \[layoutMain\] \(0 ms\): dry run: would run/);

  const published = await sb.run(['publish'], { cwd: shot, timeout: PATIENCE_MS * 2 });
  t.is(published.code, 0, published.stderr + published.stdout);
  t.regex(published.stdout, /ok {5}Extract Layout \[layoutMain\]/);
  t.regex(published.stdout, /published shots\/sh030\/layoutMain v1/);
  t.regex((await sb.run(['load', '--list'], { cwd: shot })).stdout, /layout\s+layout\s+json\s+studio .*layout\.ts/);
  const loaded = await sb.run(['load', 'shots/sh030/layoutMain'], { cwd: shot });
  t.is(loaded.code, 0, loaded.stderr);
  t.regex(loaded.stdout, /loaded shots\/sh030\/layoutMain v1 \(json\) with layout: Top\/layoutMain_1/);
  t.regex((await sb.run(['inventory'], { cwd: shot })).stdout, /shots\/sh030\/layoutMain\s+layout\s+v1\s+v1\s+latest/);
});

test('broken studio plugin files are reported with their path and error (plugins, config, hub log, publish) and the built-in publish still runs', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const broken = path.join(sb.dir, 'proj', 'broken');
  fs.mkdirSync(broken, { recursive: true });
  fs.writeFileSync(path.join(broken, 'syntax.ts'), 'export default { label: "Syntax", order: 1, process() { return ( } };\n');
  fs.writeFileSync(path.join(broken, 'no-export.mjs'), 'export const somethingElse = 1;\n');
  fs.writeFileSync(path.join(broken, 'throws.js'), 'throw new Error("the studio server is down");\n');
  fs.writeFileSync(path.join(broken, 'shape.ts'), 'export default { label: "Half a plugin" };\n');
  const { shot, zip } = await shotOnDisk(sb.dir, {
    shot: 'sh040', workfile: 'sh040_anim_v001', shotRc: SHOT_RC('sh040'),
    projectRc: (store) => PROJECT_RC(store, `  plugins: [${JSON.stringify(path.join(STUDIO_EXAMPLE, 'plugins'))}, ./broken, ./missing-folder]\n  disable: ["Validate Audio"]\n`),
  });

  const plugins = await sb.run(['plugins'], { cwd: shot });
  t.is(plugins.code, 1);
  t.regex(plugins.stdout, /syntax\.ts: does not load: SyntaxError: .*\(publish\.plugins\)/);
  t.regex(plugins.stdout, /no-export\.mjs: exports nothing dcc-kit uses: export default one record or an array of them \(or export const plugins = \[\.\.\.\]\) \(publish\.plugins\)/);
  t.regex(plugins.stdout, /throws\.js: does not load: the studio server is down \(at throws\.js:1:\d+\)/);
  t.regex(plugins.stdout, /shape\.ts: exports a plugin "Half a plugin" that cannot run: order must be a number .*; process must be a function/);
  t.regex(plugins.stdout, /missing-folder: the path does not exist/);
  t.regex(plugins.stdout, /Validate Audio\s+\*\s+disabled\s+built-in/);
  t.regex(plugins.stdout, /Validate No Temp Nodes\s+\*\s+active\s+studio/);
  const config = await sb.run(['config'], { cwd: shot });
  t.is(config.code, 0);
  t.regex(config.stdout, /studio extensions not loaded[\s\S]*broken[\\/]syntax\.ts: does not load: SyntaxError/);

  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json'], { cwd: shot });
  killLater(t, launched.pid);
  const published = await sb.run(['publish'], { cwd: shot, timeout: PATIENCE_MS * 2 });
  t.is(published.code, 0, published.stderr + published.stdout);
  t.regex(published.stderr, /studio extension not loaded \(the other plugins run\): .*broken[\\/]syntax\.ts: does not load: SyntaxError/);
  t.regex(published.stdout, /ok {5}Validate No Temp Nodes/);
  t.notRegex(published.stdout, /Validate Audio/);
  t.regex(published.stdout, /published shots\/sh040\/workfileAnim v1/);
  const log = path.join(sb.env.DCC_KIT_HOME!, 'logs', 'hub.log');
  await until(() => /studio extension not loaded: .*broken[\\/]throws\.js: does not load: the studio server is down/.test(fs.readFileSync(log, 'utf8')), PATIENCE_MS, 'the hub log to name the broken file');
});

test('by the menu: Publish... in the simulator runs the studio validator, which stops the publish with its message; good input publishes', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  copyStudioExample(sb.dir);
  const { shot, zip } = await shotOnDisk(sb.dir, { shot: 'sh050', workfile: 'sh050_anim_v001', projectRc: (store) => PROJECT_RC(store), shotRc: SHOT_RC('sh050') });
  await sb.json(['hub', 'start', '--json']);
  // The workfile opened as a launch would (its local copy remembers the archive, so the hub reads the
  // shot's settings and studio plugins from the archive's folder), with a temporary node in it.
  const opened = await openWorkfile(zip, { workArea: path.join(sb.env.DCC_KIT_HOME!, 'harmony') });
  const scenePath = opened.scene;
  const edit = (fn: (s: SimScene) => void) => {
    const s = SimScene.open(scenePath);
    fn(s);
    s.saveAll();
  };
  edit((s) => s.state.nodes.set('Top/TMP_wip', { ...structuredClone(s.state.nodes.get('Top/Composite')!), name: 'TMP_wip' }));
  const run = (expect: RegExp) => new Promise<string>((resolve, reject) => {
    const sim = spawn(process.execPath, [path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js'), '--trigger', 'dcc-kit/Publish...', '--answer', 'ok', scenePath], {
      env: { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(ROOT, 'startup-scripts', 'harmony') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    killLater(t, sim.pid!);
    let out = '';
    const timer = setTimeout(() => { sim.kill('SIGKILL'); reject(new Error(`no ${expect} in:\n${out}`)); }, PATIENCE_MS * 2);
    const seen = (d: Buffer) => {
      out += d.toString();
      if (expect.test(out)) { clearTimeout(timer); sim.kill('SIGKILL'); resolve(out); }
    };
    sim.stdout.on('data', seen);
    sim.stderr.on('data', seen);
  });
  const failed = await run(/\[MessageBox\.\w+\] dcc-kit: the publish failed\.[^\n]*\n?[^\n]*Validate No Temp Nodes/);
  t.regex(failed, /Validate No Temp Nodes failed: studio rule: temporary nodes must not be published: Top\/TMP_wip/);
  edit((s) => s.state.nodes.delete('Top/TMP_wip'));
  const good = await run(/\[MessageBox\.\w+\] dcc-kit: (published|the publish failed)/);
  t.regex(good, /dcc-kit: published shots\/sh050\/workfileAnim v1/, good);
});
