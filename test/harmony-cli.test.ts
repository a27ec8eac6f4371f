import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { sandbox, ROOT } from './support/cli.ts';
import { connectHub } from '../kit/hub/client.ts';
import { hubPaths, isProcessAlive } from '../kit/hub/runtime.ts';
import { until } from './support/harmony.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { PATIENCE_MS } from './support/patience.ts';

const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');

function killLater(t: { teardown(fn: () => unknown): void }, pid: number) {
  t.teardown(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
}

test('dcc-kit launch harmony --simulate returns once the session said hello; call works from the shell', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const out = await sb.json<{ session: { id: string; dcc: string; pid: number }; pid: number; logFile: string }>(['launch', 'harmony', '--simulate', '--json']);
  killLater(t, out.pid);
  t.is(out.session.dcc, 'harmony');
  t.is(out.session.pid, out.pid);
  t.true(fs.existsSync(out.logFile));
  const call = await sb.run(['call', 'harmony', 'node.subNodes', '"Top"']);
  t.is(call.code, 0, call.stderr);
  t.deepEqual(JSON.parse(call.stdout), ['Top/Composite', 'Top/Display', 'Top/Write']);
  t.regex(fs.readFileSync(out.logFile, 'utf8'), /connected to the dcc-kit hub/);
});

test('launching a scene path that does not exist is a clear error and starts nothing', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const r = await sb.run(['launch', 'harmony', path.join(sb.dir, 'nope', 'shot.xstage'), '--simulate']);
  t.is(r.code, 1);
  t.regex(r.stderr, /scene not found: .*nope[\\/]shot\.xstage/);
  const sim = spawn(process.execPath, [SIM, path.join(sb.dir, 'missing.xstage')], { env: sb.env });
  const code = await new Promise((resolve) => sim.on('exit', resolve));
  t.is(code, 1);
});

test('a missing Harmony executable names the config key to set', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const r = await sb.run(['launch', 'harmony'], { env: { DCC_KIT_HARMONY_EXECUTABLE: path.join(sb.dir, 'HarmonyPremium') } });
  t.is(r.code, 1);
  t.regex(r.stderr, /harmony\.executable/);
});

test('Harmony crashing in the middle of a call rejects the caller at once', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const hub = await sb.json<{ port: number }>(['hub', 'start', '--json']);
  const info = JSON.parse(fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).runtimeFile, 'utf8'));
  const client = await connectHub({ port: hub.port, token: info.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => client.close());
  // It crashes when a request for node.subNodes arrives, with the call still unanswered.
  const sim = spawn(process.execPath, [SIM, '--fault', 'crash-on=node.subNodes'], {
    env: { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(ROOT, 'startup-scripts', 'harmony') }, stdio: 'ignore',
  });
  killLater(t, sim.pid!);
  const s = await client.session('harmony', { wait: PATIENCE_MS });
  t.is(await s.call('scene.currentScene'), 'untitled');
  const err = await t.throwsAsync(s.call('node.subNodes', 'Top', { timeout: 20_000 }));
  t.regex(err!.message, /connection lost|not connected/);
});

test('install chains an existing TB_sceneOpened.js; the installed scripts find the hub by its runtime file; uninstall restores', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const scripts = path.join(sb.env.HOME!, 'Toon Boom Animation', 'Toon Boom Harmony Premium', '2400-scripts');
  fs.mkdirSync(scripts, { recursive: true });
  const studio = 'function TB_sceneOpened() { MessageLog.trace("studio script ran"); }\n';
  fs.writeFileSync(path.join(scripts, 'TB_sceneOpened.js'), studio);
  const none = await sb.run(['install', 'harmony', '--scripts-dir', path.join(sb.dir, 'nowhere')]);
  t.is(none.code, 1);
  t.regex(none.stderr, /does not exist/);

  const installed = await sb.json<{ actions: { path: string; action: string }[] }>(['install', 'harmony', '--json']);
  t.true(installed.actions.some((a) => /kept as TB_sceneOpened\.dcckit-chained\.js/.test(a.action)));
  t.is(fs.readFileSync(path.join(scripts, 'TB_sceneOpened.dcckit-chained.js'), 'utf8'), studio);
  const again = await sb.run(['install', 'harmony']);
  t.is(again.code, 0, 'installing twice is fine');
  t.is(fs.readFileSync(path.join(scripts, 'TB_sceneOpened.dcckit-chained.js'), 'utf8'), studio);

  // A Harmony started by hand (no dcc-kit env at all) runs the installed scripts and finds the hub.
  await sb.json(['hub', 'start', '--json']);
  const env = { ...sb.env };
  delete env.TOONBOOM_GLOBAL_SCRIPT_LOCATION;
  const logFile = path.join(sb.dir, 'sim.log');
  const fd = fs.openSync(logFile, 'w');
  SimScene.createDefault(path.join(sb.dir, 'shot'), 'shot');
  const sim = spawn(process.execPath, [SIM, path.join(sb.dir, 'shot', 'shot.xstage')], { env, stdio: ['ignore', fd, fd] });
  killLater(t, sim.pid!);
  const sessions = await (async () => {
    await until(() => fs.readFileSync(logFile, 'utf8').includes('connected to the dcc-kit hub'), PATIENCE_MS, 'connection');
    return sb.json<{ pid: number }[]>(['sessions', '--json']);
  })();
  t.is(sessions[0].pid, sim.pid!);
  await until(() => fs.readFileSync(logFile, 'utf8').includes('studio script ran'), PATIENCE_MS, 'chained script');
  const log = fs.readFileSync(logFile, 'utf8');
  t.true(log.indexOf('studio script ran') < log.indexOf('connected to the dcc-kit hub'), 'the studio script runs first');
  sim.kill('SIGKILL');

  const removed = await sb.run(['install', 'harmony', '--uninstall']);
  t.is(removed.code, 0, removed.stderr);
  t.deepEqual(fs.readdirSync(scripts).sort(), ['TB_sceneOpened.js']);
  t.is(fs.readFileSync(path.join(scripts, 'TB_sceneOpened.js'), 'utf8'), studio);
});

