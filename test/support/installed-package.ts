/**
 * The workstation install of dcc-kit for the package tests: `npm pack` of this checkout (its prepack compiles
 * dist/), then `npm install -g` of the tarball into a prefix. Packing and installing cost about a minute and
 * half a minute of CPU, so the prefix is kept in a cache folder (os.tmpdir()/dcckit-test-package/<key>)
 * keyed by a hash of everything the package is made of (package.json, the lock file, the tsconfigs, README,
 * bin/, startup-scripts/, kit/, adapters/, config/) and of the Node and npm that install it: a run on
 * unchanged sources reuses it, any change makes a new one. The tests only read the prefix; each runs
 * dcc-kit from it with a home of its own.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { ROOT } from './cli.ts';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const CACHE = path.join(os.tmpdir(), 'dcckit-test-package');
const SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'startup-scripts', 'kit', 'adapters', 'config'];
/**
 * Cached installs of other sources not used for this long are removed (each is ~200 MB, the bundled Node
 * included). A run touches the one it uses when it starts, and no run takes an hour.
 */
const STALE_MS = 3600_000;

export interface RunResult { code: number; stdout: string; stderr: string }

export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { ...opts, encoding: 'utf8', timeout: 120_000, shell: process.platform === 'win32' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function hashTree(hash: crypto.Hash, root: string, rel: string): void {
  const abs = path.join(root, rel);
  const stat = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(abs).sort()) {
      if (name === '__pycache__' || name.endsWith('.pyc')) continue; // written by the Python tests, not sources
      hashTree(hash, root, path.join(rel, name));
    }
  } else if (stat.isFile() || stat.isSymbolicLink()) {
    hash.update(`${rel}\0${stat.mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(stat.isSymbolicLink() ? fs.readlinkSync(abs) : fs.readFileSync(abs));
    hash.update('\0');
  }
}

/** The cache key: what the package is made of, and how it is installed (`installer` names the Node npm runs on). */
export function packageKey(installer: string, root = ROOT): string {
  const hash = crypto.createHash('sha256');
  hash.update(`${process.version}\0${installer}\0`);
  for (const rel of SOURCES) hashTree(hash, root, rel);
  return hash.digest('hex').slice(0, 24);
}

function pruneOthers(keep: string): void {
  for (const name of fs.readdirSync(CACHE)) {
    if (name === keep || name.includes('.building-')) continue;
    const dir = path.join(CACHE, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > STALE_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch { /* another run removed it */ }
  }
}

/**
 * The prefix holding the installed package (its bins in `<prefix>/bin` on POSIX), packed and installed now
 * unless this very package was already. `installEnv` is the environment npm install runs in (an old Node
 * first on PATH, as on a workstation that never had Node 24); `installer` says which, for the key.
 */
export async function installedPackage(opts: { installer: string; installEnv: NodeJS.ProcessEnv }): Promise<{ prefix: string; binDir: string; cached: boolean }> {
  const key = packageKey(opts.installer);
  const prefix = path.join(CACHE, key);
  const binDir = process.platform === 'win32' ? prefix : path.join(prefix, 'bin');
  fs.mkdirSync(CACHE, { recursive: true });
  if (fs.existsSync(path.join(prefix, '.complete'))) {
    const now = new Date();
    fs.utimesSync(prefix, now, now);
    return { prefix, binDir, cached: true };
  }
  // Built beside its final place and renamed into it when complete: a run that stops midway, or two runs at
  // once, never leave a half-installed prefix under the key.
  const building = `${prefix}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(building);
  try {
    const pack = await run(npm, ['pack', '--json', '--pack-destination', building, '--loglevel=error'], { cwd: ROOT });
    if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
    const tarball = path.join(building, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
    const install = await run(npm, ['install', '-g', '--prefix', building, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: building, env: opts.installEnv });
    if (install.code !== 0) throw new Error(`npm install -g failed: ${install.stderr}`);
    fs.rmSync(tarball);
    fs.writeFileSync(path.join(building, '.complete'), `${new Date().toISOString()}\n`);
    try {
      fs.renameSync(building, prefix);
    } catch (err) {
      // Another run finished the same package first: use that one.
      if (!fs.existsSync(path.join(prefix, '.complete'))) throw err;
      fs.rmSync(building, { recursive: true, force: true });
    }
  } catch (err) {
    fs.rmSync(building, { recursive: true, force: true });
    throw err;
  }
  pruneOthers(key);
  return { prefix, binDir, cached: false };
}
