/** Workfile: a published workfile's nodes pasted under a backdrop (Harmony half: the template loader's). */
import type { HarmonyLoader } from '../loader-types.ts';
import { extractedProduct } from './template.ts';

const workfile: HarmonyLoader = {
  name: 'workfile', label: 'Workfile (its nodes)', families: ['workfile'], representations: ['zip'],
  prepare: (input) => extractedProduct(input, false),
  source: import.meta.filename,
};

export default workfile;