test('the simulator renders enabled WRITE nodes to PNG files in batch mode', (t) => {
  const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.cache-sim-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Make a scene with the simulator's own DOM (a saved default scene), then render frames 1-3.
  execFileSync(process.execPath, ['-e', `
    const { SimScene } = await import(${JSON.stringify(path.join(ROOT, 'adapters/harmony/simulator/dom/index.ts'))});
    SimScene.createDefault(${JSON.stringify(path.join(dir, 'shot'))}, 'shot');
  `], { input: '' });
  const run = spawnSync(process.execPath, [SIM, '-batch', '-frames', '1', '3', path.join(dir, 'shot', 'shot.xstage')], { encoding: 'utf8' });
  t.is(run.status, 0, run.stderr);
  t.regex(run.stdout, /Rendered 3 frame/);
  // It ended by its event loop draining, not by process.exit() after the grace period (kit/exit.ts).
  t.notRegex(run.stderr, /held open/);
  const frames = fs.readdirSync(path.join(dir, 'shot', 'frames')).sort();
  t.deepEqual(frames, ['final-0001.png', 'final-0002.png', 'final-0003.png']);
  const png = fs.readFileSync(path.join(dir, 'shot', 'frames', frames[0]));
  t.is(png.subarray(1, 4).toString(), 'PNG');
  t.is(png.readUInt32BE(16), 1920);
  t.is(png.readUInt32BE(20), 1080);
  t.false(isProcessAlive(-1));
});

test('a Harmony that never connects fails after the launch timeout with the tail of its log; one that exits early says so', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const silent = path.join(sb.dir, 'HarmonySilent');
  fs.writeFileSync(silent, '#!/bin/sh\necho "fake harmony: licence server not found"\nexec sleep 30\n', { mode: 0o755 });
  const slow = await sb.run(['launch', 'harmony', '--timeout', '1500'], { env: { DCC_KIT_HARMONY_EXECUTABLE: silent } });
  t.is(slow.code, 1);
  t.regex(slow.stderr, /did not connect to the hub within 1500 ms \(harmony\.launchTimeout\); it was stopped/);
  t.regex(slow.stderr, /licence server not found/);
  const quitter = path.join(sb.dir, 'HarmonyQuits');
  fs.writeFileSync(quitter, '#!/bin/sh\necho "fake harmony: cannot open display" >&2\nexit 3\n', { mode: 0o755 });
  const quits = await sb.run(['launch', 'harmony'], { env: { DCC_KIT_HARMONY_EXECUTABLE: quitter } });
  t.is(quits.code, 1);
  t.regex(quits.stderr, /exited \(code 3\) before it connected[\s\S]*cannot open display/);
});

test('dcc-kit-harmony-sim --trigger presses a menu item once connected and shows the hub\'s answer', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  await sb.json(['hub', 'start', '--json']);
  const out = execFileSync(process.execPath, [SIM, '--trigger', 'dcc-kit/Load...', '--exit-after-trigger'], {
    env: { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(ROOT, 'startup-scripts', 'harmony') }, encoding: 'utf8', timeout: 20_000,
  });
  t.regex(out, /connected to the dcc-kit hub/);
  // Without the web page (a sandbox has no browser to open) Load... says what the store has.
  t.regex(out, /\[MessageBox\.information\] dcc-kit: the store \(.*\) has no published products yet\./);
});
