// Plain JS that any Node parses: each bin calls this before it imports anything that needs a newer Node.
// The message is one line: what is needed, what ran, and how to get a supported Node.
export const NEEDED = '22.18';

export function supported(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 18);
}

export function requireNode(name, inCheckout = `npx ${name}`) {
  if (supported(process.versions.node)) return;
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
