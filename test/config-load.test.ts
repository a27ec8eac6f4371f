import test from 'ava';
import { CONFIG_LEAVES } from '../config/schema.ts';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, dccKitHome } from '../kit/config.ts';
import { osUserName } from '../config/defaults.ts';

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-config-load-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'dcc-kit-home');
// cosmiconfig's `global` search always ends in this process's own config folder: point it at a temp
// folder holding a user file, so the tests also show it is ignored for any other home directory.
const processXdg = path.join(scratch, 'process-xdg');
process.env.XDG_CONFIG_HOME = processXdg;
const processUserFile = path.join(processXdg, 'dcckit', 'config.yaml');
await fs.mkdir(path.dirname(processUserFile), { recursive: true });
await fs.writeFile(processUserFile, 'hub:\n  port: 1111\n');

test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

interface Tree { root: string; home: string; project: string; cwd: string }

/** A fake home with a project `shows/proj` and a working folder `shows/proj/scenes/sh010` in it. */
async function makeTree(files: Record<string, string> = {}): Promise<Tree> {
  const root = await fs.mkdtemp(path.join(scratch, 't-'));
  const home = path.join(root, 'home');
  const project = path.join(home, 'shows', 'proj');
  const cwd = path.join(project, 'scenes', 'sh010');
  await fs.mkdir(cwd, { recursive: true });
  await writeFiles(root, files);
  return { root, home, project, cwd };
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
  }
}

const P = 'home/shows/proj';

const searchPlaces: Array<{ name: string; file: string; text: string; port: number }> = [
  { name: '.dcckitrc in YAML', file: '.dcckitrc', text: '# project settings\nhub:\n  port: 47101\n', port: 47101 },
  { name: '.dcckitrc in JSON', file: '.dcckitrc', text: '{ "hub": { "port": 47102 } }\n', port: 47102 },
  { name: '.dcckitrc.json', file: '.dcckitrc.json', text: '{ "hub": { "port": 47103 } }\n', port: 47103 },
  { name: '.dcckitrc.yaml', file: '.dcckitrc.yaml', text: 'hub: { port: 47104 }\n', port: 47104 },
  { name: '.dcckitrc.yml', file: '.dcckitrc.yml', text: 'hub:\n  port: 47105\n', port: 47105 },
  { name: 'dcckit.config.mjs', file: 'dcckit.config.mjs', text: 'const port = 47000 + 106;\nexport default { hub: { port } };\n', port: 47106 },
  { name: 'dcckit.config.js (ESM without "type": "module")', file: 'dcckit.config.js', text: 'export default { hub: { port: 47107 } };\n', port: 47107 },
  {
    name: 'dcckit.config.ts (type-stripped)',
    file: 'dcckit.config.ts',
    text: 'interface Partial { hub: { port: number } }\nconst config: Partial = { hub: { port: 47108 as number } };\nexport default config;\n',
    port: 47108,
  },
  { name: 'the dcckit key of package.json', file: 'package.json', text: JSON.stringify({ name: 'show', private: true, dcckit: { hub: { port: 47109 } } }), port: 47109 },
];

for (const place of searchPlaces) {
  test(`finds the project file: ${place.name}`, async t => {
    const tree = await makeTree({ [`${P}/${place.file}`]: place.text });
    const file = path.join(tree.project, place.file);
    const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
    t.is(r.config.hub.port, place.port);
    t.is(r.sources['hub.port'], file);
    t.deepEqual(r.files, [file]);
    t.is(r.sources['hub.callTimeout'], 'default');
  });
}

test('package.json without a dcckit key is not a config file: the search goes on upwards', async t => {
  const tree = await makeTree({
    [`${P}/scenes/package.json`]: JSON.stringify({ name: 'scenes' }),
    [`${P}/.dcckitrc`]: 'web:\n  enabled: false\n',
  });
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.false(r.config.web.enabled);
  t.deepEqual(r.files, [path.join(tree.project, '.dcckitrc')]);
});

test('the closest file wins: a project file below another one', async t => {
  const tree = await makeTree({
    [`${P}/.dcckitrc`]: 'hub:\n  port: 47001\n',
    [`${P}/scenes/.dcckitrc.json`]: '{"hub": {"port": 47002}}',
  });
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.is(r.config.hub.port, 47002);
  // Project files are layered: the farther one applies under the nearer one.
  t.deepEqual(r.files, [path.join(tree.project, ".dcckitrc"), path.join(tree.project, "scenes", ".dcckitrc.json")]);
});

