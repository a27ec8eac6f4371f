import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sandbox, ROOT } from './support/cli.ts';
import { simEnv, startHub, startSim, tempDir, until } from './support/harmony.ts';
import { connectHub } from '../kit/hub/client.ts';
import { PATIENCE_MS } from './support/patience.ts';

const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');
const AYON = fileURLToPath(new URL('./fixtures/ayon-harmony/', import.meta.url));
const OPENHARMONY_LIKE = fileURLToPath(new URL('./fixtures/openharmony-like', import.meta.url));

function sim(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SIM, ...args], { env, timeout: PATIENCE_MS }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, out: stdout + stderr });
    });
  });
}

test('__file__ names the script being run, as in Harmony (OpenHarmony finds its folder with it)', async (t) => {
  const dir = tempDir(t);
  const scripts = path.join(dir, 'scripts');
  fs.mkdirSync(path.join(scripts, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(scripts, 'lib', 'openHarmonyLike.js'), 'var libFolder = __file__.split("/").slice(0, -1).join("/");\n');
  fs.writeFileSync(path.join(scripts, 'TB_sceneOpened.js'), 'var opened = __file__;\ninclude(opened.split("/").slice(0, -1).join("/") + "/lib/openHarmonyLike.js");\nvar afterInclude = __file__;\nfunction TB_sceneOpened() {}\n');
  const hub = await startHub(t);
  const s = startSim(t, { ...simEnv(hub, dir), TOONBOOM_GLOBAL_SCRIPT_LOCATION: scripts }, {}, dir);
  const { SimScene } = await import('../adapters/harmony/simulator/dom/index.ts');
  SimScene.createDefault(path.join(dir, 'shot'), 'shot');
  s.open(path.join(dir, 'shot', 'shot.xstage'));
  t.is(s.evaluate('opened'), path.join(scripts, 'TB_sceneOpened.js'));
  t.is(s.evaluate('libFolder'), path.join(scripts, 'lib'));
  t.is(s.evaluate('afterInclude'), path.join(scripts, 'TB_sceneOpened.js'), 'restored after the include');
});

test('the simulator says which startup script ran, and why none did; it leaves no temp folder', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const empty = path.join(sb.dir, 'empty-scripts');
  fs.mkdirSync(empty);
  const none = await sim(['--trigger', 'Load...'], { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: empty });
  t.is(none.code, 2);
  t.regex(none.out, /no startup script ran: no TB_sceneCreated\.js in .*empty-scripts or .*Set TOONBOOM_GLOBAL_SCRIPT_LOCATION .* or run dcc-kit install harmony/);
  // A stock AYON install has only TB_sceneOpened.js.
  const ayonOnly = path.join(sb.dir, 'ayon-only');
  fs.mkdirSync(ayonOnly);
  fs.copyFileSync(path.join(AYON, 'TB_sceneOpened.js'), path.join(ayonOnly, 'TB_sceneOpened.js'));
  const ayonNew = await sim(['--trigger', 'Load...'], { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: ayonOnly });
  t.regex(ayonNew.out, /this new scene runs TB_sceneCreated\.js, and .* only has TB_sceneOpened\.js/);
  const ours = await sim(['--trigger', 'dcc-kit/Load...', '--exit-after-trigger'], { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(ROOT, 'startup-scripts', 'harmony') });
  t.is(ours.code, 0, ours.out);
  t.regex(ours.out, /ran TB_sceneCreated\(\) from .*startup-scripts\/harmony\/TB_sceneCreated\.js/);
  // No hub here: the script does not connect, and the item says so itself.
  t.regex(ours.out, /the startup script opened no connection to the hub within 1000 ms: triggering "dcc-kit\/Load\.\.\."/);
  t.regex(ours.out, /MessageBox.warning\] dcc-kit: Load\.\.\. needs the dcc-kit hub/);
  t.regex(ours.out, /the triggered item showed a message without sending a request; exiting/);
  // The new scene's temp folder (named in the simulator's output) is gone once it exited.
  for (const out of [none.out, ayonNew.out, ours.out]) {
    const folder = /scene (\S+)\/untitled\/untitled\.xstage/.exec(out)?.[1];
    t.truthy(folder, out);
    t.false(fs.existsSync(folder!), `${folder} was left behind`);
  }
});

