/** Harmony's creator registry: the built-in records, and naming, attributes and records for any creator. */
import { didYouMean } from '../../../kit/suggest.ts';
import { randomUUID } from 'node:crypto';
import { UsageError } from '../../../kit/errors.ts';
import type { InstanceRecord } from '../pipeline-types.ts';
import type { HarmonyCreator } from './creator-types.ts';
import render from './creators/render.ts';
import template from './creators/template.ts';
import workfile from './creators/workfile.ts';

/** The built-in creators, in the order they are listed. A new one is a file in ./creators/ added here. */
export const BUILT_IN_CREATORS: HarmonyCreator[] = [render, template, workfile];

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function productNameFor(creator: HarmonyCreator, variant: string): string {
  return `${creator.productPrefix ?? creator.family}${capitalize(variant)}`;
}

export function creatorNamed(creators: HarmonyCreator[], name: string): HarmonyCreator {
  const c = creators.find((x) => x.name === name);
  const manual = creators.filter((x) => !x.automatic).map((x) => x.name);
  if (!c) throw new UsageError(`unknown creator "${name}".${didYouMean(name, manual)} (creators: ${manual.join(', ')})`);
  if (c.automatic) throw new UsageError(`the ${c.name} instance is automatic: every publish includes it`);
  return c;
}

/** Checks and completes the attributes given for a creator (text from the CLI is converted). */
export function creatorAttributes(creator: HarmonyCreator, given: Record<string, unknown>): Record<string, unknown> {
  const defs = creator.attributes ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(defs)) out[k] = def.default;
  for (const [k, raw] of Object.entries(given)) {
    const def = defs[k];
    if (!def) throw new UsageError(`the ${creator.name} creator has no attribute "${k}" (attributes: ${Object.keys(defs).join(', ') || 'none'})`);
    let value = raw;
    if (def.type === 'bool' && typeof raw === 'string') {
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(raw)) throw new UsageError(`${k} must be true or false (got "${raw}")`);
      value = ['true', '1', 'yes'].includes(raw);
    }
    if (def.type === 'bool' && typeof value !== 'boolean') throw new UsageError(`${k} must be true or false`);
    if (def.type === 'enum' && !def.values!.includes(String(value))) throw new UsageError(`${k} must be one of ${def.values!.join(', ')} (got "${String(value)}")`);
    out[k] = value;
  }
  return out;
}

export function assertVariant(variant: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_]*$/.test(variant) || variant.length > 64) {
    const shown = variant.length > 80 ? `${variant.slice(0, 80)}…` : variant;
    throw new UsageError(`"${shown}" is not a valid variant: ${variant.length > 64 ? `at most 64 characters (it has ${variant.length})` : 'use letters, digits and "_" (e.g. Main, BG, char_A)'}`);
  }
}

export function newInstanceRecord(creator: HarmonyCreator, variant: string, folder: string, task: string | null, attributes: Record<string, unknown>): InstanceRecord {
  return {
    id: randomUUID(), key: '', creator: creator.name, productType: creator.family, productName: productNameFor(creator, variant),
    variant, folder, task, active: true, attributes, node: null,
  };
}
