/** Workfile: the scene itself, published by every publish (Collect Instances makes its instance). */
import type { HarmonyCreator } from '../creator-types.ts';

const workfile: HarmonyCreator = {
  name: 'workfile', label: 'Workfile', family: 'workfile', automatic: true,
  description: 'The scene itself (always published)',
  source: import.meta.filename,
};

export default workfile;
