/** What the CLI says and returns for wrong or edge-case input: exit 2 for usage, 1 for failures, never a stack. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { isProcessAlive } from '../kit/process.ts';

test('usage errors exit 2 and say what is wrong', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const cases: [string[], RegExp][] = [
    [['help', 'bogus'], /unknown command "bogus"/],
    [['ui', 'publish', 'extra', '--url'], /unexpected argument "extra"/],
    [['launch', 'houdini', '--simulate'], /no Houdini simulator/],
    [['call', 'harmony', '--script', 'a', '--request', 'b'], /give --script or --request, not both/],
    [['load', 'x', '--mode', 'bogus'], /--mode is link or import \(got "bogus"\)/],
    [['products', '--dry-run'], /--dry-run goes with prune/],
    [['products', '--older-than', '5'], /--older-than goes with prune/],
    [['publish', '--timeout', '5'], /--timeout goes with --wait/],
    [['inventory', 'remove', 'abcd1234', '--version', '3'], /--version and --all go with update/],
  ];
  for (const [args, message] of cases) {
    const r = await sb.run(args);
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, message, args.join(' '));
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a DCC_KIT_HOME that is a file is a configuration error naming the variable, not a stack trace', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const file = path.join(sb.dir, 'a-file');
  fs.writeFileSync(file, '');
  for (const args of [['hub', 'status'], ['sessions', '--json']]) {
    const r = await sb.run(args, { env: { DCC_KIT_HOME: file } });
    t.is(r.code, 1);
    t.regex(r.stderr, new RegExp(`DCC_KIT_HOME: home is ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which is not a folder: change or unset the environment variable DCC_KIT_HOME`));
    t.notRegex(r.stderr, /unexpected error|\n\s+at /);
  }
  const json = await sb.run(['sessions', '--json'], { env: { DCC_KIT_HOME: file } });
  t.is((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'CONFIG');
});

test('failures exit 1 in --json mode as without it; hub logs -n 0 prints no line; workfile list of a missing folder fails', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  for (const json of [false, true]) {
    const r = await sb.run(['products', 'shots/nope', ...(json ? ['--json'] : [])]);
    t.is(r.code, 1, `products shots/nope${json ? ' --json' : ''}`);
  }
  const notAFolder = path.join(sb.dir, 'store-file');
  fs.writeFileSync(notAFolder, '');
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), `publish:\n  root: ${JSON.stringify(notAFolder)}\n`);
  const rootIsFile = await sb.run(['products']);
  t.is(rootIsFile.code, 1);
  t.regex(rootIsFile.stderr, /the product store .*store-file is not a folder: change publish\.root in .*\.dcckitrc/);
  fs.rmSync(path.join(sb.env.HOME!, '.dcckitrc'));
  await sb.json(['hub', 'start', '--json']);
  const none = await sb.run(['hub', 'logs', '-n', '0']);
  t.is(none.code, 0);
  t.is(none.stdout, '');
  t.is((await sb.run(['hub', 'logs', '-n', '1'])).stdout.trim().split('\n').length, 1);
  const missing = path.join(sb.dir, 'nowhere');
  const listed = await sb.run(['workfile', 'list', missing]);
  t.is(listed.code, 1);
  t.regex(listed.stderr, /nowhere does not exist: give the folder that holds the workfiles/);
});

test('dcc-kit ui: an unknown --session is refused; a browser command that fails is reported with the key that names it', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const unknown = await sb.run(['ui', '--session', 'nope', '--url']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /no session "nope" is connected/);
  const failing = await sb.run(['ui'], { env: { DCC_KIT_BROWSER: '/bin/false' } });
  t.is(failing.code, 1);
  t.regex(failing.stderr, /"\/bin\/false" failed or could not be started \(change or unset the environment variable DCC_KIT_BROWSER/);
  t.regex(failing.stdout, /^file:\/\/\S+\.html$/m, 'the redirect file is printed to open by hand (not the link: that is a secret)');
  t.notRegex(failing.stdout, /t=/);
});

test('farm --help keeps the backslash of "names may not contain \\" or \\\\"', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  t.regex((await sb.run(['farm', '--help'])).stdout, /names may not contain " or \\\n/);
});

test('houdini-setup --write: a missing folder is refused, not created; --classic --remove deletes a file that held only our block', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const missing = path.join(sb.dir, 'no', 'such', 'dcc-kit.json');
  const refused = await sb.run(['houdini-setup', '--write', missing]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /the folder .*such does not exist: create it first/);
  t.false(fs.existsSync(path.dirname(missing)));
  const env = path.join(sb.dir, 'houdini.env');
  t.is((await sb.run(['houdini-setup', '--classic', '--write', env])).code, 0);
  t.true(fs.existsSync(env));
  t.is((await sb.run(['houdini-setup', '--classic', '--write', env, '--remove'])).code, 0);
  t.false(fs.existsSync(env), 'a houdini.env dcc-kit made alone is deleted');
  fs.writeFileSync(env, 'MY_VAR = 1\n');
  t.is((await sb.run(['houdini-setup', '--classic', '--write', env])).code, 0);
  t.is((await sb.run(['houdini-setup', '--classic', '--write', env, '--remove'])).code, 0);
  t.is(fs.readFileSync(env, 'utf8'), 'MY_VAR = 1\n', 'the user\'s lines stay');
});

test('a simulated Harmony stuck in a script dies on SIGTERM, as Harmony does', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', '--simulate', '--json']);
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  const stuck = await sb.run(['call', 'harmony', '--script', 'while (true) {}', '--timeout', '500']);
  t.is(stuck.code, 1);
  process.kill(launched.pid, 'SIGTERM');
  const deadline = Date.now() + PATIENCE_MS;
  while (isProcessAlive(launched.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.false(isProcessAlive(launched.pid), 'SIGTERM ended the looping simulator');
});
