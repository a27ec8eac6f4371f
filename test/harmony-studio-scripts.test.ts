import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { defaultConfig } from '../config/defaults.ts';
import { startHub, simEnv, startSim, tempDir, until } from './support/harmony.ts';
import { connectHub } from '../kit/hub/client.ts';
import { es5Problem } from '../adapters/harmony/studio-scripts.ts';
import { assertES5 } from '../adapters/harmony/session.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { sandbox } from './support/cli.ts';

test('the ES5 check names the line and the construct', (t) => {
  t.is(es5Problem('var a = 1;\nvar f = function () { return a; };'), null);
  t.regex(es5Problem('var a = 1;\nlet b = 2;')!, /^line 2: let \(use var\) is not ES5/);
  t.regex(es5Problem('var x = 1;\n\nvar f = (a) => a;')!, /^line 3: an arrow function is not ES5/);
  t.regex(es5Problem('var s = `t`;')!, /^line 1: a template literal/);
  t.regex(es5Problem('var = ;')!, /^line 1: Unexpected token/);
  // Pipeline code's inline functions (HarmonySession.run) get the same message.
  t.throws(() => assertES5('var f = (function () {\n  return [1].map((x) => x);\n});', 'the inline function f'), { message: /^the inline function f is not ES5, .*: line 2: an arrow function is not ES5/ });
});

test('studio scripts are injected in order into every engine; a failing one is reported and does not stop the others; their functions are callable', async (t) => {
  const dir = tempDir(t);
  const studio = path.join(dir, 'studio');
  fs.mkdirSync(path.join(studio, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(studio, '01-base.js'), 'var myStudio = { loaded: [], double: function (a) { return a * 2; } };\nmyStudio.loaded.push("base");\n');
  fs.writeFileSync(path.join(studio, '02-modern.js'), 'var ok = 1;\nconst nope = 2;\n');
  fs.writeFileSync(path.join(studio, '03-throws.js'), 'myStudio.loaded.push("throws");\nthrow new Error("studio bug");\n');
  fs.writeFileSync(path.join(studio, 'lib', 'util.js'), 'myStudio.loaded.push("util");\nmyStudio.hello = function (a) { return "hello " + a.name; };\n');
  const extra = path.join(dir, 'extra.js');
  fs.writeFileSync(extra, 'myStudio.loaded.push("extra");\n');
  const config = defaultConfig(path.join(dir, 'kit'));
  config.harmony.scripts = [studio, extra, path.join(dir, 'missing.js')];
  const hub = await startHub(t, { config, home: config.home });
  const sim = startSim(t, simEnv(hub, dir), {}, dir);
  sim.open(null);
  const client = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS, callTimeout: PATIENCE_MS });
  t.teardown(() => client.close());
  const session = await client.session('harmony', { wait: PATIENCE_MS });
  // Called as soon as the session is there: the hub holds tools' calls until the scripts are in.
  t.deepEqual(await session.call('(function () { return myStudio.loaded; })'), ['base', 'throws', 'util', 'extra']);
  t.truthy(hub.sessionInfo()[0]?.notes?.scripts);
  t.is(await session.call('myStudio.double', 21), 42);
  t.is(await session.call('myStudio.hello', { name: 'artist' }), 'hello artist');
  const notes = hub.sessionInfo()[0]!.notes!.scripts as { file: string; ok: boolean; error?: string }[];
  t.deepEqual(notes.map((n) => [path.relative(dir, n.file), n.ok]), [
    ['missing.js', false], ['studio/02-modern.js', false], ['studio/01-base.js', true], ['studio/03-throws.js', false], ['studio/lib/util.js', true], ['extra.js', true],
  ]);
  t.regex(notes.find((n) => n.file.endsWith('02-modern.js'))!.error!, /line 2: const \(use var\) is not ES5/);
  t.regex(notes.find((n) => n.file.endsWith('03-throws.js'))!.error!, /studio bug/);
  await until(() => sim.messages.some((m) => /3 studio script\(s\) could not be loaded/.test(m.text)), PATIENCE_MS, 'the artist to be told');

  // A scene switch gives a new script engine: the scripts are injected again, once.
  const other = path.join(dir, 'other');
  const { SimScene } = await import('../adapters/harmony/simulator/dom/index.ts');
  SimScene.createDefault(other, 'other');
  sim.open(path.join(other, 'other.xstage'));
  await until(() => (hub.sessionInfo()[0]?.scene ?? '').includes('other'), PATIENCE_MS, 'the scene switch');
  t.is(sim.engines, 2);
  t.deepEqual(await session.call('(function () { return myStudio.loaded; })'), ['base', 'throws', 'util', 'extra']);
});

test('dcc-kit sessions --json shows the scripts; dcc-kit call reaches a studio function', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const script = path.join(sb.dir, 'studio.js');
  fs.writeFileSync(script, 'var pipelineTools = { version: function () { return "studio-7"; } };\n');
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), `harmony:\n  scripts: [${JSON.stringify(script)}]\nweb:\n  enabled: false\n`);
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', '--simulate', '--json']);
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  // Right after the launch returned: the call waits for the scripts, then they show in sessions --json.
  const r = await sb.run(['call', 'harmony', 'pipelineTools.version']);
  t.is(r.code, 0, r.stderr);
  t.is(JSON.parse(r.stdout), 'studio-7');
  const sessions = await sb.json<{ notes?: { scripts?: { file: string; ok: boolean }[] } }[]>(['sessions', '--json']);
  t.deepEqual(sessions[0]!.notes!.scripts!, [{ file: script, ok: true }]);
  const log = fs.readFileSync(path.join(sb.env.DCC_KIT_HOME!, 'logs', 'hub.log'), 'utf8');
  t.regex(log, /studio script .*studio\.js injected/);
});
