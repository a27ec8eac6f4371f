/** Publish scratch folders live under the hub's home and do not outlive a killed hub. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sandbox } from './support/cli.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { createStagingDir, removeOrphanedStaging, stagingRoot } from '../kit/publish/staging.ts';

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('a starting hub removes the staging folders of a killed hub and keeps those of live processes', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const root = stagingRoot(sb.env.DCC_KIT_HOME!);
  const orphan = path.join(root, `${deadPid()}-run1`);
  fs.mkdirSync(path.join(orphan, 'render-copy'), { recursive: true });
  fs.writeFileSync(path.join(orphan, 'render-copy', 'scene.xstage'), 'x'.repeat(4096));
  const live = path.join(root, `${process.pid}-run2`);
  fs.mkdirSync(live, { recursive: true });
  const foreign = path.join(root, 'notes');
  fs.mkdirSync(foreign);

  const started = await sb.json<{ started: boolean }>(['hub', 'start', '--json']);
  t.true(started.started);
  await until(() => !fs.existsSync(orphan), PATIENCE_MS, 'the orphaned staging folder to go');
  t.true(fs.existsSync(live), 'a live process keeps its staging folder');
  t.true(fs.existsSync(foreign), 'a folder not named after a process is not touched');
  const logs = await sb.run(['hub', 'logs', '-n', '50']);
  t.regex(logs.stdout, /removed 1 publish staging folder\(s\) left by a hub that was killed/);
});

test('createStagingDir makes a private folder named after this process; removeOrphanedStaging leaves it', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const home = sb.env.DCC_KIT_HOME!;
  const dir = await createStagingDir(home, 'abc');
  t.is(path.basename(dir), `${process.pid}-abc`);
  t.is(path.dirname(dir), stagingRoot(home));
  if (process.platform !== 'win32') t.is(fs.statSync(dir).mode & 0o777, 0o700);
  t.is(await removeOrphanedStaging(home), 0);
  t.true(fs.existsSync(dir));
  await t.throwsAsync(() => createStagingDir(home, 'abc'), { code: 'EEXIST' });
});
