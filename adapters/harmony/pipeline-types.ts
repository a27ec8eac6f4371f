/**
 * The contract between the Harmony pipeline modules (create, publish, load), the CLI and the web page:
 * what lives in the scene's pipeline metadata, and the tool endpoints the hub serves for it
 * (`hub.adapter('harmony', name, args)`). Every endpoint takes an optional `session` (an id; default:
 * the only connected Harmony session, see pick-session.ts).
 */

import type { InstanceFields } from '../../kit/plugins/creators.ts';

/** Name of the ONE scene-metadata entry that holds all pipeline data, as a JSON string. */
export const PIPELINE_METADATA = 'dcckit.pipeline';

/** The JSON object stored in that entry. */
export interface PipelineData {
  schema: 1;
  /** Publish instances, keyed by node path ("Top/renderMain"), "backdrop:<title>", or "__workfile__". */
  instances: Record<string, InstanceRecord>;
  /** Loaded containers, keyed by their id. */
  containers: Record<string, ContainerRecord>;
}

/** The kit's instance fields (creator, product, variant, folder, task, active, attributes: e.g. render's target and review), plus Harmony's. */
export interface InstanceRecord extends InstanceFields {
  /** Unique id (uuid). */
  id: string;
  /** The key in `instances`. */
  key: string;
  /** The node (render) or backdrop title (template) the instance is; null for automatic ones. */
  node: string | null;
}

export interface ContainerRecord {
  id: string;
  /** Loader name: imageSequence, background, audio, palette, template, workfile. */
  loader: string;
  /** `folder/product`. */
  product: string;
  folder: string;
  productName: string;
  productType: string;
  version: number;
  representation: string;
  /** Node paths (and, for palettes, palette names) that belong to the container. */
  nodes: string[];
  /** Backdrop title for template / workfile containers. */
  backdrop?: string | null;
  /** Absolute path of what was loaded (file, first frame, folder). */
  source: string;
  /** Loader-specific data (palette mode and index, columns, frame range...). */
  data?: Record<string, unknown>;
  loadedAt: string;
}

/** Creators and loaders as the CLI and the page show them: the kit's registry's (kit/plugins). */
export type { AttributeDef, CreatorInfo } from '../../kit/plugins/creators.ts';
export type { LoaderInfo } from '../../kit/plugins/loaders.ts';

export type InventoryStatus = 'latest' | 'outdated' | 'missing-in-store' | 'nodes-missing';

export interface InventoryItem extends ContainerRecord {
  /** Latest complete version in the store, or null when the product is gone. */
  latest: number | null;
  status: InventoryStatus;
  /** Nodes of the container that are no longer in the scene. */
  missingNodes: string[];
}

/**
 * Tool endpoints (names and argument shapes). Results are documented beside each.
 *   context.resolve   { session?, folder?, task? }              -> { context, sources }
 *   scene.applySettings { session? }                            -> { changed: {key, from, to}[] }
 *   create.creators   { session? }                               -> CreatorInfo[] (built-in and studio, for the session's project)
 *   create.instances  { session? }                               -> InstanceRecord[]
 *   create.run        { session?, creator, variant, attributes?, useSelection? } -> InstanceRecord
 *   create.update     { session?, key, active?, attributes? }    -> InstanceRecord
 *   create.remove     { session?, keys }                         -> { removed: string[] }
 *   publish.plugins   { session? }                               -> PluginEntry[] (kit/plugins: label, order, stage, families, source, builtIn, state...)
 *   publish.run       { session?, dryRun?, until?, repair?, skip?, folder?, task? } -> { runId } (answers at once;
 *                     progress as hub events 'publish.event' carrying a PublishEvent)
 *   publish.report    { runId }                                  -> { state: 'running'|'done', report: PublishReport|null }
 *   publish.repair    { runId, plugin, instanceId? }             -> { success, error? }
 *   load.loaders      { session? }                               -> LoaderInfo[]
 *   extensions.list   { session? }                               -> { plugins, creators, loaders, problems } (dcc-kit plugins)
 *   load.run          { session?, product, version?, representation?, loader? } -> ContainerRecord
 *   inventory.list    { session? }                               -> InventoryItem[]
 *   inventory.update  { session?, ids?, all?, version? }         -> { updated: {id, from, to}[], unchanged: id[], failed: {id, error}[] }
 *   inventory.remove  { session?, ids }                          -> { removed: string[] }
 */
export type ToolEndpointName =
  | 'context.resolve' | 'scene.applySettings'
  | 'create.creators' | 'create.instances' | 'create.run' | 'create.update' | 'create.remove'
  | 'publish.plugins' | 'publish.run' | 'publish.report' | 'publish.repair'
  | 'load.loaders' | 'load.run' | 'extensions.list'
  | 'inventory.list' | 'inventory.update' | 'inventory.remove';
