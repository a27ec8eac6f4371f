import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sandbox, ROOT } from './support/cli.ts';
import { simEnv, startHub, startSim, tempDir } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');
const AYON = fileURLToPath(new URL('./fixtures/ayon-harmony/', import.meta.url));

function sim(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [SIM, ...args], { env, timeout: PATIENCE_MS }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, out: stdout + stderr, ms: Date.now() - t0 });
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
  t.true(r.ms < 8000, `took ${r.ms} ms: it waited for its own timeout instead of the connection`);
  const log = fs.readFileSync(path.join(sb.env.DCC_KIT_HOME!, 'logs', 'hub.log'), 'utf8');
  t.regex(log, /accepted an unauthenticated legacy harmony client/);
});
