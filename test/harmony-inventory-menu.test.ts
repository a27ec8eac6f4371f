import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { ROOT, sandbox } from './support/cli.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { ProductStore } from '../kit/store/index.ts';
import { frames, publishFiles } from './support/products.ts';
import { PATIENCE_MS } from './support/patience.ts';

const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');

async function eventually(cond: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('real processes, web page off: dcc-kit-harmony-sim --trigger "Load..." says what can be loaded; "Manage..." updates the outdated container of a reopened scene', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const shot = path.join(sb.dir, 'proj', 'shots', 'sh040');
  const root = path.join(sb.dir, 'store');
  fs.mkdirSync(shot, { recursive: true });
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), 'web:\n  enabled: false\n');
  fs.writeFileSync(path.join(sb.dir, 'proj', '.dcckitrc'), `publish:\n  root: ${root}\nweb:\n  enabled: false\n`);
  fs.writeFileSync(path.join(shot, '.dcckitrc'), 'context:\n  folder: shots/sh040\n');
  SimScene.createDefault(path.join(shot, 'work', 'sh040_v001'), 'sh040_v001');
  const xstage = path.join(shot, 'work', 'sh040_v001', 'sh040_v001.xstage');
  const store = new ProductStore({ root });
  await publishFiles(store, sb.dir, 'shots/sh040', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 3));
  await sb.json(['hub', 'start', '--json']);
  const env = { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(ROOT, 'startup-scripts', 'harmony') };
  const trigger = (item: string) => new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [SIM, xstage, '--trigger', item, '--exit-after-trigger'], { env, timeout: PATIENCE_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${item}: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });

  t.regex(await trigger('dcc-kit/Load...'), /\[MessageBox\.information\] dcc-kit: products of shots\/sh040 in .*:\n {2}shots\/sh040\/plateMain \(plate\) v1\n[\s\S]*dcc-kit load <folder\/product>/);

  // Harmony open on the scene: load with the CLI, save, quit.
  const harmony = spawn(process.execPath, [SIM, xstage], { env, stdio: 'ignore' });
  t.teardown(() => { harmony.kill('SIGKILL'); });
  const sessions = async () => (await sb.sessions()).filter((s) => s.dcc === 'harmony');
  await eventually(async () => (await sessions()).length === 1, 'the simulator\'s connection');
  const loaded = await sb.run(['load', 'plateMain'], { cwd: shot });
  t.is(loaded.code, 0, loaded.stderr);
  t.is((await sb.run(['call', 'harmony', 'scene.saveAll'])).stdout.trim(), 'true');
  harmony.kill('SIGTERM');
  await eventually(async () => (await sessions()).length === 0, 'the simulator\'s exit');

  await publishFiles(store, sb.dir, 'shots/sh040', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 4, 'v2'));
  const managed = await trigger('dcc-kit/Manage...');
  t.regex(managed, /\[MessageBox\.information\] dcc-kit: 1 container\(s\), 1 were outdated\.\nupdated: shots\/sh040\/plateMain v1 -> v2/);
});