test('defaults when no file and no variable: every leaf says "default"', async t => {
  const tree = await makeTree();
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.deepEqual(r.files, []);
  t.is(r.config.home, path.join(tree.home, '.dcc-kit'));
  t.is(r.config.hub.port, 0);
  t.is(r.config.hub.maxFrameBytes, 64 * 1024 * 1024);
  t.is(r.config.harmony.workfiles.maxExtractBytes, 20 * 1024 ** 3);
  t.is(r.config.harmony.workfiles.workArea, path.join(tree.home, '.dcc-kit', 'harmony'));
  t.is(r.config.publish.root, path.join(tree.home, '.dcc-kit', 'publish'));
  t.is(r.config.harmony.executable, null);
  t.is(r.config.harmony.compat, 'none');
  t.is(r.config.farm.afanasy.user, osUserName());
  t.is(r.config.farm.afanasy.hostName, os.hostname());
  t.deepEqual(r.config.adapters, []);
  t.deepEqual(new Set(Object.values(r.sources)), new Set(['default']));
  t.true(Object.keys(r.sources).includes('harmony.workfiles.keepLocalCopies'));
  t.is(Object.keys(r.sources).length, CONFIG_LEAVES.length);
});

test('the user file is layered under the project file, section by section; lists replace', async t => {
  const tree = await makeTree({
    'home/.dcckitrc': [
      'hub:',
      '  port: 47100',
      '  callTimeout: 1000',
      'adapters: [dcckit-blender]',
      'dcckit-blender:',
      '  exe: /opt/blender',
      '  opts: { a: 1, b: 2 }',
      'harmony:',
      '  menuLabel: Studio',
      '  workfiles:',
      '    keepLocalCopies: 9',
      '',
    ].join('\n'),
    [`${P}/.dcckitrc.json`]: JSON.stringify({
      hub: { port: 47200 },
      adapters: ['dcckit-nuke'],
      'dcckit-blender': { opts: { b: 3 } },
      harmony: { workfiles: { openLatest: true } },
    }),
  });
  const userFile = path.join(tree.home, '.dcckitrc');
  const projectFile = path.join(tree.project, '.dcckitrc.json');
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.deepEqual(r.files, [userFile, projectFile]);
  t.is(r.config.hub.port, 47200);
  t.is(r.sources['hub.port'], projectFile);
  t.is(r.config.hub.callTimeout, 1000);
  t.is(r.sources['hub.callTimeout'], userFile);
  t.is(r.sources['hub.pingInterval'], 'default');
  t.deepEqual(r.config.adapters, ['dcckit-nuke']);
  t.is(r.sources.adapters, projectFile);
  t.is(r.config.harmony.menuLabel, 'Studio');
  t.is(r.config.harmony.workfiles.keepLocalCopies, 9);
  t.is(r.sources['harmony.workfiles.keepLocalCopies'], userFile);
  t.true(r.config.harmony.workfiles.openLatest);
  t.is(r.sources['harmony.workfiles.openLatest'], projectFile);
  t.is(r.sources['harmony.workfiles.template'], 'default');
  t.deepEqual(r.config['dcckit-blender'], { exe: '/opt/blender', opts: { a: 1, b: 3 } });
  t.is(r.sources['dcckit-blender.exe'], userFile);
  t.is(r.sources['dcckit-blender.opts.a'], userFile);
  t.is(r.sources['dcckit-blender.opts.b'], projectFile);
});

test('the user file is applied once when the search itself reaches it (working folder = home)', async t => {
  const tree = await makeTree({ 'home/.dcckitrc': 'hub:\n  port: 47100\n' });
  const r = await loadConfig({ cwd: tree.home, homeDir: tree.home, env: {} });
  t.deepEqual(r.files, [path.join(tree.home, '.dcckitrc')]);
  t.is(r.sources['hub.port'], path.join(tree.home, '.dcckitrc'));
});

test('the user file may live in $XDG_CONFIG_HOME/dcckit, under a project file', async t => {
  const tree = await makeTree({
    'xdg/dcckit/config.yaml': 'hub:\n  port: 47100\n  logFiles: 7\n',
    [`${P}/.dcckitrc`]: 'hub:\n  port: 47200\n',
  });
  const userFile = path.join(tree.root, 'xdg', 'dcckit', 'config.yaml');
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: { XDG_CONFIG_HOME: path.join(tree.root, 'xdg') } });
  t.deepEqual(r.files, [userFile, path.join(tree.project, '.dcckitrc')]);
  t.is(r.config.hub.logFiles, 7);
  t.is(r.sources['hub.logFiles'], userFile);
  t.is(r.config.hub.port, 47200);
});

