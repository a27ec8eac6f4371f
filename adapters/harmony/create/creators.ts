/** Harmony's creators: what each makes, its product type, naming and attributes. */
import { didYouMean } from '../../../kit/suggest.ts';
import { randomUUID } from 'node:crypto';
import { UsageError } from '../../../kit/errors.ts';
import type { CreatorInfo, InstanceRecord } from '../pipeline-types.ts';

export const CREATORS: CreatorInfo[] = [
  {
    name: 'render', label: 'Render', productType: 'render',
    description: 'A WRITE node fed by the composite; renders PNG frames locally or on the farm',
    attributes: {
      target: { type: 'enum', values: ['local', 'farm'], default: 'local', label: 'Render on' },
      review: { type: 'bool', default: true, label: 'Mark for review' },
    },
    automatic: false,
  },
  {
    name: 'template', label: 'Template', productType: 'harmony.template',
    description: 'A backdrop (the selected one, or a new one) whose nodes publish as a Harmony template',
    attributes: {},
    automatic: false,
  },
  {
    name: 'workfile', label: 'Workfile', productType: 'workfile',
    description: 'The scene itself (always published)',
    attributes: {},
    automatic: true,
  },
];

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function productNameFor(creator: CreatorInfo, variant: string): string {
  const prefix = creator.name === 'template' ? 'template' : creator.productType;
  return `${prefix}${capitalize(variant)}`;
}

export function creatorNamed(name: string): CreatorInfo {
  const c = CREATORS.find((x) => x.name === name);
  if (!c) throw new UsageError(`unknown creator "${name}".${didYouMean(name, CREATORS.filter((x) => !x.automatic).map((x) => x.name))} (creators: ${CREATORS.filter((x) => !x.automatic).map((x) => x.name).join(', ')})`);
  if (c.automatic) throw new UsageError(`the ${c.name} instance is automatic: every publish includes it`);
  return c;
}

/** Checks and completes the attributes given for a creator (text from the CLI is converted). */
export function creatorAttributes(creator: CreatorInfo, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(creator.attributes)) out[k] = def.default;
  for (const [k, raw] of Object.entries(given)) {
    const def = creator.attributes[k];
    if (!def) throw new UsageError(`the ${creator.name} creator has no attribute "${k}" (attributes: ${Object.keys(creator.attributes).join(', ') || 'none'})`);
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

export function newInstanceRecord(creator: CreatorInfo, variant: string, folder: string, task: string | null, attributes: Record<string, unknown>): InstanceRecord {
  return {
    id: randomUUID(), key: '', creator: creator.name, productType: creator.productType, productName: productNameFor(creator, variant),
    variant, folder, task, active: true, attributes, node: null,
  };
}
