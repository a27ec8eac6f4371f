/**
 * A Harmony loader is ONE declarative record (built-in ones are in ./loaders/, a studio's are modules named by
 * `harmony.loaders`): which product types and representations it takes, and a Node-side `prepare` that
 * resolves and checks files so its Harmony half does everything in ONE call. The Harmony half is an ES5 object
 * registered with `dcckitPipeline.registerLoader(name, { load, update, remove?, present? })`: the built-ins'
 * in startup-scripts/harmony/pipeline/load.js, a studio's in `harmonyScript` (or a file of harmony.scripts).
 */
import type { ExtensionRecord } from '../../../kit/adapter.ts';
import type { Representation, VersionInfo, VersionManifest } from '../../../kit/store/index.ts';
import type { LoaderInfo } from '../pipeline-types.ts';

export interface LoaderInput {
  version: VersionInfo & { manifest: VersionManifest };
  representation: Representation;
  /** The representation's files, checked against their sha256: copies in the load's staging folder, or the store files themselves for a loader that `readsInPlace`. */
  files: string[];
  /** The same files in the store (what a container records), in the same order. */
  storeFiles: string[];
  /** The product's name (what nodes, columns and backdrops are named after). */
  productName: string;
  /** `dcc-kit load --mode` (palettes: link or import); on an update, the mode it was loaded with. */
  mode?: string;
  /** RGBA for the nodes it makes: green when the version is the latest, red when outdated. */
  color: [number, number, number, number];
  /** The .xstage the session has open, or null. */
  scene: string | null;
  /** A temporary folder for this load, removed after the call into Harmony. */
  staging(): Promise<string>;
  /** Limits for unzipping a product (those of opening a workfile: harmony.workfiles). */
  zip: ZipLimits;
}

/** Limits for unzipping template and workfile products: the workfile opener's (harmony.workfiles). */
export interface ZipLimits { maxBytes?: number; maxRatio?: number }

export interface PreparedLoad {
  /** Arguments for the Harmony half's load / update (besides the container). */
  args: Record<string, unknown>;
  /** The file recorded as the container's source: one of `files` (recorded as its store file) or another path. */
  source: string;
}

export interface HarmonyLoader extends ExtensionRecord {
  /** What `--loader` and the container's `loader` say. */
  name: string;
  label: string;
  /** Product types it loads (the first loader taking a product's type is the default). */
  families: string[];
  /** Representation names or extensions it reads, preferred first. */
  representations: string[];
  /** Its nodes are READs coloured green (latest) or red (outdated) when the scene opens and after updates. */
  colorsReads?: boolean;
  /** Harmony reads the (checked) store files themselves, not copies (a linked palette); `mode` is --mode. */
  readsInPlace?(mode?: string): boolean;
  prepare(input: LoaderInput): Promise<PreparedLoad> | PreparedLoad;
  /** ES5 source the hub injects into every scene of a project that uses this loader (registering its Harmony half). */
  harmonyScript?: string;
}

const NAME = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

export function loaderProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [`it is ${value === null ? 'null' : typeof value}, not a loader object { name, label, families, representations, prepare }`];
  const l = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof l.name !== 'string' || !NAME.test(l.name)) problems.push('name must be an identifier (e.g. "camera")');
  if (typeof l.label !== 'string' || !l.label) problems.push('label must be a non-empty string');
  for (const key of ['families', 'representations'] as const) {
    if (!(Array.isArray(l[key]) && (l[key] as unknown[]).length && (l[key] as unknown[]).every((x) => typeof x === 'string'))) problems.push(`${key} must be a non-empty list of strings`);
  }
  if (typeof l.prepare !== 'function') problems.push('prepare must be a function (input) -> { args, source }');
  if (l.harmonyScript !== undefined && typeof l.harmonyScript !== 'string') problems.push('harmonyScript must be a string of ES5');
  if (l.colorsReads !== undefined && typeof l.colorsReads !== 'boolean') problems.push('colorsReads must be true or false');
  if (l.readsInPlace !== undefined && typeof l.readsInPlace !== 'function') problems.push('readsInPlace must be a function (mode) -> boolean');
  return problems;
}

export function loaderInfo(l: HarmonyLoader & { source?: string | null; builtIn?: boolean }): LoaderInfo {
  return { name: l.name, label: l.label, productTypes: [...l.families], representations: [...l.representations], source: l.source ?? null, builtIn: l.builtIn !== false };
}
