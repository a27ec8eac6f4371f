/** Workfile: the .blend itself, published by every publish (Collect Blender Scene makes its instance). */
import type { BlenderCreator } from '../creator-types.ts';

const workfile: BlenderCreator = {
  name: 'workfile', label: 'Workfile', family: 'workfile', automatic: true,
  description: 'The .blend itself (always published)',
  source: import.meta.filename,
};

export default workfile;
