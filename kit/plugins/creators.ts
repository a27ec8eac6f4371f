/**
 * The creator registry every adapter shares: what a creator record is (its DCC half is the adapter's), how
 * one is checked, named, listed, and how its variant, attributes and product name are decided. An adapter's
 * creator type extends CreatorRecord with its own half (Harmony: `harmonyScript`, Blender: `blenderScript`).
 */
import { randomUUID } from 'node:crypto';
import type { ExtensionRecord } from '../adapter.ts';
import { UsageError } from '../errors.ts';
import { didYouMean } from '../suggest.ts';

/** A creator attribute: what the CLI's --attr, the page's form and an instance's `attributes` hold. */
export interface AttributeDef { type: 'enum' | 'bool' | 'text'; values?: string[]; default: unknown; label: string }

/** A creator as the CLI and the web page show it (`create.creators`). */
export interface CreatorInfo {
  name: string;
  label: string;
  /** The product type (family) of what it makes. */
  productType: string;
  description: string;
  /** Attribute name -> definition. */
  attributes: Record<string, AttributeDef>;
  /** Automatic creators (workfile) cannot be run by hand. */
  automatic: boolean;
  /** The module it is defined in; builtIn false for a studio creator (<adapter>.creators). */
  source: string | null;
  builtIn: boolean;
}

/** What every instance record has, whatever the DCC keeps besides. */
export interface InstanceFields {
  creator: string;
  productType: string;
  productName: string;
  variant: string;
  folder: string;
  task: string | null;
  active: boolean;
  attributes: Record<string, unknown>;
}

export interface CreatorRecord extends ExtensionRecord {
  /** What `dcc-kit create <name>` and the instance's `creator` say; lower-case first, letters, digits, '-' and '_'. */
  name: string;
  label: string;
  /** The product type of what it makes (the first family of its instances). */
  family: string;
  description?: string;
  attributes?: Record<string, AttributeDef>;
  /** Made by every publish, never by hand (the workfile). */
  automatic?: boolean;
  /** Product names are `<productPrefix><Variant>` (default: the family). */
  productPrefix?: string;
  /** More families the publish gives its instances (publish plugins pick instances by family). */
  families?(record: InstanceFields): string[];
}

const NAME = /^[a-z][a-zA-Z0-9_-]*$/;
const COMMANDS = ['list', 'enable', 'disable', 'remove'];

/**
 * What is wrong with a value as a creator record (none: it is one). `half` names the adapter's own fields:
 * `strings` (e.g. its DCC-side source) and `functions` (e.g. `prepare`) that must have that type when given.
 */
export function creatorRecordProblems(value: unknown, half: { strings?: string[]; functions?: string[] } = {}): string[] {
  if (!value || typeof value !== 'object') return [`it is ${value === null ? 'null' : typeof value}, not a creator object { name, label, family }`];
  const c = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof c.name !== 'string' || !NAME.test(c.name)) problems.push('name must be an identifier starting with a lower-case letter (e.g. "camera")');
  if (COMMANDS.includes(String(c.name))) problems.push(`name "${String(c.name)}" is a dcc-kit create command`);
  if (typeof c.label !== 'string' || !c.label) problems.push('label must be a non-empty string');
  if (typeof c.family !== 'string' || !c.family) problems.push('family must be the product type it makes (e.g. "camera")');
  for (const key of ['description', 'productPrefix', ...(half.strings ?? [])]) if (c[key] !== undefined && typeof c[key] !== 'string') problems.push(`${key} must be a string`);
  for (const key of ['families', ...(half.functions ?? [])]) if (c[key] !== undefined && typeof c[key] !== 'function') problems.push(`${key} must be a function`);
  if (c.automatic !== undefined && typeof c.automatic !== 'boolean') problems.push('automatic must be true or false');
  if (c.attributes !== undefined) {
    if (!c.attributes || typeof c.attributes !== 'object') problems.push('attributes must be an object of { type, default, label }');
    else {
      for (const [k, d] of Object.entries(c.attributes as Record<string, Partial<AttributeDef>>)) {
        if (!d || !['enum', 'bool', 'text'].includes(String(d.type))) problems.push(`attributes.${k}.type must be enum, bool or text`);
        else if (d.type === 'enum' && !(Array.isArray(d.values) && d.values.length)) problems.push(`attributes.${k}.values must list the choices`);
      }
    }
  }
  return problems;
}

export function creatorInfo(c: CreatorRecord & { source?: string | null; builtIn?: boolean }): CreatorInfo {
  return {
    name: c.name, label: c.label, productType: c.family, description: c.description ?? '', attributes: c.attributes ?? {},
    automatic: c.automatic === true, source: c.source ?? null, builtIn: c.builtIn !== false,
  };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function productNameFor(creator: CreatorRecord, variant: string): string {
  return `${creator.productPrefix ?? creator.family}${capitalize(variant)}`;
}

/** The creator a user named (a did-you-mean when none is); automatic ones cannot be run by hand. */
export function creatorNamed<C extends CreatorRecord>(creators: C[], name: string): C {
  const c = creators.find((x) => x.name === name);
  const manual = creators.filter((x) => !x.automatic).map((x) => x.name);
  if (!c) throw new UsageError(`unknown creator "${name}".${didYouMean(name, manual)} (creators: ${manual.join(', ')})`);
  if (c.automatic) throw new UsageError(`the ${c.name} instance is automatic: every publish includes it`);
  return c;
}

/** Checks and completes the attributes given for a creator (text from the CLI is converted). */
export function creatorAttributes(creator: CreatorRecord, given: Record<string, unknown>): Record<string, unknown> {
  const defs = creator.attributes ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(defs)) out[k] = def.default;
  for (const [k, raw] of Object.entries(given)) {
    const def = Object.hasOwn(defs, k) ? defs[k] : undefined;
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

/** The fields of a new instance every DCC records (an adapter adds its own: a key, a node...). */
export function newInstanceFields(creator: CreatorRecord, variant: string, folder: string, task: string | null, attributes: Record<string, unknown>): InstanceFields & { id: string } {
  return { id: randomUUID(), creator: creator.name, productType: creator.family, productName: productNameFor(creator, variant), variant, folder, task, active: true, attributes };
}
