/** Render: a WRITE node fed by the composite, rendering PNG frames locally or on the farm. Harmony half: pipeline/create.js "render". */
import type { HarmonyCreator } from '../creator-types.ts';

const render: HarmonyCreator = {
  name: 'render', label: 'Render', family: 'render',
  description: 'A WRITE node fed by the composite; renders PNG frames locally or on the farm',
  attributes: {
    target: { type: 'enum', values: ['local', 'farm'], default: 'local', label: 'Render on' },
    review: { type: 'bool', default: true, label: 'Mark for review' },
  },
  families: (record) => [`render.${record.attributes.target === 'farm' ? 'farm' : 'local'}`, ...(record.attributes.review !== false ? ['review'] : [])],
  prepare: ({ config }) => ({ compositePattern: config.harmony.publish.compositePattern }),
  source: import.meta.filename,
};

export default render;
