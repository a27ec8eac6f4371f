import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from './support/cli.ts';

// A published package runs the compiled dist/ (Node does not strip types under node_modules): build it the
// way `npm pack` does and run the bins from a node_modules folder.
test('the compiled package runs its CLI and the simulator from node_modules', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-pkg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pkg = path.join(dir, 'node_modules', 'dcc-kit');
  fs.mkdirSync(pkg, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[]; dependencies: Record<string, string> };
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkg, 'dist')], { stdio: 'pipe' });
  for (const entry of manifest.files.filter((f) => f !== 'dist')) fs.cpSync(path.join(ROOT, entry), path.join(pkg, entry), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  // The runtime dependencies, resolved the way an install would place them (beside the package).
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name === 'dcc-kit' || name === 'node' || name.startsWith('.')) continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg'), DCC_KIT_HOME: path.join(dir, 'kit') };
  const run = (bin: string, args: string[]) => execFileSync(process.execPath, [path.join(pkg, 'bin', bin), ...args], { env, cwd: dir, encoding: 'utf8' });
  t.is(run('dcc-kit.js', ['--version']).trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  const config = JSON.parse(run('dcc-kit.js', ['config', '--json'])) as { config: { home: string } };
  t.is(config.config.home, path.join(dir, 'kit'));
  t.regex(run('dcc-kit.js', ['--help']), /workfile +open, save/);
  t.regex(run('dcc-kit-harmony-sim.js', ['--help']), /headless stand-in for Toon Boom Harmony/);
  t.true(fs.existsSync(path.join(pkg, 'dist', 'kit', 'index.d.ts')));
  t.false(fs.readdirSync(path.join(pkg, 'dist', 'kit')).some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')));
  for (const dep of Object.keys(manifest.dependencies)) t.true(fs.existsSync(path.join(dir, 'node_modules', dep)), dep);
});
