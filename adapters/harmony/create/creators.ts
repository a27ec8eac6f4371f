/** Harmony's built-in creator records; naming, attributes and records come from the kit's creator registry (kit/plugins/creators.ts). */
import { assertVariant, creatorAttributes, creatorNamed, newInstanceFields, productNameFor } from '../../../kit/plugins/creators.ts';
import type { InstanceRecord } from '../pipeline-types.ts';
import type { HarmonyCreator } from './creator-types.ts';
import render from './creators/render.ts';
import template from './creators/template.ts';
import workfile from './creators/workfile.ts';

export { assertVariant, creatorAttributes, creatorNamed, productNameFor };

/** The built-in creators, in the order they are listed. A new one is a file in ./creators/ added here. */
export const BUILT_IN_CREATORS: HarmonyCreator[] = [render, template, workfile];

export function newInstanceRecord(creator: HarmonyCreator, variant: string, folder: string, task: string | null, attributes: Record<string, unknown>): InstanceRecord {
  return { ...newInstanceFields(creator, variant, folder, task, attributes), key: '', node: null };
}
