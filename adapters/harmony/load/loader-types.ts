/**
 * A Harmony loader is ONE record of the kit's loader registry (kit/plugins/loaders.ts; built-in ones are in
 * ./loaders/, a studio's are modules named by `harmony.loaders`): which product types and representations it
 * takes, and a Node-side `prepare` that resolves and checks files so its Harmony half does everything in ONE call. The Harmony half is an ES5 object
 * registered with `dcckitPipeline.registerLoader(name, { load, update, remove?, present? })`: the built-ins'
 * in startup-scripts/harmony/pipeline/load.js, a studio's in `harmonyScript` (or a file of harmony.scripts).
 */
import { loaderInfo, loaderRecordProblems, type LoaderRecord } from '../../../kit/plugins/loaders.ts';
import type { Representation, VersionInfo, VersionManifest } from '../../../kit/store/index.ts';

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

export interface HarmonyLoader extends LoaderRecord {
  /** Its nodes are READs coloured green (latest) or red (outdated) when the scene opens and after updates. */
  colorsReads?: boolean;
  /** Harmony reads the (checked) store files themselves, not copies (a linked palette); `mode` is --mode. */
  readsInPlace?(mode?: string): boolean;
  prepare(input: LoaderInput): Promise<PreparedLoad> | PreparedLoad;
  /** ES5 source the hub injects into every scene of a project that uses this loader (registering its Harmony half). */
  harmonyScript?: string;
}

/** What is wrong with a value as a Harmony loader record (none: it is one). */
export function loaderProblems(value: unknown): string[] {
  return loaderRecordProblems(value, { strings: ['harmonyScript'], booleans: ['colorsReads'], functions: ['readsInPlace'] });
}

export { loaderInfo };
