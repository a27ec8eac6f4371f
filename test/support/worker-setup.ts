/**
 * Loaded by ava in every test worker before the test file (package.json "ava.require"). Turns on Node's
 * compile cache as the dcc-kit bins do (bin/require-node.js, cacheCompiledCode): the type-stripped and
 * compiled modules are cached on disk, and NODE_COMPILE_CACHE passes it on, so each test file, each worker
 * thread of an in-process hub (zip and copy pools) and each process a test spawns skips most of that work.
 * The suite is CPU-bound on a 2-core machine; this is about a tenth of it.
 */
import module from 'node:module';

if (process.env.NODE_COMPILE_CACHE === undefined && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  const enabled = module.enableCompileCache?.();
  if (enabled?.directory) process.env.NODE_COMPILE_CACHE = enabled.directory;
}
