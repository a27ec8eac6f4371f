import test from 'ava';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandbox, ROOT } from './support/cli.ts';
import { defaultHoudiniExecutables, findPrefDirs, expandHver } from '../adapters/houdini/paths.ts';
import { PATIENCE_MS } from './support/patience.ts';

const SCRIPTS = path.join(ROOT, 'startup-scripts', 'houdini');
const SCRIPTS_FWD = SCRIPTS.replace(/\\/g, '/');
const TEMPLATE = JSON.parse(fs.readFileSync(path.join(SCRIPTS, 'packages', 'dcckit.json'), 'utf8')) as Record<string, unknown>;
const HYTHON = path.join(ROOT, 'test', 'fixtures', 'houdini', 'hython');

interface Actions { actions: { path: string; action: string }[] }

function checkPackageFile(t: { is(a: unknown, b: unknown, m?: string): void; deepEqual(a: unknown, b: unknown, m?: string): void; true(a: boolean, m?: string): void }, file: string) {
  const bytes = fs.readFileSync(file);
  t.is(bytes[0], '{'.charCodeAt(0), `${file} starts with "{" (no BOM)`);
  const pkg = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  t.deepEqual(pkg, { ...TEMPLATE, env: [{ DCC_KIT_HOUDINI_ROOT: SCRIPTS_FWD }] });
  t.true(path.isAbsolute(SCRIPTS_FWD) && !SCRIPTS_FWD.includes('\\'));
  t.true(fs.existsSync(path.join(SCRIPTS_FWD, 'scripts', 'python', 'pythonrc.py')), 'the package points at the real startup scripts');
}

/** Runs the fake hython (real python3) with an environment; resolves with its exit code and output. */
function hython(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // A guard, not a measure: python starting under load can take seconds.
    execFile(HYTHON, args, { env, timeout: PATIENCE_MS }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('install writes dcckit.json into every houdiniX.Y pref folder; Houdini started by hand loads it; uninstall removes only ours', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const home = sb.env.HOME!;
  for (const name of ['houdini20.5', 'houdini21.0', 'houdini20.5.bak', 'houdini']) fs.mkdirSync(path.join(home, name));
  fs.mkdirSync(path.join(home, 'houdini21.0', 'packages'));
  const other = path.join(home, 'houdini21.0', 'packages', 'studio.json');
  fs.writeFileSync(other, '{"hpath": "/studio"}\n');

  const out = await sb.json<Actions>(['install', 'houdini', '--json']);
  const expected = ['houdini21.0', 'houdini20.5'].map((v) => path.join(home, v, 'packages', 'dcckit.json'));
  t.deepEqual(out.actions, expected.map((p) => ({ path: p, action: 'written' })));
  for (const file of expected) checkPackageFile(t, file);
  t.deepEqual(fs.readdirSync(path.join(home, 'houdini20.5.bak')), [], 'a folder that is not houdiniX.Y is not touched');
  t.deepEqual(fs.readdirSync(path.join(home, 'houdini')), []);
  const again = await sb.run(['install', 'houdini']);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /written +.*houdini20\.5[\\/]packages[\\/]dcckit\.json/);

  // A Houdini started by hand (no dcc-kit variables, no HOUDINI_PACKAGE_DIR) finds the installed package.
  const env = { ...sb.env };
  delete env.HOUDINI_PACKAGE_DIR;
  delete env.HOUDINI_USER_PREF_DIR;
  const code = 'import os, dcckit_houdini; print("root=" + os.environ["DCC_KIT_HOUDINI_ROOT"]); print(dcckit_houdini.status()["mode"])';
  const run = await hython(['-c', code], env);
  t.is(run.code, 0, run.stderr);
  t.true(run.stdout.includes(`root=${SCRIPTS_FWD}\n`), run.stdout);
  t.regex(run.stdout, /^queue$/m);

  const removed = await sb.json<Actions>(['install', 'houdini', '--uninstall', '--json']);
  t.deepEqual(removed.actions, expected.map((p) => ({ path: p, action: 'removed' })));
  t.deepEqual(fs.readdirSync(path.join(home, 'houdini21.0', 'packages')), ['studio.json']);
  t.is(fs.readFileSync(other, 'utf8'), '{"hpath": "/studio"}\n');
  t.deepEqual(fs.readdirSync(path.join(home, 'houdini20.5', 'packages')), []);
  const none = await sb.run(['install', 'houdini', '--uninstall']);
  t.is(none.code, 0);
  t.regex(none.stdout, /nothing to uninstall/);
});

