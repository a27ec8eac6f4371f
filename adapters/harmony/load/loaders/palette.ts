/** Palette: linked in place (mode link), or copied into the scene's palette-library (mode import). */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { LoadError } from '../errors.ts';
import type { HarmonyLoader } from '../loader-types.ts';

const palette: HarmonyLoader = {
  name: 'palette', label: 'Palette (link, or import a copy)', families: ['palette', 'harmony.palette'], representations: ['plt'],
  // A linked palette is the (checked) store file itself; an import copies it into the scene.
  readsInPlace: (mode) => (mode ?? 'link') === 'link',
  async prepare({ files, productName, mode = 'link', scene }) {
    if (mode !== 'link' && mode !== 'import') throw new LoadError(`palette mode must be link or import (got "${mode}")`);
    // Harmony's scripting has no portable mkdir: the Node side makes the folder an import copies into.
    if (mode === 'import' && scene) await fsp.mkdir(path.join(path.dirname(scene), 'palette-library'), { recursive: true });
    return { args: { file: files[0], mode, paletteName: productName }, source: files[0]! };
  },
  source: import.meta.filename,
};

export default palette;
