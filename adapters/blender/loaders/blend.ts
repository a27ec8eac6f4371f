/** A published .blend: its collections linked (a Library), the top-level ones instanced by empties. Blender half: containers.py "blend". */
import type { BlenderLoader } from '../loader-types.ts';

const blend: BlenderLoader = {
  name: 'blend', label: 'Linked .blend', families: ['workfile', 'layout', 'model', 'rig'], representations: ['blend'],
  prepare: ({ files }) => ({ path: files[0] }),
  source: import.meta.filename,
};

export default blend;