test('HOUDINI_USER_PREF_DIR with __HVER__ replaces the default folders; a foreign dcckit.json is never overwritten or removed', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  fs.mkdirSync(path.join(sb.env.HOME!, 'houdini20.5'));
  const prefs = path.join(sb.dir, 'prefs');
  for (const v of ['20.5', '21.0']) fs.mkdirSync(path.join(prefs, `houdini${v}`, 'user'), { recursive: true });
  fs.mkdirSync(path.join(prefs, 'houdini19.0')); // no user/ inside: not a pref folder of this pattern
  const env = { HOUDINI_USER_PREF_DIR: path.join(prefs, 'houdini__HVER__', 'user') };

  const out = await sb.json<Actions>(['install', 'houdini', '--json'], { env });
  t.deepEqual(out.actions.map((a) => a.path), ['21.0', '20.5'].map((v) => path.join(prefs, `houdini${v}`, 'user', 'packages', 'dcckit.json')));
  for (const a of out.actions) checkPackageFile(t, a.path);
  t.false(fs.existsSync(path.join(sb.env.HOME!, 'houdini20.5', 'packages')), 'the default folder is not used when the variable is set');

  // A package of that name that is not ours stops the install, and uninstall leaves it.
  const foreign = path.join(prefs, 'houdini21.0', 'user', 'packages', 'dcckit.json');
  fs.writeFileSync(foreign, '{"hpath": "/somebody/else"}');
  const refused = await sb.run(['install', 'houdini'], { env });
  t.is(refused.code, 1);
  t.regex(refused.stderr, /dcckit\.json exists and was not written by dcc-kit; move it away/);
  const removed = await sb.json<Actions>(['install', 'houdini', '--uninstall', '--json'], { env });
  t.deepEqual(removed.actions, [
    { path: foreign, action: 'left alone (not written by dcc-kit)' },
    { path: path.join(prefs, 'houdini20.5', 'user', 'packages', 'dcckit.json'), action: 'removed' },
  ]);
  t.is(fs.readFileSync(foreign, 'utf8'), '{"hpath": "/somebody/else"}');

  // A plain HOUDINI_USER_PREF_DIR that does not exist: a clear error.
  const missing = await sb.run(['install', 'houdini'], { env: { HOUDINI_USER_PREF_DIR: path.join(sb.dir, 'nope') } });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no Houdini preference folder found \(looked for HOUDINI_USER_PREF_DIR=.*nope\)\. Start Houdini once/);
});

test('install --scripts-dir writes into that packages folder only; a missing folder or no pref folder is a clear error', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const site = path.join(sb.dir, 'site-packages');
  fs.mkdirSync(site);
  const out = await sb.json<Actions>(['install', 'houdini', '--scripts-dir', site, '--json']);
  t.deepEqual(out.actions, [{ path: path.join(site, 'dcckit.json'), action: 'written' }]);
  checkPackageFile(t, path.join(site, 'dcckit.json'));
  const dry = await sb.json<Actions>(['install', 'houdini', '--scripts-dir', site, '--uninstall', '--dry-run', '--json']);
  t.deepEqual(dry.actions, [{ path: path.join(site, 'dcckit.json'), action: 'would remove' }]);
  t.true(fs.existsSync(path.join(site, 'dcckit.json')), '--dry-run changes nothing');

  const nowhere = await sb.run(['install', 'houdini', '--scripts-dir', path.join(sb.dir, 'nowhere')]);
  t.is(nowhere.code, 1);
  t.regex(nowhere.stderr, /--scripts-dir .*nowhere does not exist/);
  const noPrefs = await sb.run(['install', 'houdini']);
  t.is(noPrefs.code, 1);
  t.regex(noPrefs.stderr, /no Houdini preference folder found \(looked for .*houdiniX\.Y\)\. Start Houdini once so it creates it, set HOUDINI_USER_PREF_DIR, or pass --scripts-dir DIR/);
});

