import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from './support/cli.ts';
import { installedPackage, packageKey, run } from './support/installed-package.ts';

// The workstation install: `npm pack`, then `npm install -g` of the tarball into a prefix (see
// support/installed-package.ts: once for every test in this file, and kept for later runs on the same sources).
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-pkg-'));
let installed: Promise<{ prefix: string; binDir: string }>;
/** The system's own Node when it is older than dcc-kit needs (Debian's Node 20 here), else undefined. */
const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
  try { return Number(execFileSync(p, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) < 22; } catch { return false; }
});
/** PATH with the old Node's folder first and no Node 24 of this checkout on it: an artist's shell before dcc-kit. */
function oldNodePath(first: string[] = []): string {
  const rest = (process.env.PATH ?? '').split(path.delimiter).filter((p) => p && !p.startsWith(ROOT) && p !== path.dirname(process.execPath));
  return [...first, path.dirname(oldNode ?? process.execPath), ...rest].join(path.delimiter);
}

test.before(() => {
  // npm itself runs on the system's (old) Node when there is one, as on a workstation that never had Node 24.
  installed = installedPackage({ installer: oldNode ?? process.execPath, installEnv: oldNode ? { ...process.env, PATH: oldNodePath() } : process.env });
  installed.catch(() => {});
});
test.after.always(() => fs.rmSync(work, { recursive: true, force: true }));

/** A user's shell in a shot folder outside the repository: the installed bins first on PATH, then a Node 24. */
function shell(binDir: string) {
  const dir = fs.mkdtempSync(path.join(work, 'user-'));
  const shot = path.join(dir, 'shots', 'sh010');
  fs.mkdirSync(shot, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env, HOME: dir, USERPROFILE: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg'), DCC_KIT_HOME: path.join(dir, 'kit'),
    PATH: [binDir, path.dirname(process.execPath), ...(process.env.PATH ?? '').split(path.delimiter).filter((p) => !p.startsWith(ROOT))].join(path.delimiter),
  };
  for (const key of ['DCC_KIT_PORT', 'DCC_KIT_TOKEN', 'DCC_KIT_HARMONY_EXECUTABLE', 'TOONBOOM_GLOBAL_SCRIPT_LOCATION', 'INIT_CWD', 'npm_config_prefix']) delete env[key];
  const dccKit = (args: string[]) => run('dcc-kit', args, { cwd: shot, env });
  return { dir, shot, env, dccKit };
}

