/**
 * `dcc-kit install blender`: the startup script lands in every Blender user scripts folder, a Blender
 * started by hand (the REAL one) connects to the hub through it, and uninstall removes only that file.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sandbox } from './support/cli.ts';
import { connectHub } from '../kit/hub/client.ts';
import { BlenderSession } from '../adapters/blender/session.ts';
import { processGone } from './support/blender.ts';
import { PATIENCE_MS } from './support/patience.ts';

test('install writes the startup script beside other add-ons; Blender started by hand connects; uninstall removes only ours', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const home = sb.env.HOME!;
  const v34 = path.join(home, '.config', 'blender', '3.4', 'scripts');
  const v41 = path.join(home, '.config', 'blender', '4.1', 'scripts');
  fs.mkdirSync(path.join(v34, 'addons'), { recursive: true });
  fs.mkdirSync(path.join(v34, 'startup'), { recursive: true });
  fs.mkdirSync(v41, { recursive: true });
  fs.writeFileSync(path.join(v34, 'addons', 'studio_tools.py'), '# a studio add-on\n');
  fs.writeFileSync(path.join(v34, 'startup', 'studio_startup.py'), 'def register():\n    pass\n');

  const none = await sb.run(['install', 'blender'], { env: { XDG_CONFIG_HOME: path.join(sb.dir, 'empty') } });
  t.is(none.code, 1);
  t.regex(none.stderr, /no Blender user scripts folder found .*Start Blender once.*BLENDER_USER_SCRIPTS.*--scripts-dir/);

  const dry = await sb.json<{ actions: { path: string; action: string }[] }>(['install', 'blender', '--dry-run', '--json']);
  t.deepEqual(dry.actions.map((a) => a.action), ['would write', 'would write']);
  t.false(fs.existsSync(path.join(v34, 'startup', 'dcckit_startup.py')));

  const out = await sb.json<{ actions: { path: string; action: string }[] }>(['install', 'blender', '--json']);
  t.deepEqual(out.actions, [
    { path: path.join(v41, 'startup', 'dcckit_startup.py'), action: 'written' },
    { path: path.join(v34, 'startup', 'dcckit_startup.py'), action: 'written' },
  ]);

  // Blender started by hand (not by dcc-kit): the startup script starts the client, which finds the hub
  // through its runtime file. The script serves requests until the test sends blender.quit.
  await sb.run(['hub', 'start']);
  const child = spawn('blender', ['-b', '--python-expr', 'import dcckit_blender; dcckit_blender.serve_background()'], {
    env: { ...sb.env }, stdio: 'ignore',
  });
  t.teardown(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
  const hub = await connectHub({ home: sb.env.DCC_KIT_HOME, env: sb.env });
  t.teardown(() => hub.close());
  const blender = await BlenderSession.connect(hub, { wait: PATIENCE_MS, callTimeout: PATIENCE_MS });
  t.is(blender.pid, child.pid ?? null);
  t.is(await blender.eval('bpy.app.version_string'), '3.4.1');
  t.true(await blender.eval<boolean>('"dcckit_startup" in __import__("sys").modules'), 'loaded from the user startup folder');
  await blender.quit();
  t.true(await processGone(child.pid!));

  fs.writeFileSync(path.join(v41, 'startup', 'dcckit_startup.py'), '# my own file now\n');
  const removed = await sb.json<{ actions: { path: string; action: string }[] }>(['install', 'blender', '--uninstall', '--json']);
  t.deepEqual(removed.actions, [
    { path: path.join(v41, 'startup', 'dcckit_startup.py'), action: 'left alone (not written by dcc-kit)' },
    { path: path.join(v34, 'startup', 'dcckit_startup.py'), action: 'removed' },
  ]);
  t.true(fs.existsSync(path.join(v34, 'addons', 'studio_tools.py')));
  t.true(fs.existsSync(path.join(v34, 'startup', 'studio_startup.py')));
  t.false(fs.existsSync(path.join(v34, 'startup', 'dcckit_startup.py')));
  const again = await sb.run(['install', 'blender']);
  t.is(again.code, 1, 'a dcckit_startup.py dcc-kit did not write is never overwritten');
  t.regex(again.stderr, /exists and was not written by dcc-kit/);
});