test('~/.dcckitrc is preferred over the config folder, and the config folder is not applied as a project file', async t => {
  const tree = await makeTree({
    'home/.dcckitrc': 'hub:\n  logFiles: 4\n',
    'home/.config/dcckit/config.yaml': 'hub:\n  logFiles: 8\n',
  });
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.deepEqual(r.files, [path.join(tree.home, '.dcckitrc')]);
  t.is(r.config.hub.logFiles, 4);
});

test('the global search ends in the config folder: found there, the user file is still applied once', async t => {
  // Here the test's config folder is the one cosmiconfig itself visits last (this process's XDG folder).
  const tree = await makeTree();
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: { XDG_CONFIG_HOME: processXdg } });
  t.deepEqual(r.files, [processUserFile]);
  t.is(r.config.hub.port, 1111);
  t.is(r.sources['hub.port'], processUserFile);
});

test("another home directory never picks up this process's own config folder", async t => {
  const tree = await makeTree();
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.deepEqual(r.files, []);
  t.is(r.config.hub.port, 0);
});

test('environment variables override both files and say so in the sources', async t => {
  const tree = await makeTree({
    'home/.dcckitrc': 'hub:\n  port: 47100\nfarm:\n  afanasy:\n    host: user-farm\n',
    [`${P}/.dcckitrc`]: 'hub:\n  port: 47200\nharmony:\n  executable: /opt/harmony/HarmonyPremium\n',
  });
  const env = {
    DCC_KIT_PORT: '47300',
    DCC_KIT_AFANASY_HOST: 'farm.studio.lan',
    DCC_KIT_HARMONY_EXECUTABLE: 'simulator',
    DCC_KIT_HOUDINI_EXECUTABLE: '~/hfs/bin/houdini',
    DCC_KIT_HOME: '~/kit-home',
  };
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env });
  t.is(r.config.hub.port, 47300);
  t.is(r.sources['hub.port'], 'env DCC_KIT_PORT');
  t.is(r.config.farm.afanasy.host, 'farm.studio.lan');
  t.is(r.sources['farm.afanasy.host'], 'env DCC_KIT_AFANASY_HOST');
  t.is(r.config.harmony.executable, 'simulator');
  t.is(r.sources['harmony.executable'], 'env DCC_KIT_HARMONY_EXECUTABLE');
  t.is(r.config.houdini.executable, path.join(tree.home, 'hfs', 'bin', 'houdini'));
  t.is(r.config.home, path.join(tree.home, 'kit-home'));
  t.is(r.sources.home, 'env DCC_KIT_HOME');
  // defaults that live under home follow it
  t.is(r.config.harmony.workfiles.workArea, path.join(tree.home, 'kit-home', 'harmony'));
  t.is(r.config.publish.root, path.join(tree.home, 'kit-home', 'publish'));
  t.is(r.sources['publish.root'], 'default');
});

test('an empty environment variable counts as unset', async t => {
  const tree = await makeTree({ [`${P}/.dcckitrc`]: 'hub:\n  port: 47200\n' });
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: { DCC_KIT_PORT: '', DCC_KIT_HOME: ' ' } });
  t.is(r.config.hub.port, 47200);
  t.is(r.config.home, path.join(tree.home, '.dcc-kit'));
});

test('path values: ~ expands, relative paths follow the file that sets them, bare executables stay for PATH', async t => {
  const tree = await makeTree({
    'home/.dcckitrc': 'publish:\n  root: ../shared/publish\n',
    [`${P}/.dcckitrc`]: [
      'home: ./kit-home',
      'harmony:',
      '  executable: HarmonyPremium',
      'houdini:',
      '  executable: ./bin/houdini',
      '  hython: ~/hfs/bin/hython',
      '',
    ].join('\n'),
  });
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.is(r.config.home, path.join(tree.project, 'kit-home'));
  t.is(r.config.harmony.workfiles.workArea, path.join(tree.project, 'kit-home', 'harmony'));
  t.is(r.config.publish.root, path.join(tree.root, 'shared', 'publish'));
  t.is(r.config.harmony.executable, 'HarmonyPremium');
  t.is(r.config.houdini.executable, path.join(tree.project, 'bin', 'houdini'));
  t.is(r.config.houdini.hython, path.join(tree.home, 'hfs', 'bin', 'hython'));
});

test('a project file can reset a user value to null', async t => {
  const tree = await makeTree({
    'home/.dcckitrc': 'harmony:\n  executable: /opt/harmony/HarmonyPremium\n',
    [`${P}/.dcckitrc.json`]: '{"harmony": {"executable": null}}',
  });
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.is(r.config.harmony.executable, null);
  t.is(r.sources['harmony.executable'], path.join(tree.project, '.dcckitrc.json'));
});

