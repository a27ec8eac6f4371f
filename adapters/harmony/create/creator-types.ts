/**
 * A Harmony creator is ONE declarative record (built-in ones are in ./creators/, a studio's are modules named
 * by `harmony.creators`). Its Harmony half is an ES5 object registered in the scene's script engine with
 * `dcckitPipeline.registerCreator(name, { create, present?, isActive?, setActive?, remove? })`: the built-ins'
 * in startup-scripts/harmony/pipeline/create.js, a studio's in `harmonyScript` (or a file of harmony.scripts).
 */
import type { ExtensionRecord } from '../../../kit/adapter.ts';
import type { DccKitConfig } from '../../../kit/config.ts';
import type { AttributeDef, CreatorInfo, InstanceRecord } from '../pipeline-types.ts';

export interface HarmonyCreator extends ExtensionRecord {
  /** What `dcc-kit create <name>` and the record's `creator` say; lower-case letters, digits, '-' and '_'. */
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
  families?(record: InstanceRecord): string[];
  /** Node side, before the one call into Harmony: more arguments for the Harmony half (e.g. from the session's config). */
  prepare?(input: { config: DccKitConfig; record: InstanceRecord; useSelection: boolean }): Record<string, unknown> | Promise<Record<string, unknown>>;
  /**
   * ES5 source the hub injects into every scene of a project that uses this creator, registering its Harmony
   * half (checked as ES5 first). Optional: the Harmony half may come from harmony.scripts instead.
   */
  harmonyScript?: string;
}

const NAME = /^[a-z][a-zA-Z0-9_-]*$/;

/** What is wrong with a value as a creator record (none: it is one). */
export function creatorProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [`it is ${value === null ? 'null' : typeof value}, not a creator object { name, label, family }`];
  const c = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof c.name !== 'string' || !NAME.test(c.name)) problems.push('name must be an identifier starting with a lower-case letter (e.g. "camera")');
  if (c.name === 'list' || c.name === 'enable' || c.name === 'disable' || c.name === 'remove') problems.push(`name "${String(c.name)}" is a dcc-kit create command`);
  if (typeof c.label !== 'string' || !c.label) problems.push('label must be a non-empty string');
  if (typeof c.family !== 'string' || !c.family) problems.push('family must be the product type it makes (e.g. "camera")');
  for (const key of ['description', 'productPrefix', 'harmonyScript'] as const) if (c[key] !== undefined && typeof c[key] !== 'string') problems.push(`${key} must be a string`);
  for (const key of ['families', 'prepare'] as const) if (c[key] !== undefined && typeof c[key] !== 'function') problems.push(`${key} must be a function`);
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

export function creatorInfo(c: HarmonyCreator & { source?: string | null; builtIn?: boolean }): CreatorInfo {
  return {
    name: c.name, label: c.label, productType: c.family, description: c.description ?? '', attributes: c.attributes ?? {},
    automatic: c.automatic === true, source: c.source ?? null, builtIn: c.builtIn !== false,
  };
}
