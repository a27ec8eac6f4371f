/**
 * Where the dcc-kit package lives, whether it runs from its TypeScript sources or from the compiled
 * `dist/` of a published package (startup scripts and bins sit at the package root either way).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (true) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'dcc-kit') return dir;
      } catch { /* keep looking */ }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the dcc-kit package root above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** ".ts" when running from sources, ".js" when running compiled. */
export const MODULE_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
