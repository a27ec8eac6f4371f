/**
 * Template: a backdrop whose nodes publish as a Harmony template. Harmony half: pipeline/create.js
 * "template" (the selected backdrop; else a backdrop around the selected nodes; else an empty backdrop
 * placed clear of every node, never one that takes whatever lies where it lands).
 */
import type { HarmonyCreator } from '../creator-types.ts';

const template: HarmonyCreator = {
  name: 'template', label: 'Template', family: 'harmony.template', productPrefix: 'template',
  description: 'A backdrop (the selected one, one around the selected nodes, or a new empty one) whose nodes publish as a Harmony template',
  source: import.meta.filename,
};

export default template;
