import test from 'ava';
import type { ExecutionContext } from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../kit/config.ts';
import { ConfigError } from '../kit/errors.ts';
import { makeTree as makeTreeIn, type Tree } from './support/config-tree.ts';

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-config-errors-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'dcc-kit-home');
process.env.XDG_CONFIG_HOME = path.join(scratch, 'process-xdg');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

const makeTree = (files: Record<string, string>) => makeTreeIn(scratch, files);

/** Loads with only `files` (paths relative to the temp root; the project is home/proj) and returns the ConfigError. */
async function configError(t: ExecutionContext, files: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<{ err: ConfigError; tree: Tree }> {
  const tree = await makeTree(files);
  const err = await t.throwsAsync(loadConfig({ cwd: tree.cwd, homeDir: tree.home, env }), { instanceOf: ConfigError });
  return { err: err!, tree };
}

test('wrong type: names the file, the key path, what is expected and what it got', async t => {
  const { err, tree } = await configError(t, { 'home/proj/.dcckitrc': 'hub:\n  port: abc\n' });
  const file = path.join(tree.project, '.dcckitrc');
  t.is(err.message.split('\n')[0], `${file}: hub.port must be an integer from 0 to 65535 (got "abc")`);
  t.is(err.file, file);
  t.is(err.keyPath, 'hub.port');
  t.is(err.code, 'CONFIG');
  t.regex(err.message, /dcc-kit config --help/);
});

test('out of range and fractional numbers are refused', async t => {
  const { err } = await configError(t, { 'home/proj/.dcckitrc.json': '{"hub": {"port": 70000, "callTimeout": 2.5, "logFiles": 0}}' });
  const lines = err.message.split('\n');
  t.true(lines[0].endsWith('hub.port must be an integer from 0 to 65535 (got 70000)'));
  t.true(lines[1].endsWith('hub.callTimeout must be a positive integer (milliseconds) (got 2.5)'));
  t.true(lines[2].endsWith('hub.logFiles must be a positive integer (got 0)'));
});

test('unknown key: named with its path and the closest known key', async t => {
  const { err, tree } = await configError(t, { 'home/proj/.dcckitrc': 'harmony:\n  workfiles:\n    keepLocalCopy: 3\n' });
  const file = path.join(tree.project, '.dcckitrc');
  t.true(err.message.startsWith(`${file}: unknown key harmony.workfiles.keepLocalCopy (did you mean harmony.workfiles.keepLocalCopies?`));
  t.is(err.keyPath, 'harmony.workfiles.keepLocalCopy');
});

test('unknown top-level section: lists the known sections and how adapter sections are allowed', async t => {
  const { err } = await configError(t, { 'home/proj/.dcckitrc': 'maya:\n  executable: /opt/maya\n' });
  t.regex(err.message, /: unknown key maya \(known sections: home, hub, adapters, harmony, houdini, blender, farm, context, publish, web, review\)/);
  t.regex(err.message, /listed under adapters/);
});

test('bad enum value', async t => {
  const { err } = await configError(t, { 'home/proj/.dcckitrc.yaml': 'harmony:\n  compat: openpype\n' });
  t.regex(err.message.split('\n')[0], /\.dcckitrc\.yaml: harmony\.compat must be one of "none", "ayon" \(got "openpype"\)$/);
});

test('a YAML number where a version string is expected says to quote it', async t => {
  const { err } = await configError(t, { 'home/proj/.dcckitrc': 'harmony:\n  simulatorVersion: 24.0\n' });
  t.regex(err.message, /harmony\.simulatorVersion must be a version string like "24\.0"; write it in quotes \(got 24\)/);
});

test('booleans, sections, nulls and strings are type-checked', async t => {
  const { err } = await configError(t, {
    'home/proj/.dcckitrc': 'web:\n  enabled: "yes"\nhoudini: 5\npublish:\n  root: null\nfarm:\n  afanasy:\n    host: ""\n',
  });
  t.regex(err.message, /web\.enabled must be true or false \(got "yes"\)/);
  t.regex(err.message, /houdini must be a section of keys \(executable, hython, launchTimeout, callTimeout\) \(got 5\)/);
  t.regex(err.message, /publish\.root must be a path \(got null\)/);
  t.regex(err.message, /farm\.afanasy\.host must be a non-empty string \(got ""\)/);
  t.is(err.keyPath, 'web.enabled');
});

test('adapters must be npm package names; an adapter section must be a mapping', async t => {
  const bad = await configError(t, { 'home/proj/.dcckitrc.json': '{"adapters": ["dcckit-ok", "Not A Package"]}' });
  t.regex(bad.err.message, /adapters\[1\] must be an npm package name .* \(got "Not A Package"\)/);

  const notList = await configError(t, { 'home/proj/.dcckitrc.json': '{"adapters": "dcckit-ok"}' });
  t.regex(notList.err.message, /adapters must be a list of npm package names or module paths \(got "dcckit-ok"\)/);

  const section = await configError(t, { 'home/proj/.dcckitrc': 'adapters: [dcckit-blender]\ndcckit-blender: 3\n' });
  t.regex(section.err.message, /dcckit-blender \(the section of adapter dcckit-blender\) must be a section of keys \(got 3\)/);
});

test('an adapter section may use the adapter\'s short name, and adapters may be module paths', async t => {
  const tree = await makeTree({
    'home/proj/.dcckitrc': 'adapters: ["@studio/dcckit-maya", "./tools/nuke-adapter.mjs"]\nmaya: {executable: /opt/maya}\nnuke: {x: 1}\n',
  });
  const { loadConfig } = await import('../kit/config.ts');
  const { config } = await loadConfig({ cwd: tree.cwd, env: { HOME: tree.home, XDG_CONFIG_HOME: path.join(tree.root, 'xdg') }, homeDir: tree.home });
  t.deepEqual((config as unknown as Record<string, unknown>).maya, { executable: '/opt/maya' });
  t.deepEqual(config.adapters, ['@studio/dcckit-maya', './tools/nuke-adapter.mjs']);
  const wrong = await configError(t, { 'home/proj/.dcckitrc': 'adapters: ["@studio/dcckit-maya"]\nkatana: {}\n' });
  t.regex(wrong.err.message, /unknown key katana/);
});

test('each file is validated on its own: a bad user file is named even when the project file is fine', async t => {
  const { err, tree } = await configError(t, {
    'home/.dcckitrc': 'hub:\n  port: -1\n',
    'home/proj/.dcckitrc': 'hub:\n  port: 47100\n',
  });
  const userFile = path.join(tree.home, '.dcckitrc');
  t.is(err.file, userFile);
  t.true(err.message.startsWith(`${userFile}: hub.port must be an integer from 0 to 65535 (got -1)`));
});

test('a bad project file is named, not the user file', async t => {
  const { err, tree } = await configError(t, {
    'home/.dcckitrc': 'hub:\n  port: 47100\n',
    'home/proj/dcckit.config.mjs': 'export default { hub: { pingInterval: "15s" } };\n',
  });
  const file = path.join(tree.project, 'dcckit.config.mjs');
  t.is(err.file, file);
  t.true(err.message.startsWith(`${file}: hub.pingInterval must be a positive integer (milliseconds) (got "15s")`));
});

test('a malformed environment variable is named', async t => {
  const { err } = await configError(t, {}, { DCC_KIT_PORT: '47x00' });
  t.is(err.message.split('\n')[0], 'environment variable DCC_KIT_PORT (hub.port) must be an integer from 0 to 65535 (got "47x00")');
  t.is(err.file, undefined);
  t.is(err.keyPath, 'hub.port');
  t.regex(err.message, /unset/);

  const range = await configError(t, {}, { DCC_KIT_PORT: '99999' });
  t.regex(range.err.message, /^environment variable DCC_KIT_PORT \(hub\.port\) must be an integer from 0 to 65535 \(got "99999"\)/);
});

test('malformed YAML names the file', async t => {
  const { err, tree } = await configError(t, { 'home/proj/.dcckitrc': 'hub:\n  port: [47100,\n' });
  const file = path.join(tree.project, '.dcckitrc');
  t.true(err.message.startsWith(`${file}: is not valid YAML (or JSON): `));
  t.is(err.file, file);
});

test('malformed JSON names the file', async t => {
  const { err, tree } = await configError(t, { 'home/proj/.dcckitrc.json': '{"hub": {"port": 47100,}}' });
  const file = path.join(tree.project, '.dcckitrc.json');
  t.true(err.message.startsWith(`${file}: is not valid JSON: `));
  t.is(err.file, file);
});

test('malformed package.json and a user file in the config folder are named too', async t => {
  const pkg = await configError(t, { 'home/proj/package.json': '{"name": "show", "dcckit": {' });
  t.true(pkg.err.message.startsWith(`${path.join(pkg.tree.project, 'package.json')}: is not valid JSON: `));

  const xdg = await configError(t, { 'home/.config/dcckit/config.yaml': 'hub: {port: 1\n' });
  t.true(xdg.err.message.startsWith(`${path.join(xdg.tree.home, '.config', 'dcckit', 'config.yaml')}: is not valid YAML: `));
});

test('a config module that throws names the file', async t => {
  const { err, tree } = await configError(t, { 'home/proj/dcckit.config.mjs': 'throw new Error("no farm today");\n' });
  t.is(err.message.split('\n')[0], `${path.join(tree.project, 'dcckit.config.mjs')}: failed to load as a module: no farm today`);
});

test('a file that is not a mapping of settings', async t => {
  const { err, tree } = await configError(t, { 'home/proj/.dcckitrc': '- hub\n- port\n' });
  t.is(err.message.split('\n')[0], `${path.join(tree.project, '.dcckitrc')}: must contain a mapping of settings such as "hub: {port: 47100}" (got a list)`);
});