test('houdini-setup prints the package file, and --classic writes and removes its block in houdini.env keeping the rest', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const printed = await sb.run(['houdini-setup']);
  t.is(printed.code, 0, printed.stderr);
  t.deepEqual(JSON.parse(printed.stdout), { ...TEMPLATE, env: [{ DCC_KIT_HOUDINI_ROOT: SCRIPTS_FWD }] });

  const classic = await sb.json<{ mode: string; variables: Record<string, string>; text: string }>(['houdini-setup', '--classic', '--json']);
  const sep = process.platform === 'win32' ? ';' : ':';
  t.deepEqual(classic.variables, { DCC_KIT_HOUDINI_ROOT: SCRIPTS_FWD, HOUDINI_PATH: `$DCC_KIT_HOUDINI_ROOT${sep}$HOUDINI_PATH${sep}&` });
  t.true(classic.text.includes(`DCC_KIT_HOUDINI_ROOT = "${SCRIPTS_FWD}"\n`));

  const envFile = path.join(sb.env.HOME!, 'houdini20.5', 'houdini.env');
  fs.mkdirSync(path.dirname(envFile));
  const original = '# my settings\nJOB = "/projects/show"\n';
  fs.writeFileSync(envFile, original);
  for (let i = 0; i < 2; i++) {
    const r = await sb.run(['houdini-setup', '--classic', '--write', envFile]);
    t.is(r.code, 0, r.stderr);
  }
  const written = fs.readFileSync(envFile, 'utf8');
  t.true(written.startsWith(original));
  t.is(written.split('# >>> dcc-kit').length, 2, 'writing twice leaves one block');
  t.true(written.includes(`HOUDINI_PATH = "$DCC_KIT_HOUDINI_ROOT${sep}$HOUDINI_PATH${sep}&"\n# <<< dcc-kit\n`));
  const removed = await sb.json<{ action: string }>(['houdini-setup', '--classic', '--write', envFile, '--remove', '--json']);
  t.is(removed.action, 'removed');
  t.is(fs.readFileSync(envFile, 'utf8'), original);

  const usage = await sb.run(['houdini-setup', '--remove']);
  t.is(usage.code, 2);
  t.regex(usage.stderr, /--remove needs --write FILE/);
});

test('default executables: $HFS first, installed versions newest first, then PATH; per-OS layouts', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-houdini-roots-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const name of ['hfs19.5.805', 'hfs21.0.440', 'hfs20.5', 'hfs20.5.613', 'hfs-old', 'Houdini 20.5.278', 'Houdini 21.0.440', 'Houdini20.5.370', 'Houdini21.0.512']) {
    fs.mkdirSync(path.join(dir, name));
  }
  t.deepEqual(defaultHoudiniExecutables('linux', { HFS: '/opt/custom' }, { linux: dir }), [
    '/opt/custom/bin/houdini',
    `${dir}/hfs21.0.440/bin/houdini`, `${dir}/hfs20.5.613/bin/houdini`, `${dir}/hfs20.5/bin/houdini`, `${dir}/hfs19.5.805/bin/houdini`,
    'houdini',
  ]);
  t.deepEqual(defaultHoudiniExecutables('win32', {}, { win32: dir }), [
    path.win32.join(dir, 'Houdini 21.0.440', 'bin', 'houdini.exe'), path.win32.join(dir, 'Houdini 20.5.278', 'bin', 'houdini.exe'), 'houdini.exe',
  ]);
  t.deepEqual(defaultHoudiniExecutables('darwin', {}, { darwin: dir }), [
    `${dir}/Houdini21.0.512/Frameworks/Houdini.framework/Versions/Current/Resources/bin/houdini`,
    `${dir}/Houdini20.5.370/Frameworks/Houdini.framework/Versions/Current/Resources/bin/houdini`,
    'houdini',
  ]);
  t.deepEqual(defaultHoudiniExecutables('linux', {}, { linux: path.join(dir, 'missing') }), ['houdini']);
});

test('pref folders per OS, and __HVER__ anywhere in HOUDINI_USER_PREF_DIR', (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-houdini-prefs-'));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  for (const p of ['Documents/houdini20.5', 'Documents/houdini21.0', 'Library/Preferences/houdini/20.5', 'Library/Preferences/houdini/x.y', 'prefs/21.0/houdini', 'prefs/20.0']) {
    fs.mkdirSync(path.join(home, p), { recursive: true });
  }
  t.deepEqual(findPrefDirs('win32', {}, home).dirs, [path.join(home, 'Documents', 'houdini21.0'), path.join(home, 'Documents', 'houdini20.5')]);
  t.deepEqual(findPrefDirs('darwin', {}, home).dirs, [path.join(home, 'Library', 'Preferences', 'houdini', '20.5')]);
  t.deepEqual(findPrefDirs('linux', {}, home).dirs, []);
  t.deepEqual(expandHver(path.join(home, 'prefs', '__HVER__', 'houdini')), [path.join(home, 'prefs', '21.0', 'houdini')]);
  t.deepEqual(findPrefDirs('linux', { HOUDINI_USER_PREF_DIR: path.join(home, 'Documents') }, home).dirs, [path.join(home, 'Documents')]);
});