test('--trigger waits for the connection of a foreign client (AYON\'s), and --exit-after-trigger exits once it was served', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), 'harmony:\n  compat: ayon\nweb:\n  enabled: false\n');
  const hub = await sb.json<{ port: number }>(['hub', 'start', '--json']);
  const scene = path.join(sb.dir, 'shot');
  const { SimScene } = await import('../adapters/harmony/simulator/dom/index.ts');
  SimScene.createDefault(scene, 'shot');
  const r = await sim([path.join(scene, 'shot.xstage'), '--trigger', 'AYON/Load...', '--exit-after-trigger'], {
    ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: AYON, AYON_HARMONY_PORT: String((hub as unknown as { port: number }).port), AYON_MENU_LABEL: 'AYON',
  });
  t.is(r.code, 0, r.out);
  t.regex(r.out, /ran TB_sceneOpened\(\) from .*ayon-harmony/);
  // Triggered on the client's connection, not after the simulator's own wait ran out.
  t.regex(r.out, /the startup script connected to the hub \(its first frame got no answer.*\): triggering "AYON\/Load\.\.\."/);
  t.notRegex(r.out, /no connection from the startup script within/);
  t.regex(r.out, /no answer to the triggered request \(the hub does not answer this client's requests\)/);
  // dcc-kit's own client, to the same hub: the hub answers its request, and the answer is handled before the exit.
  const ours = await sim(['--trigger', 'dcc-kit/Load...', '--exit-after-trigger'], { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(ROOT, 'startup-scripts', 'harmony') });
  t.is(ours.code, 0, ours.out);
  t.regex(ours.out, /the startup script connected to the hub: triggering "dcc-kit\/Load\.\.\."/);
  t.regex(ours.out, /the triggered request was answered; exiting[^]*\[MessageBox\.information\] dcc-kit: the store/);
  const log = fs.readFileSync(path.join(sb.env.DCC_KIT_HOME!, 'logs', 'hub.log'), 'utf8');
  t.regex(log, /accepted an unauthenticated legacy harmony client/);
});

test('a library written for Harmony loads as in Harmony (QDir, File, widgets, Matrix4x4, a missing include) and the AYON-style client that includes it connects', async (t) => {
  const dir = tempDir(t, 'dcckit-openharmony-');
  const hub = await startHub(t, { config: { harmony: { compat: 'ayon' } } });
  const s = startSim(t, {
    HOME: path.join(dir, 'home'), TOONBOOM_GLOBAL_SCRIPT_LOCATION: AYON, AYON_HARMONY_PORT: String(hub.port), AYON_MENU_LABEL: 'AYON',
    LIB_OPENHARMONY_PATH: OPENHARMONY_LIKE,
  }, {}, dir);
  const { SimScene } = await import('../adapters/harmony/simulator/dom/index.ts');
  SimScene.createDefault(path.join(dir, 'shot'), 'shot');
  s.open(path.join(dir, 'shot', 'shot.xstage'));
  t.false(s.logLines.some((l) => l.startsWith('[error]')), s.logLines.join('\n'));
  t.true(s.logLines.some((l) => /^\[warning\] include: .*TB_orderNetworkUp\.js not found/.test(l)), 'a missing include is skipped with a warning, as in Harmony');
  const c = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS, callTimeout: PATIENCE_MS });
  t.teardown(() => c.close());
  await c.session('harmony', { wait: PATIENCE_MS });
  // Called through the hub: $ is reached from a later script through the global object's prototype.
  const state = await c.call('harmony', '(function () { return { parts: $.parts, batch: $.batchMode, file: $.file, origin: $.origin, cross: $.cross, found: $.found, pie: [$.pie.kind, $.pie.windowTitle, $.pie instanceof QWidget], button: $.button.text, readBack: $.readBack }; })');
  t.deepEqual(state, {
    parts: ['openHarmony_a_math.js', 'openHarmony_b_system.js'], batch: false, file: path.join(OPENHARMONY_LIKE, 'openHarmony.js'),
    origin: { x: 1, y: 2, z: 3 }, cross: { x: 0, y: 0, z: 1 }, found: (state as { found: string[] }).found, pie: ['pie', 'pie', true], button: 'go', readBack: 'written by File',
  });
  t.is(await c.call('harmony', '(function () { print("printed", 1); return 1; })'), 1);
  t.true(s.logLines.includes('printed 1'), 'print() writes to the message log');
  t.true((state as { found: string[] }).found.includes(path.join(OPENHARMONY_LIKE, 'openHarmony', 'openHarmony_b_system.js')), 'File.exists sees a real file');
});

test('a killed simulator\'s untitled scene folder and its scripts\' temp folder are removed by the next simulator', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  // The sandbox's own temp folder: any other simulator (tests run in parallel) would also clean up a dead one's folder.
  const tmp = sb.env.TMPDIR!;
  const env = { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(sb.dir, 'none') };
  const child = spawn(process.execPath, [SIM], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  await until(() => /scene (\S+)\/untitled\/untitled\.xstage/.test(out), PATIENCE_MS, 'the simulator to open its untitled scene');
  const folder = /scene (\S+)\/untitled\/untitled\.xstage/.exec(out)![1]!;
  t.is(path.dirname(folder), tmp);
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
  t.true(fs.existsSync(folder), 'SIGKILL leaves it behind');
  // The folder scripts get as specialFolders.temp is the process's own (made on first use), gone with it too.
  const scriptsTemp = path.join(tmp, `dcc-kit-harmony-sim-${child.pid}`);
  fs.mkdirSync(scriptsTemp);
  fs.writeFileSync(path.join(scriptsTemp, 'left.txt'), 'x');
  const next = await sim(['--trigger', 'x'], env);
  t.is(next.code, 2);
  t.false(fs.existsSync(folder), `${folder} was left behind`);
  t.false(fs.existsSync(scriptsTemp), `${scriptsTemp} was left behind`);
});
