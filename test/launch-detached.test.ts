import test from 'ava';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchDetached, ExecutableNotFoundError, LaunchError } from '../kit/launch.ts';
import { FAKE_APP, LAUNCHER, tempDir, waitFor, alive, killQuietly, processGroup } from './support/fake-app.ts';

test('a detached launch logs stdout and stderr to <home>/logs, keeps running, and its exited promise gives the code', async (t) => {
  const home = tempDir(t);
  const trigger = path.join(home, 'quit');
  const app = await launchDetached({
    name: 'fake',
    command: process.execPath,
    args: [FAKE_APP, '--out', 'hello out', '--err', 'hello err', '--print-env', 'FAKE_GREETING', '--ready', '--exit-when', trigger],
    env: { FAKE_GREETING: 'from the launcher' },
    home,
  });
  t.teardown(() => killQuietly(app.pid, true));

  t.is(path.dirname(app.logFile), path.join(home, 'logs'));
  t.regex(path.basename(app.logFile), new RegExp(`^fake-\\d{8}-\\d{6}-${app.pid}\\.log$`));
  t.deepEqual(fs.readdirSync(path.join(home, 'logs')), [path.basename(app.logFile)]);
  if (process.platform !== 'win32') t.is(fs.statSync(app.logFile).mode & 0o777, 0o600);

  t.true(await waitFor(async () => (await app.tail(1))[0] === 'ready'), 'the app logs through the fd');
  const [header, ...output] = await app.tail(10);
  t.deepEqual(output, ['hello out', 'hello err', 'FAKE_GREETING=from the launcher', 'ready']);
  t.regex(header, /^\[dcc-kit\] .* starting \[.*fake-app\.mjs/);
  t.true(alive(app.pid), 'still running after its log was read');
  if (process.platform === 'linux') t.is(processGroup(app.pid), app.pid, 'leads its own process group');

  fs.writeFileSync(trigger, '7');
  t.deepEqual(await app.exited, { code: 7, signal: null });
  t.deepEqual(await app.tail(1), ['bye']);
});

test('the launcher process exits on its own while the app keeps running and logging', async (t) => {
  const home = tempDir(t);
  const trigger = path.join(home, 'quit');
  t.teardown(() => { // if the launcher failed, its app is found by the pid in its log's name
    for (const name of fs.existsSync(path.join(home, 'logs')) ? fs.readdirSync(path.join(home, 'logs')) : []) {
      killQuietly(Number(/-(\d+)\.log$/.exec(name)?.[1]), true);
    }
  });
  // If the child were not unref'd the launcher would wait for the app, which waits for the trigger: timeout.
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [LAUNCHER, home, '--out', 'first', '--exit-when', trigger], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`launcher failed: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
  const { pid, logFile } = JSON.parse(out) as { pid: number; logFile: string };
  t.teardown(() => killQuietly(pid, true));

  t.true(alive(pid), 'the app outlives its launcher');
  t.true(await waitFor(() => fs.readFileSync(logFile, 'utf8').includes('first\n')));
  fs.writeFileSync(trigger, '0');
  // Written after the launcher is gone: with a pipe through the launcher this line would be lost.
  t.true(await waitFor(() => fs.readFileSync(logFile, 'utf8').endsWith('bye\n')), 'the app still logs after the launcher exited');
  t.true(await waitFor(() => !alive(pid)));
});

test('kill() ends the detached app and the processes it started', async (t) => {
  const home = tempDir(t);
  const app = await launchDetached({ name: 'fake', command: process.execPath, args: [FAKE_APP, '--grandchild', '--ready', '--stay'], home });
  t.teardown(() => killQuietly(app.pid, true));
  t.true(await waitFor(async () => (await app.tail(1))[0] === 'ready'));
  const grandchild = Number((await app.tail(2))[0].replace('grandchild ', ''));
  t.true(alive(grandchild));
  t.teardown(() => killQuietly(grandchild));

  t.true(app.kill());
  t.deepEqual(await app.exited, { code: null, signal: 'SIGTERM' });
  t.true(await waitFor(() => !alive(grandchild)), 'the grandchild is gone too');
  t.false(app.kill(), 'nothing left to signal');
});

test('a program that cannot be started is a typed error naming the key, and leaves no log behind; so does a bad name or cwd', async (t) => {
  const home = tempDir(t);
  const missing = path.join(home, 'opt/HarmonyPremium');
  const err = await t.throwsAsync(
    launchDetached({ name: 'harmony', command: missing, home, displayName: 'Harmony', executableKey: 'harmony.executable' }),
    { instanceOf: ExecutableNotFoundError },
  );
  t.is(err?.message, `Harmony executable not found: ${missing} (set harmony.executable in .dcckitrc)`);
  t.deepEqual(fs.readdirSync(path.join(home, 'logs')), []);

  const plain = path.join(home, 'plain');
  fs.writeFileSync(plain, '#!/bin/sh\n', { mode: 0o644 });
  const notExec = await t.throwsAsync(launchDetached({ name: 'harmony', command: plain, home, executableKey: 'harmony.executable' }), { instanceOf: ExecutableNotFoundError });
  t.is(notExec?.problem, 'not-executable');
  await t.throwsAsync(launchDetached({ name: '../evil', command: process.execPath, home }), { message: /invalid launch name/ });
  await t.throwsAsync(launchDetached({ name: 'fake', command: process.execPath, home, cwd: path.join(home, 'gone') }), { instanceOf: LaunchError, message: /gone: no such folder/ });
  t.deepEqual(fs.readdirSync(path.join(home, 'logs')), []);
});

test('older logs of the same DCC beyond keepLogs are pruned; other DCCs and the new log stay', async (t) => {
  const home = tempDir(t);
  const logs = path.join(home, 'logs');
  fs.mkdirSync(logs);
  const old = ['fake-20200101-000000-11.log', 'fake-20200102-000000-12.log', 'fake-20200103-000000-13.log'];
  for (const name of [...old, 'other-20200101-000000-1.log', 'fake-notes.txt']) fs.writeFileSync(path.join(logs, name), 'x\n');
  const app = await launchDetached({ name: 'fake', command: process.execPath, args: [FAKE_APP, '--exit', '0'], home, keepLogs: 2 });
  t.teardown(() => killQuietly(app.pid, true));
  await app.exited;
  t.deepEqual(fs.readdirSync(logs).sort(), ['fake-20200103-000000-13.log', path.basename(app.logFile), 'fake-notes.txt', 'other-20200101-000000-1.log'].sort());
});
