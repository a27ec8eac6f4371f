/** Background: a layout .json and its layer images, one READ per layer under a backdrop. */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { LoadError } from '../errors.ts';
import type { HarmonyLoader } from '../loader-types.ts';
import { layoutLayerNames } from '../../../../kit/media/background-layout.ts';

const background: HarmonyLoader = {
  name: 'background', label: 'Background (layout + layers)', families: ['background'], representations: ['json'],
  colorsReads: true,
  async prepare({ files, version, productName, color }) {
    const json = files.find((f) => f.endsWith('.json'));
    if (!json) throw new LoadError(`${version.manifest.product} v${version.version}: the background has no layout .json`);
    let layout: unknown;
    try {
      layout = JSON.parse(await fsp.readFile(json, 'utf8'));
    } catch (err) {
      throw new LoadError(`cannot read the background layout ${json}: ${(err as Error).message}`);
    }
    const names = layoutLayerNames(layout);
    if (!names.length) throw new LoadError(`the background layout ${json} names no layer files (children[].filename)`);
    const layers = names.sort().map((n) => {
      const file = path.join(path.dirname(json), n);
      if (!files.includes(file)) throw new LoadError(`the background layout names ${n}, which is not in ${version.manifest.product} v${version.version}`);
      return { name: path.basename(n, path.extname(n)).replace(/[^A-Za-z0-9_]/g, '_'), file };
    });
    return { args: { layers, title: productName, color }, source: json };
  },
  source: import.meta.filename,
};

export default background;
