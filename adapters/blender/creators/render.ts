/** Render: the scene rendered by Blender to PNG frames, locally (a batch Blender) or on the farm. Blender half: dcckit_blender/pipeline.py "render". */
import type { BlenderCreator } from '../creator-types.ts';

const render: BlenderCreator = {
  name: 'render', label: 'Render', family: 'render',
  description: 'The scene rendered by Blender (its camera, engine and output size) to PNG frames over the shot\'s frame range with handles',
  attributes: { target: { type: 'enum', values: ['local', 'farm'], default: 'local', label: 'Render on' } },
  families: (record) => [record.attributes.target === 'farm' ? 'render.farm' : 'render.local'],
  source: import.meta.filename,
};

export default render;
