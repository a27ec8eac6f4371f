/** `dcc-kit publish --wait` outlives a hub restart: it finishes when the restarted hub completes the farm version. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { BIN, sandbox } from './support/cli.ts';
import { AfanasyDouble, shellTask } from './support/afanasy-double.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { MANIFEST } from '../kit/store/index.ts';
import { AfanasyClient, resolveAfanasySettings } from '../kit/farm/index.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { farmShot } from './support/pipeline.ts';

test('publish --wait: the hub killed while the farm renders; the waiting command finishes when the restarted hub integrates', async (t) => {
  // Tasks run only when the test says so, as on a farm busy with other work.
  const farm = await AfanasyDouble.start({
    runTask: shellTask,
  });
  t.teardown(() => farm.close());
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shot, store } = await farmShot(t, sb, farm.port, { shot: 'sh040', frameEnd: 1006 });

  const child = spawn(process.execPath, [BIN, 'publish', '--repair', '--wait'], { cwd: shot, env: sb.env });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  await until(() => /waiting for farm job\(s\) \d+/.test(stdout) || child.exitCode !== null, PATIENCE_MS * 2, 'publish to wait for the farm');
  t.is(child.exitCode, null, stderr + stdout);

  const hub = JSON.parse(fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).runtimeFile, 'utf8')) as { pid: number };
  process.kill(hub.pid, 'SIGKILL');
  await until(() => /the hub stopped/.test(stdout + stderr), PATIENCE_MS, 'the waiting command to notice');
  t.is(child.exitCode, null, 'it keeps waiting');
  t.true((await sb.run(['hub', 'start'], { cwd: shot })).code === 0);
  farm.runUntilIdle();
  const code = await exited;
  t.is(code, 0, stderr + stdout);
  t.regex(stdout, /ok\s+farm job \d+: shots\/sh040\/renderFarm v1 integrated/);
  // version.json names the job by id AND serial: afserver reuses ids after deletes, never serials.
  const manifest = JSON.parse(fs.readFileSync(path.join(store, 'shots', 'sh040', 'renderFarm', 'v001', MANIFEST), 'utf8')) as { data: { farm: { jobId: number; serial: number } } };
  const [jobId] = farm.jobIds();
  const info = await new AfanasyClient(resolveAfanasySettings(farm.settings)).job(jobId!);
  t.like(manifest.data.farm, { jobId, serial: info.serial });
  t.true(info.serial > 0);
});
