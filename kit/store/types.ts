/**
 * The product store's shapes. Products live at `<publish.root>/<template>` where the template names
 * `{folder}`, `{product}`, `{productType}` and `{version}` (default `{folder}/{product}/v{version:03}`).
 * A version folder is reserved by an exclusive create and complete once `version.json` is written.
 */

export interface RepresentationFile {
  /** Path relative to the version folder (forward slashes). */
  path: string;
  size: number;
  sha256: string;
}

export interface Representation {
  /** e.g. "png", "zip", "plt", "tpl", "wav", "json". */
  name: string;
  /** File extension without the dot. */
  ext: string;
  files: RepresentationFile[];
  /** Frame range of a sequence representation. */
  frameStart?: number;
  frameEnd?: number;
  tags?: string[];
}

/** `version.json`: written last; its presence makes the version complete. */
export interface VersionManifest {
  schema: 1;
  /** Folder of the shot/asset, e.g. "shots/sh010". */
  folder: string;
  product: string;
  productType: string;
  version: number;
  representations: Representation[];
  /** The workfile the version was published from. */
  source: string | null;
  user: string;
  host: string;
  /** ISO time the manifest was written. */
  time: string;
  dccKitVersion: string;
  context: Record<string, unknown>;
  /** Free data of the publisher (frame range, render target, farm job id...). */
  data?: Record<string, unknown>;
  /** The artist's publish comment (every product of that publish has it). */
  comment?: string;
}

export interface VersionInfo {
  folder: string;
  product: string;
  version: number;
  /** Absolute path of the version folder. */
  path: string;
  complete: boolean;
  /** Set when complete. */
  manifest: VersionManifest | null;
  /** An incomplete version waiting on outside work: what it waits for (e.g. a farm job). */
  waitingFor?: string;
  /** Set when its manifest exists but cannot be used (not JSON, fields missing): why. Never latest, loaded or pruned. */
  damaged?: string;
}

export interface ProductSummary {
  folder: string;
  product: string;
  productType: string | null;
  /** Latest complete version, or null when none is complete. */
  latest: number | null;
  versions: number;
  /** Versions without a manifest (a publish running, killed, or waiting for its farm job). */
  incomplete: number;
  /** Versions whose manifest is damaged. */
  damaged: number;
}

/** `folder/product@version` as typed on the CLI; folder may be omitted (taken from the context). */
export interface ProductRef {
  folder: string;
  product: string;
  version: number | 'latest';
}

/** A file to put into a reserved version. */
export interface FileToIntegrate {
  /** Absolute source path. */
  source: string;
  /** Destination relative to the version folder. */
  path: string;
}
