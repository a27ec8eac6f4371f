/**
 * A studio loader: a published layout (JSON) becomes a PEG node with its position and scale. The Node half
 * reads and checks the file; the Harmony half (harmony/studio-layout.js, registered as "layout") makes the
 * node in ONE call. Update sets the new values on the same peg; remove and the inventory's checks are the
 * defaults for node-making loaders.
 */
import fsp from 'node:fs/promises';
import type { HarmonyLoader } from 'dcc-kit/harmony';

const layout: HarmonyLoader = {
  name: 'layout',
  label: 'Layout peg',
  families: ['layout'],
  representations: ['json'],
  async prepare({ files, productName }) {
    const values = JSON.parse(await fsp.readFile(files[0]!, 'utf8')) as Record<string, unknown>;
    for (const k of ['x', 'y', 'scaleX', 'scaleY']) {
      if (typeof values[k] !== 'number') throw new Error(`${files[0]} is not a layout: ${k} must be a number`);
    }
    return { args: { name: productName, values }, source: files[0]! };
  },
};

export default layout;
