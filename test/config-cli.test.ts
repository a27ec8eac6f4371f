import test from 'ava';
import { CONFIG_LEAVES } from '../config/schema.ts';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { configCommand } from '../kit/cli/config-command.ts';
import { loadConfig } from '../kit/config.ts';
import { UsageError } from '../kit/errors.ts';
import { makeTree as makeTreeIn, type Tree } from './support/config-tree.ts';

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-config-cli-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'dcc-kit-home');
process.env.XDG_CONFIG_HOME = path.join(scratch, 'process-xdg');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

const makeTree = (files: Record<string, string>) => makeTreeIn(scratch, files);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `dcc-kit config` in-process with HOME pointing at the tree's home. */
async function runConfig(tree: Tree, argv: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const env = { HOME: tree.home, USERPROFILE: tree.home, ...extraEnv };
  const code = await configCommand.run({ argv, stdout, stderr, cwd: tree.cwd, env, interactive: false });
  return { code, stdout: stdout.text, stderr: stderr.text, env };
}

const USER_RC = 'hub:\n  callTimeout: 5000\nharmony:\n  menuLabel: Studio Tools\n';
const PROJECT_RC = '{"hub": {"port": 47100}, "adapters": ["dcckit-blender"], "dcckit-blender": {"version": "4.2"}}';

test('prints an aligned key / value / source table and the files applied', async t => {
  const tree = await makeTree({ 'home/.dcckitrc': USER_RC, 'home/proj/.dcckitrc.json': PROJECT_RC });
  const userFile = path.join(tree.home, '.dcckitrc');
  const projectFile = path.join(tree.project, '.dcckitrc.json');
  const { code, stdout, stderr } = await runConfig(tree, [], { DCC_KIT_AFANASY_HOST: 'farm.lan' });
  t.is(code, 0);
  t.is(stderr, '');

  const [table, filesPart] = stdout.split('\n\n');
  const lines = table.split('\n');
  const header = lines[0];
  t.regex(header, /^key +value +source$/);
  const valueCol = header.indexOf('value');
  const sourceCol = header.indexOf('source');
  const rows = new Map<string, { value: string; source: string }>();
  for (const line of lines.slice(1)) {
    const key = line.slice(0, valueCol).trimEnd();
    t.is(line[valueCol - 1], ' ', `value column aligned in: ${line}`);
    t.is(line[sourceCol - 1], ' ', `source column aligned in: ${line}`);
    t.not(line[valueCol], ' ');
    rows.set(key, { value: line.slice(valueCol, sourceCol).trimEnd(), source: line.slice(sourceCol) });
  }
  t.deepEqual(rows.get('hub.port'), { value: '47100', source: projectFile });
  t.deepEqual(rows.get('hub.callTimeout'), { value: '5000', source: userFile });
  t.deepEqual(rows.get('hub.pingInterval'), { value: '15000', source: 'default' });
  t.deepEqual(rows.get('harmony.menuLabel'), { value: 'Studio Tools', source: userFile });
  t.deepEqual(rows.get('harmony.executable'), { value: 'null', source: 'default' });
  t.deepEqual(rows.get('adapters'), { value: '["dcckit-blender"]', source: projectFile });
  t.deepEqual(rows.get('dcckit-blender.version'), { value: '4.2', source: projectFile });
  t.deepEqual(rows.get('farm.afanasy.host'), { value: 'farm.lan', source: 'env DCC_KIT_AFANASY_HOST' });
  t.deepEqual(rows.get('home'), { value: path.join(tree.home, '.dcc-kit'), source: 'default' });
  t.is(rows.size, CONFIG_LEAVES.length + 1); // every core leaf plus the adapter section's one
  t.is(filesPart, `files (later ones override earlier ones):\n  ${userFile}\n  ${projectFile}\n`);
});

test('--json prints {config, sources, files} exactly as loadConfig resolves them', async t => {
  const tree = await makeTree({ 'home/.dcckitrc': USER_RC, 'home/proj/.dcckitrc.json': PROJECT_RC });
  const { code, stdout, env } = await runConfig(tree, ['--json'], { DCC_KIT_PORT: '47555' });
  t.is(code, 0);
  const printed = JSON.parse(stdout);
  t.deepEqual(Object.keys(printed), ['config', 'sources', 'files']);
  t.deepEqual(printed, JSON.parse(JSON.stringify(await loadConfig({ cwd: tree.cwd, env }))));
  t.is(printed.config.hub.port, 47555);
  t.is(printed.sources['hub.port'], 'env DCC_KIT_PORT');
  t.deepEqual(printed.files, [path.join(tree.home, '.dcckitrc'), path.join(tree.project, '.dcckitrc.json')]);
});

test('without any file it says so', async t => {
  const tree = await makeTree({});
  const { code, stdout } = await runConfig(tree, []);
  t.is(code, 0);
  t.true(stdout.endsWith('\nno config file found: defaults and environment variables only\n'));
});

test('a config error exits 1 with the message naming the file and key', async t => {
  const tree = await makeTree({ 'home/proj/.dcckitrc': 'hub:\n  port: abc\n' });
  const file = path.join(tree.project, '.dcckitrc');
  const human = await runConfig(tree, []);
  t.is(human.code, 1);
  t.is(human.stdout, '');
  t.true(human.stderr.startsWith(`dcc-kit config: ${file}: hub.port must be an integer from 0 to 65535 (got "abc")\n`));

  const json = await runConfig(tree, ['--json']);
  t.is(json.code, 1);
  const { error } = JSON.parse(json.stdout);
  t.is(error.code, 'CONFIG');
  t.is(error.file, file);
  t.is(error.key, 'hub.port');
  t.true(error.message.startsWith(`${file}: hub.port must be`));
});

test('a malformed environment variable exits 1 naming it', async t => {
  const tree = await makeTree({});
  const { code, stderr } = await runConfig(tree, [], { DCC_KIT_PORT: 'eighty' });
  t.is(code, 1);
  t.regex(stderr, /^dcc-kit config: environment variable DCC_KIT_PORT \(hub\.port\) must be an integer from 0 to 65535 \(got "eighty"\)/);
});

test('usage errors and help', async t => {
  const tree = await makeTree({});
  await t.throwsAsync(runConfig(tree, ['show']), { instanceOf: UsageError, message: /unexpected argument "show"/ });
  await t.throwsAsync(runConfig(tree, ['--yaml']), { instanceOf: UsageError });
  const help = await runConfig(tree, ['--help']);
  t.is(help.code, 0);
  t.is(help.stdout, configCommand.help);
  t.regex(configCommand.help, /usage: dcc-kit config \[--json\]/);
  t.regex(configCommand.help, /hub\.port +an integer from 0 to 65535 .*\(env DCC_KIT_PORT\)/);
  t.is(configCommand.name, 'config');
});
