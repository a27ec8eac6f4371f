/** What the artist and the shell are told about saves: an archive replaced, and Ctrl-C while a save runs. */
import test from 'ava';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { workRig } from './support/workfiles.ts';
import { until } from './support/harmony.ts';
import { BIN, sandbox } from './support/cli.ts';
import { connectHub } from '../kit/hub/client.ts';
import { hubPaths, readRuntime } from '../kit/hub/runtime.ts';
import { zipDirectory } from '../kit/archive/index.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { PATIENCE_MS } from './support/patience.ts';

test('the menu Workfiles... tells the artist it replaced the previous archive and how to keep it; a version-up does not', async (t) => {
  const r = await workRig(t);
  t.true(r.sim.triggerMenu('Workfiles...'));
  await until(() => r.sim.messages.length > 0, PATIENCE_MS, 'a message in Harmony');
  t.regex(r.sim.messages[0]!.text, /saved sh010_anim_v001\.zip [\s\S]*This replaced the previous sh010_anim_v001\.zip\. To keep earlier states, save a new version: dcc-kit workfile save --version-up\./);
  const up = await r.save({ versionUp: true });
  t.false(up.overwrites);
  await r.outcome(up.id);
  await until(() => r.sim.messages.length > 1, PATIENCE_MS, 'the second message');
  t.notRegex(r.sim.messages[1]!.text, /replaced/);
  t.regex(r.sim.messages[1]!.text, /saved sh010_anim_v002\.zip/);
});

(process.platform === 'win32' ? test.skip : test)('Ctrl-C during workfile save says the save continues in the hub, exits 130, and the archive is still written', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const shots = path.join(sb.dir, 'shots');
  const project = path.join(sb.dir, 'src', 'sh090_anim_v001');
  SimScene.createDefault(project, 'sh090_anim_v001');
  await fsp.writeFile(path.join(project, 'audio', 'take.wav'), crypto.randomBytes(8_000_000).toString('hex'));
  await fsp.mkdir(shots, { recursive: true });
  const zip = path.join(shots, 'sh090_anim_v001.zip');
  await zipDirectory(project, zip);
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json']);
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  const info = (await readRuntime(hubPaths(sb.env.DCC_KIT_HOME!)))!;
  const tool = await connectHub({ port: info.port, token: info.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => tool.close());
  const seen: { event: string; dest?: string }[] = [];
  tool.on('event', (e: { event: string; dest?: string }) => seen.push(e));
  await tool.subscribe();
  const before = fs.statSync(zip).mtimeMs;

  const cli = spawn(process.execPath, [BIN, 'workfile', 'save'], { env: sb.env, cwd: shots, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { try { cli.kill('SIGKILL'); } catch { /* gone */ } });
  let stderr = '';
  cli.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
  await until(() => seen.some((e) => e.event === 'workfile.progress' && e.dest === zip), PATIENCE_MS, 'the background zip to start');
  // The hub is paused so that the archive cannot be finished before the Ctrl-C arrives, however fast this machine.
  process.kill(info.pid, 'SIGSTOP');
  try {
    cli.kill('SIGINT');
    t.is(await exited, 130);
  } finally {
    process.kill(info.pid, 'SIGCONT');
  }
  t.regex(stderr, /interrupted; the save continues in the hub \(.*sh090_anim_v001\.zip, save save-\S+\): Harmony shows a message when it is written — see `dcc-kit hub logs`/);
  await until(() => seen.some((e) => e.event === 'workfile.saved' && e.dest === zip), PATIENCE_MS, 'the archive to be written anyway');
  t.true(fs.statSync(zip).mtimeMs > before);
});
