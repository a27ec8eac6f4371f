// Plain JS that any Node parses: each bin awaits this before it imports anything that needs a newer Node.
// On an older Node it runs the same command again on the Node this package brings (the `node` npm package,
// a dependency), so `npm install -g` of the package is all a workstation needs; without one it prints one
// line: what is needed, what ran, and how to get a supported Node.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NEEDED = '22.18';
/** Set in the re-run: a bundled Node that is itself too old is not run again. */
const REEXEC = 'DCC_KIT_NODE_REEXEC';

export function supported(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 18);
}

/** The executable of the `node` package beside this one (nested under it, or hoisted next to it), if any. */
export function bundledNode() {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const names = process.platform === 'win32' ? ['node.exe', 'node'] : ['node'];
  for (const dir of [path.join(root, 'node_modules', 'node', 'bin'), path.join(root, '..', 'node', 'bin')]) {
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        if (fs.statSync(file).size > 4096) return file; // the Windows placeholder "bin/node" is a few bytes
      } catch { /* not there */ }
    }
  }
  return null;
}

/** Runs this process's command again on `node`, and exits as it exits. */
function rerun(node) {
  const child = spawn(node, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, [REEXEC]: '1' } });
  // Ctrl-C reaches the child from the terminal itself; signals sent to this process alone are passed on.
  process.on('SIGINT', () => {});
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => { try { child.kill(sig); } catch { /* gone */ } });
  return new Promise(() => {
    child.on('error', (err) => {
      console.error(`dcc-kit: cannot run the Node.js it brings (${node}): ${err.message}`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => {
      if (signal) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      process.exit(code ?? 1);
    });
  });
}

export async function requireNode(name, inCheckout = `npx ${name}`) {
  if (supported(process.versions.node)) {
    delete process.env[REEXEC];
    return;
  }
  const node = process.env[REEXEC] ? null : bundledNode();
  if (node) return rerun(node);
  console.error(`${name} needs Node.js >= ${NEEDED} (this is v${process.versions.node} at ${process.execPath}): install Node.js 24 LTS (https://nodejs.org, or \`nvm install 24\`) and put it first on PATH; inside a dcc-kit checkout, \`${inCheckout}\` uses the Node 24 in node_modules.`);
  process.exit(1);
}

/**
 * Caches Node's compiled (and type-stripped) code on disk (os.tmpdir()/node-compile-cache), so every later
 * start of dcc-kit, and of the hub and simulator processes it spawns, skips most of that work. Set
 * NODE_COMPILE_CACHE to choose the folder, or NODE_DISABLE_COMPILE_CACHE=1 to turn it off.
 */
export async function cacheCompiledCode() {
  if (process.env.NODE_COMPILE_CACHE !== undefined || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  const { default: module } = await import('node:module');
  const result = module.enableCompileCache?.();
  if (result?.directory) process.env.NODE_COMPILE_CACHE = result.directory;
}