test('after npm install -g of the packed tarball, dcc-kit works from any folder: --version, config, launch harmony --simulate', async (t) => {
  const { binDir } = await installed;
  const { dir, shot, dccKit } = shell(binDir);
  t.teardown(() => dccKit(['hub', 'stop']));
  t.is((await dccKit(['--version'])).stdout.trim(), manifest.version);
  fs.writeFileSync(path.join(shot, '.dcckitrc'), 'harmony:\n  menuLabel: Shot Tools\n');
  const config = await dccKit(['config']);
  t.is(config.code, 0, config.stderr);
  t.regex(config.stdout, new RegExp(`harmony\\.menuLabel +Shot Tools +${path.join(shot, '.dcckitrc').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  t.regex(config.stdout, new RegExp(`home +${path.join(dir, 'kit').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +env DCC_KIT_HOME`));
  const launched = await dccKit(['launch', 'harmony', '--simulate', '--json']);
  t.is(launched.code, 0, launched.stderr + launched.stdout);
  const out = JSON.parse(launched.stdout) as { pid: number; session: { id: string; dcc: string } };
  t.is(out.session.dcc, 'harmony');
  t.teardown(() => { try { process.kill(out.pid, 'SIGTERM'); } catch { /* gone */ } });
  const sessions = await dccKit(['sessions', '--json']);
  t.true((JSON.parse(sessions.stdout) as { id: string }[]).some((s) => s.id === out.session.id), sessions.stdout);
});

test('the installed package runs compiled JS, ships its dist types and runtime dependencies, and the simulator bin', async (t) => {
  const { prefix, binDir } = await installed;
  const pkg = process.platform === 'win32' ? path.join(prefix, 'node_modules', 'dcc-kit') : path.join(prefix, 'lib', 'node_modules', 'dcc-kit');
  t.true(fs.existsSync(path.join(pkg, 'dist', 'kit', 'index.d.ts')));
  t.false(fs.readdirSync(path.join(pkg, 'dist', 'kit')).some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')));
  for (const dep of Object.keys(manifest.dependencies)) t.true(fs.existsSync(path.join(pkg, 'node_modules', dep)) || fs.existsSync(path.join(path.dirname(pkg), dep)), dep);
  const { env, shot } = shell(binDir);
  const help = await run('dcc-kit', ['--help'], { cwd: shot, env });
  t.regex(help.stdout, /workfile +open, save/);
  const sim = await run('dcc-kit-harmony-sim', ['--help'], { cwd: shot, env });
  t.regex(sim.stdout, /headless stand-in for Toon Boom Harmony/);
});

(oldNode ? test : test.skip)('with the system\'s old Node first on PATH, the installed dcc-kit runs on the Node the package brings, and so does its hub', async (t) => {
  const { binDir } = await installed;
  const { env, shot } = shell(binDir);
  env.PATH = oldNodePath([binDir]);
  t.is(execFileSync('node', ['--version'], { env, encoding: 'utf8' }).trim().split('.')[0], `v${execFileSync(oldNode!, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim()}`, 'node on PATH is the old one');
  const version = await run('dcc-kit', ['--version'], { cwd: shot, env });
  t.is(version.code, 0, version.stderr);
  t.is(version.stdout.trim(), manifest.version);
  t.is(version.stderr, '');
  const started = await run('dcc-kit', ['hub', 'start', '--json'], { cwd: shot, env });
  t.teardown(() => run('dcc-kit', ['hub', 'stop'], { cwd: shot, env }));
  t.is(started.code, 0, started.stderr);
  const { pid } = JSON.parse(started.stdout) as { pid: number };
  if (process.platform === 'linux') t.regex(fs.readlinkSync(`/proc/${pid}/exe`), /node_modules[\\/]node[\\/]bin[\\/]node$/, 'the hub runs on the bundled Node');
});

// An unsupported Node is faked by a preload that changes process.versions.node (a real old Node is tried too
// when one is on this machine): every entry point prints one line naming the Node it needs and how to get it.
const FAKE_OLD = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.11.0"})`;
const ENTRIES: [string, RegExp][] = [
  ['dcc-kit.js', /^dcc-kit needs Node\.js >= 22\.18 \(this is v20\.\d+\.\d+ at .+\): install Node\.js 24 LTS \(https:\/\/nodejs\.org, or `nvm install 24`\).*`npx dcc-kit`/],
  ['dcc-kit-harmony-sim.js', /^dcc-kit-harmony-sim needs Node\.js >= 22\.18 .*https:\/\/nodejs\.org.*`npx dcc-kit-harmony-sim`/],
  ['demo.js', /^the dcc-kit demo needs Node\.js >= 22\.18 .*https:\/\/nodejs\.org.*`npm run demo`/],
];

test('on an unsupported Node without a Node of its own every bin prints one line: the Node it needs and how to get it', async (t) => {
  for (const [bin, expected] of ENTRIES) {
    // The preload makes the re-run on the bundled Node look old too: the case of a package without a usable Node.
    const runs = [run(process.execPath, ['--import', FAKE_OLD, path.join(ROOT, 'bin', bin), '--version'], { cwd: work })];
    for (const r of await Promise.all(runs)) {
      t.is(r.code, 1, bin);
      t.is(r.stdout, '');
      t.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      t.regex(r.stderr, expected);
    }
  }
  t.is(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.demo, 'node bin/demo.js');
  // A real old Node in the checkout: the bins run again on the Node 24 of node_modules.
  if (oldNode) {
    const r = await run(oldNode, [path.join(ROOT, 'bin', 'dcc-kit.js'), '--version'], { cwd: work });
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout.trim(), manifest.version);
  }
});

test('the cached install is keyed by every source of the package and by the Node that installs it, not by Python caches', (t) => {
  const root = path.join(work, 'key-root');
  fs.mkdirSync(path.join(root, 'kit'), { recursive: true });
  fs.mkdirSync(path.join(root, 'startup-scripts', 'python', '__pycache__'), { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), '{}');
  fs.writeFileSync(path.join(root, 'kit', 'a.ts'), 'export const a = 1;');
  const key = packageKey('/usr/bin/node', root);
  t.is(packageKey('/usr/bin/node', root), key);
  t.not(packageKey(process.execPath, root), key, 'another installer');
  fs.writeFileSync(path.join(root, 'startup-scripts', 'python', '__pycache__', 'x.cpython-311.pyc'), 'cache');
  t.is(packageKey('/usr/bin/node', root), key, 'Python caches are not sources');
  fs.writeFileSync(path.join(root, 'kit', 'a.ts'), 'export const a = 2;');
  const changed = packageKey('/usr/bin/node', root);
  t.not(changed, key, 'a changed source');
  fs.writeFileSync(path.join(root, 'kit', 'b.ts'), '');
  t.not(packageKey('/usr/bin/node', root), changed, 'a new source');
});
