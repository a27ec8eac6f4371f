/**
 * A save killed mid-way leaves temp archives beside its destination and temp folders in the work area; the
 * next hub process removes them when it starts (adapters/harmony onHubStart), before any workfile request.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { hostTag } from '../kit/archive/temp-files.ts';
import { rememberSaveDir } from '../adapters/harmony/workfiles/save-dirs.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { sandbox } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a starting hub removes the temp files of a killed save, with no workfile request', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const workArea = path.join(sb.env.DCC_KIT_HOME!, 'harmony');
  const shots = path.join(sb.dir, 'shots');
  fs.mkdirSync(shots, { recursive: true });
  await rememberSaveDir(workArea, shots);
  // The pid of a process that has exited: what a SIGKILLed save leaves in its temp names.
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
  const tag = `${hostTag()}-${deadPid}`;
  const tempZip = path.join(shots, `.shot_v002.zip.dcckit-tmp-${tag}-0badc0de`);
  const tempSnapshot = path.join(workArea, `.snapshot-shot.dcckit-tmp-${tag}-0ddba11a`);
  fs.writeFileSync(tempZip, Buffer.alloc(4096));
  fs.mkdirSync(tempSnapshot);
  fs.writeFileSync(path.join(tempSnapshot, 'shot.xstage'), '<project/>');
  const keep = path.join(shots, 'shot_v001.zip');
  fs.writeFileSync(keep, 'an archive of an earlier save');

  const started = await sb.json<{ started: boolean; pid: number }>(['hub', 'start', '--json']);
  t.true(started.started);
  await until('the killed save\'s temp files removed by the starting hub', () => !fs.existsSync(tempZip) && !fs.existsSync(tempSnapshot));
  t.true(fs.existsSync(keep), 'only temp files are removed');
  const log = fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).logFile, 'utf8');
  t.regex(log, /workfiles: removed .*dcckit-tmp-.*left by an interrupted save/);
  t.false(/workfile\.(save|open)/.test(log), 'no workfile request was made');
});
