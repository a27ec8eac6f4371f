import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../kit/config.ts';
import { composePublishPlugins, extensionSet, loadModules } from '../kit/plugins/index.ts';
import { runPublish, type PublishPlugin } from '../kit/publish/index.ts';
import { harmonyExtensionsFor } from '../adapters/harmony/extensions.ts';
import { makeTree, writeFiles } from './support/config-tree.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-plugins-'));
test.after.always(() => fsp.rm(scratch, { recursive: true, force: true }));

const LOAD = { key: 'publish.plugins', named: ['plugins'], timeoutMs: 10_000 };
const plugin = (label: string, order: number, extra: Partial<PublishPlugin> = {}): PublishPlugin => ({ label, order, process() {}, ...extra });

test('a folder of plugin modules: .ts, .mjs and .js load; helpers, tests and declarations are skipped; one bad file never hides the others', async (t) => {
  const dir = await fsp.mkdtemp(path.join(scratch, 'folder-'));
  await writeFiles(dir, {
    'a.ts': 'import { helper } from "./_helper.ts";\nconst p: { label: string; order: number; process(): void } = { label: helper("A"), order: 1, process() {} };\nexport default p;\n',
    '_helper.ts': 'export const helper = (s: string): string => `Validate ${s}`;\n',
    'b.mjs': 'export const plugins = [{ label: "B1", order: 2, process() {} }, { label: "B2", order: 0.5, process() {} }];\n',
    'sub/c.js': 'export default { label: "C", order: 1.5, process() {} };\n',
    'd.d.ts': 'export declare const x: number;\n',
    'e.test.ts': 'throw new Error("never imported");\n',
    'notes.txt': 'not a module',
    'syntax.ts': 'export default { label: "S", order: 1, process() { return ( } };\n',
  });
  const { exports, problems } = await loadModules([dir], { ...LOAD, fromDir: dir });
  t.deepEqual(exports.map((e) => (e.value as { label: string }).label).sort(), ['B1', 'B2', 'C', 'Validate A']);
  t.deepEqual(exports.find((e) => (e.value as { label: string }).label === 'C')!.file, path.join(dir, 'sub', 'c.js'));
  t.is(problems.length, 1);
  t.is(problems[0]!.file, path.join(dir, 'syntax.ts'));
  t.regex(problems[0]!.error, /^does not load: SyntaxError/);
});

test('a module that hangs at import fails after the timeout; an edited file is read again; packages come from node_modules above the file that names them', async (t) => {
  const dir = await fsp.mkdtemp(path.join(scratch, 'mods-'));
  await writeFiles(dir, {
    'hang.mjs': 'await new Promise(() => {});\nexport default {};\n',
    'edit.mjs': 'export default { label: "First", order: 1, process() {} };\n',
    'project/node_modules/@studio/dcckit-plugins/package.json': JSON.stringify({ name: '@studio/dcckit-plugins', type: 'module', exports: { '.': { import: './src/index.js' } } }),
    'project/node_modules/@studio/dcckit-plugins/src/index.js': 'export const plugins = [{ label: "From A Package", order: 1.9, process() {} }];\n',
  });
  const hung = await loadModules([path.join(dir, 'hang.mjs')], { ...LOAD, fromDir: dir, timeoutMs: 5000 });
  t.regex(hung.problems[0]!.error, /does not load: did not finish importing within 5 s/);

  const first = await loadModules([path.join(dir, 'edit.mjs')], { ...LOAD, fromDir: dir });
  t.is((first.exports[0]!.value as { label: string }).label, 'First');
  await fsp.writeFile(path.join(dir, 'edit.mjs'), 'export default { label: "Second, longer", order: 1, process() {} };\n');
  const second = await loadModules([path.join(dir, 'edit.mjs')], { ...LOAD, fromDir: dir });
  t.is((second.exports[0]!.value as { label: string }).label, 'Second, longer');

  const pkg = await loadModules(['@studio/dcckit-plugins'], { ...LOAD, fromDir: path.join(dir, 'project', 'shots') });
  t.deepEqual(pkg.problems, []);
  t.is((pkg.exports[0]!.value as { label: string }).label, 'From A Package');
  t.is(pkg.exports[0]!.file, path.join(dir, 'project', 'node_modules', '@studio', 'dcckit-plugins', 'src', 'index.js'));
  const missing = await loadModules(['@studio/not-here'], { ...LOAD, fromDir: dir });
  t.regex(missing.problems[0]!.error, /the package is not installed .*run npm install @studio\/not-here in the project/);
});

test('composing: studio plugins run beside the built-ins by order; one replaces a built-in by label; publish.disable drops by label; wrong shapes and unknown labels are problems', (t) => {
  const builtIn = [plugin('Collect Scene', 0), plugin('Validate Audio', 1.3), plugin('Validate Names', 1.1), plugin('Integrate', 3)];
  const studio = [
    { file: '/s/names.ts', value: plugin('Validate Names', 1.2, { hint: 'studio rule' }) },
    { file: '/s/extra.ts', value: plugin('Validate Studio', 1.05) },
    { file: '/s/other.ts', value: plugin('Only Houdini', 1, { hosts: ['houdini'] }) },
    { file: '/s/bad.ts', value: { label: 'Half', order: 'soon' } },
    { file: '/s/dup.ts', value: plugin('Validate Studio', 1.9) },
  ];
  const { plugins, entries, problems } = composePublishPlugins(builtIn, studio, { disable: ['Validate Audio', 'Validate Nothing'], timeout: 5000, host: 'harmony' });
  t.deepEqual(plugins.map((p) => p.label), ['Collect Scene', 'Validate Studio', 'Validate Names', 'Integrate']);
  const names = plugins.find((p) => p.label === 'Validate Names')!;
  t.like(names, { source: '/s/names.ts', studio: true, timeout: 5000, hint: 'studio rule', order: 1.2 });
  t.false(Object.hasOwn(studio[0]!.value as object, 'source'), 'the module\'s own object is not changed');
  t.deepEqual(entries.filter((e) => e.state !== 'active').map((e) => [e.label, e.state, e.builtIn]), [['Validate Names', 'replaced', true], ['Validate Audio', 'disabled', true]]);
  t.deepEqual(problems.map((p) => p.file), ['/s/bad.ts', '/s/dup.ts', 'publish.disable']);
  t.regex(problems[0]!.error, /exports a plugin "Half" that cannot run: order must be a number .*; process must be a function/);
  t.regex(problems[2]!.error, /no plugin is labelled "Validate Nothing"/);
});

