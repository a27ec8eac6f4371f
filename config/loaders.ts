/** The cosmiconfig loaders dcc-kit uses: the stock YAML/JSON ones, and JS/TS modules imported as they are now. */
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultLoaders } from 'cosmiconfig';
import type { Loader, Loaders } from 'cosmiconfig';
import { isInside } from './paths.ts';

const requireCache = createRequire(import.meta.url).cache;

/**
 * Imports a config module as it is on disk now. Node caches ES modules by URL for the life of the process
 * (and CommonJS ones by file name), which would freeze a long-running hub on the first version it saw; the
 * URL carries a hash of the content, so an edited file loads again and an unchanged one is reused.
 */
export async function importCurrent(filepath: string, content: string): Promise<unknown> {
  const real = await fsp.realpath(filepath);
  const url = pathToFileURL(real);
  url.searchParams.set('dcckit', createHash('sha256').update(content).digest('hex').slice(0, 16));
  delete requireCache[real];
  const mod = await import(url.href) as { default?: unknown };
  return mod.default;
}

const importModule: Loader = importCurrent;

/**
 * Loaders for every extension cosmiconfig searches. Files inside `ignoredDir` read as "not there": this is
 * how a search started for another home directory (tests, `homeDir` option) stays out of the real user's
 * config folder, which cosmiconfig's `global` strategy always visits last.
 */
export function configLoaders(ignoredDir: string | null): Loaders {
  const guard = (load: Loader): Loader => (filepath, content) => {
    if (ignoredDir && isInside(filepath, ignoredDir)) return path.basename(filepath) === 'package.json' ? {} : null;
    return load(filepath, content);
  };
  return {
    '.json': guard(defaultLoaders['.json']),
    '.yaml': guard(defaultLoaders['.yaml']),
    '.yml': guard(defaultLoaders['.yml']),
    noExt: guard(defaultLoaders.noExt),
    '.js': guard(importModule),
    '.mjs': guard(importModule),
    '.cjs': guard(importModule),
    '.ts': guard(importModule),
    '.mts': guard(importModule),
    '.cts': guard(importModule),
  };
}