test('every load reads the files as they are now (edited modules and YAML, removed files)', async t => {
  const tree = await makeTree({
    [`${P}/dcckit.config.mjs`]: 'export default { hub: { port: 47001 } };\n',
    'home/.dcckitrc': 'hub:\n  logFiles: 2\n',
  });
  const opts = { cwd: tree.cwd, homeDir: tree.home, env: {} };
  const first = await loadConfig(opts);
  t.is(first.config.hub.port, 47001);
  t.is(first.config.hub.logFiles, 2);

  await writeFiles(tree.root, {
    [`${P}/dcckit.config.mjs`]: 'export default { hub: { port: 47002 } };\n',
    'home/.dcckitrc': 'hub:\n  logFiles: 6\n',
  });
  const second = await loadConfig(opts);
  t.is(second.config.hub.port, 47002);
  t.is(second.config.hub.logFiles, 6);

  await fs.rm(path.join(tree.project, 'dcckit.config.mjs'));
  const third = await loadConfig(opts);
  t.is(third.config.hub.port, 0);
  t.deepEqual(third.files, [path.join(tree.home, '.dcckitrc')]);
});

test('an edited CommonJS config module is reloaded too', async t => {
  const tree = await makeTree({ [`${P}/dcckit.config.cjs`]: 'module.exports = { hub: { port: 47011 } };\n' });
  const opts = { cwd: tree.cwd, homeDir: tree.home, env: {} };
  t.is((await loadConfig(opts)).config.hub.port, 47011);
  await writeFiles(tree.root, { [`${P}/dcckit.config.cjs`]: 'module.exports = { hub: { port: 47012 } };\n' });
  t.is((await loadConfig(opts)).config.hub.port, 47012);
});

test('an empty project file is skipped and the search goes on', async t => {
  const tree = await makeTree({
    [`${P}/scenes/.dcckitrc`]: '\n',
    [`${P}/.dcckitrc`]: 'hub:\n  port: 47003\n',
  });
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.is(r.config.hub.port, 47003);
});

test('a third-party adapter section listed under adapters is kept as it is, and "__proto__" cannot pollute', async t => {
  const tree = await makeTree({
    [`${P}/.dcckitrc.json`]: '{"adapters": ["@studio/dcckit-nuke"], "@studio/dcckit-nuke": {"executable": "/opt/nuke", "__proto__": {"polluted": true}}}',
  });
  const r = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.deepEqual(r.config.adapters, ['@studio/dcckit-nuke']);
  const section = r.config['@studio/dcckit-nuke'] as Record<string, unknown>;
  t.is(section.executable, '/opt/nuke');
  t.is(({} as Record<string, unknown>).polluted, undefined);
  t.is(Object.getPrototypeOf(section), Object.prototype);
});

test('dccKitHome: DCC_KIT_HOME (with ~ and relative paths resolved) or ~/.dcc-kit', t => {
  const home = path.join(scratch, 'someone');
  t.is(dccKitHome({ HOME: home, USERPROFILE: home }), path.join(home, '.dcc-kit'));
  t.is(dccKitHome({ DCC_KIT_HOME: '~/kit' }, home), path.join(home, 'kit'));
  t.is(dccKitHome({ DCC_KIT_HOME: 'rel/kit' }, home), path.resolve('rel/kit'));
  t.true(path.isAbsolute(dccKitHome()));
});

test('homeDir defaults to HOME from the env given', async t => {
  const tree = await makeTree({ 'home/.dcckitrc': 'hub:\n  logFiles: 5\n' });
  const r = await loadConfig({ cwd: tree.cwd, env: { HOME: tree.home, USERPROFILE: tree.home } });
  t.is(r.config.hub.logFiles, 5);
  t.is(r.config.home, path.join(tree.home, '.dcc-kit'));
});

test('a working folder reached through a symlink does not apply the user file a second time', async t => {
  const tree = await makeTree({ 'home/.dcckitrc': 'hub:\n  logFiles: 4\n' });
  const link = path.join(tree.root, 'shows-link');
  await fs.symlink(tree.home, link, 'dir');
  // the walk from the link never meets homeDir by name, so it climbs past the real home under the link's name
  const r = await loadConfig({ cwd: path.join(link, 'shows', 'proj', 'scenes', 'sh010'), homeDir: tree.home, env: {} });
  t.deepEqual(r.files, [path.join(tree.home, '.dcckitrc')]);
  t.is(r.config.hub.logFiles, 4);
});