test('a studio plugin that throws (at once or later) or hangs fails only its own result, named, with the timeout named; the run ends', async (t) => {
  const hang = Object.assign(plugin('Validate Hangs', 1.2, { process: () => new Promise(() => {}) }), { studio: true, timeout: 5000 });
  const plugins = [
    plugin('Collect', 0, { process: (ctx) => { ctx.createInstance({ id: 'i1', name: 'renderMain', productType: 'render', families: [] }); } }),
    plugin('Validate Throws', 1.1, { process: () => { throw new TypeError('studio bug'); } }),
    plugin('Validate Rejects', 1.15, { process: async () => { throw new Error('later'); } }),
    hang,
    plugin('Validate Fine', 1.3),
    plugin('Extract', 2),
  ];
  const report = await runPublish({ plugins });
  t.false(report.success);
  t.is(report.stoppedAt, 'validate');
  const byLabel = Object.fromEntries(report.results.map((r) => [r.plugin, r]));
  t.like(byLabel['Validate Throws']!.error, { name: 'TypeError', message: 'studio bug' });
  t.like(byLabel['Validate Rejects']!.error, { message: 'later' });
  t.like(byLabel['Validate Hangs']!.error, { name: 'PluginTimeoutError', message: 'Validate Hangs did not finish within 5 s (publish.pluginTimeout); the publish went on without it' });
  t.true(byLabel['Validate Fine']!.success);
  t.false('Extract' in byLabel);
});

test('publish.plugins, publish.disable and harmony.creators/loaders in a project .dcckitrc: paths relative to that file, layered; the Harmony set has them with their files', async (t) => {
  const tree = await makeTree(scratch, {
    'home/proj/.dcckitrc': 'publish:\n  plugins: [./pipeline/plugins]\n  disable: ["Validate Audio"]\nharmony:\n  creators: [./pipeline/creators/cam.mjs]\n  loaders: [./pipeline/loaders]\n',
    'home/proj/pipeline/plugins/v.mjs': 'export default { label: "Validate Studio", order: 1.4, process() {} };\n',
    'home/proj/pipeline/creators/cam.mjs': 'export default { name: "cam", label: "Camera", family: "camera" };\n',
    'home/proj/pipeline/loaders/cam.mjs': 'export const loaders = [{ name: "cam", label: "Camera", families: ["camera"], representations: ["json"], prepare: () => ({ args: {}, source: "x" }) }, { name: "Bad Name!", label: "x" }];\n',
    'home/proj/scenes/.dcckitrc': 'context:\n  folder: shots/sh010\n',
  });
  const resolved = await loadConfig({ cwd: tree.cwd, homeDir: tree.home, env: {} });
  t.deepEqual(resolved.config.publish.plugins, [path.join(tree.project, 'pipeline', 'plugins')]);
  t.is(resolved.sources['publish.plugins'], path.join(tree.project, '.dcckitrc'));
  const set = await harmonyExtensionsFor(resolved.config, resolved.sources, tree.cwd);
  t.like(set.pluginEntries.find((p) => p.label === 'Validate Studio'), { builtIn: false, source: path.join(tree.project, 'pipeline', 'plugins', 'v.mjs'), state: 'active' });
  t.like(set.pluginEntries.find((p) => p.label === 'Validate Audio'), { builtIn: true, state: 'disabled' });
  t.false(set.plugins.some((p) => p.label === 'Validate Audio'));
  t.deepEqual(set.creators.map((c) => `${c.name}:${c.builtIn}`), ['render:true', 'template:true', 'workfile:true', 'cam:false']);
  t.deepEqual(set.loaders.map((l) => l.name)[0], 'cam', 'a studio loader is the default for its product types');
  t.is(set.problems.length, 1);
  t.regex(set.problems[0]!.error, /exports a loader "Bad Name!" that cannot be used: name must be an identifier.*families must be a non-empty list/);
  t.is(set.problems[0]!.key, 'harmony.loaders');

  const bad = await makeTree(scratch, { 'home/proj/.dcckitrc': 'publish:\n  plugins: [plugins]\n  disable: "Validate Audio"\n' });
  const err = await t.throwsAsync(loadConfig({ cwd: bad.cwd, homeDir: bad.home, env: {} }));
  t.regex(err!.message, /\.dcckitrc: publish\.disable must be a list of names \(got "Validate Audio"\)/);
});

test('an adapter without extensions takes part in nothing; a kit-level set needs no DCC', async (t) => {
  const set = await extensionSet({ adapter: 'none', extensions: {}, config: { publish: { plugins: [], disable: [], pluginTimeout: 60_000 } } });
  t.deepEqual([set.plugins, set.creators, set.loaders, set.problems], [[], [], [], []]);
});
