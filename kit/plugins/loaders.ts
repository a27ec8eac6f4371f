/**
 * The loader registry every adapter shares: what a loader record is (its Node-side `prepare` and its DCC
 * half are the adapter's), how one is checked and listed, and which loader and representation a version
 * loads with. An adapter's loader type extends LoaderRecord with the input its `prepare` gets and its half.
 */
import type { ExtensionRecord } from '../adapter.ts';
import type { Representation, VersionManifest } from '../store/index.ts';

/** A load that cannot be done; the message says what is missing or wrong. */
export class LoadError extends Error {}

/** A loader as the CLI and the web page show it (`load.loaders`). */
export interface LoaderInfo {
  name: string;
  label: string;
  productTypes: string[];
  representations: string[];
  /** The module it is defined in; builtIn false for a studio loader (<adapter>.loaders). */
  source: string | null;
  builtIn: boolean;
}

export interface LoaderRecord extends ExtensionRecord {
  /** What `--loader` and the container's `loader` say. */
  name: string;
  label: string;
  /** Product types it loads (the first loader taking a product's type is the default). */
  families: string[];
  /** Representation names or extensions it reads, preferred first. */
  representations: string[];
}

const NAME = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

/**
 * What is wrong with a value as a loader record (none: it is one). `half` names the adapter's own fields:
 * `strings` (its DCC-side source), `booleans` and `functions` (`prepare` is always required).
 */
export function loaderRecordProblems(value: unknown, half: { strings?: string[]; booleans?: string[]; functions?: string[] } = {}): string[] {
  if (!value || typeof value !== 'object') return [`it is ${value === null ? 'null' : typeof value}, not a loader object { name, label, families, representations, prepare }`];
  const l = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof l.name !== 'string' || !NAME.test(l.name)) problems.push('name must be an identifier (e.g. "camera")');
  if (typeof l.label !== 'string' || !l.label) problems.push('label must be a non-empty string');
  for (const key of ['families', 'representations'] as const) {
    if (!(Array.isArray(l[key]) && (l[key] as unknown[]).length && (l[key] as unknown[]).every((x) => typeof x === 'string'))) problems.push(`${key} must be a non-empty list of strings`);
  }
  if (typeof l.prepare !== 'function') problems.push('prepare must be a function (input) -> { args, source }');
  for (const key of half.strings ?? []) if (l[key] !== undefined && typeof l[key] !== 'string') problems.push(`${key} must be a string`);
  for (const key of half.booleans ?? []) if (l[key] !== undefined && typeof l[key] !== 'boolean') problems.push(`${key} must be true or false`);
  for (const key of half.functions ?? []) if (l[key] !== undefined && typeof l[key] !== 'function') problems.push(`${key} must be a function`);
  return problems;
}

export function loaderInfo(l: LoaderRecord & { source?: string | null; builtIn?: boolean }): LoaderInfo {
  return { name: l.name, label: l.label, productTypes: [...l.families], representations: [...l.representations], source: l.source ?? null, builtIn: l.builtIn !== false };
}

/**
 * The loader for a version: the one asked for, else the first that takes its product type and reads the
 * representation asked for (a render's `mp4` goes to a movie loader) or, none asked, one the version has;
 * else the first that takes the type (chooseRepresentation then says what is missing).
 */
export function chooseLoader<L extends LoaderRecord>(loaders: L[], manifest: VersionManifest, asked?: string, representation?: string): L {
  if (asked) {
    const l = loaders.find((x) => x.name === asked);
    if (!l) throw new LoadError(`unknown loader "${asked}" (loaders: ${loaders.map((x) => x.name).join(', ')})`);
    if (!l.families.includes(manifest.productType)) throw new LoadError(`the ${l.name} loader does not load ${manifest.productType} products (it loads ${l.families.join(', ')})`);
    return l;
  }
  const rep = representation === undefined ? undefined : manifest.representations.find((r) => r.name === representation);
  const readsRep = (x: L, r: Representation) => x.representations.includes(r.name) || x.representations.includes(r.ext);
  const reads = (x: L) => (rep ? readsRep(x, rep) : manifest.representations.some((r) => readsRep(x, r)));
  const l = loaders.find((x) => x.families.includes(manifest.productType) && reads(x)) ?? loaders.find((x) => x.families.includes(manifest.productType));
  if (!l) throw new LoadError(`no loader takes ${manifest.productType} products (${manifest.folder}/${manifest.product}); loaders: ${loaders.map((x) => `${x.name} (${x.families.join(', ')})`).join(', ')}`);
  return l;
}

/** The representation to load: the one asked for, else the first the loader takes. */
export function chooseRepresentation(manifest: VersionManifest, loader: LoaderRecord, asked?: string): Representation {
  const name = `${manifest.folder}/${manifest.product} v${manifest.version}`;
  if (asked) {
    const r = manifest.representations.find((x) => x.name === asked);
    if (!r) throw new LoadError(`${name} has no representation "${asked}" (it has: ${manifest.representations.map((x) => x.name).join(', ') || 'none'})`);
    return r;
  }
  // A version's thumbnail (a JPEG) stands for the product; it is loaded only when asked for by name.
  const r = manifest.representations.find((x) => !x.tags?.includes('thumbnail') && (loader.representations.includes(x.name) || loader.representations.includes(x.ext)));
  if (!r) throw new LoadError(`${name} has no representation the ${loader.name} loader reads (${loader.representations.join(', ')}); it has: ${manifest.representations.map((x) => x.name).join(', ') || 'none'}`);
  return r;
}
