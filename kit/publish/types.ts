/**
 * The publish engine's shapes: DCC-agnostic, pyblish-compatible in order bands and report shape.
 * Plugins are plain objects; a plugin with `instance: true` runs once per active instance whose
 * families match, otherwise once for the whole context.
 */

/** pyblish order bands: collect 0, validate 1, extract 2, integrate 3 (fractions order within a band). */
export const ORDER = { collect: 0, validate: 1, extract: 2, integrate: 3 } as const;
export type Stage = keyof typeof ORDER;

export interface PublishInstance {
  /** Stable id (the instance record's id in the scene). */
  id: string;
  /** Display name, e.g. the product name "renderMain". */
  name: string;
  /** The product type; also the first family. */
  productType: string;
  /** Every family the instance belongs to (productType first), e.g. ["render", "render.local", "review"]. */
  families: string[];
  active: boolean;
  /** Anything collectors and extractors put there (node paths, frames, representations to integrate...). */
  data: Record<string, unknown>;
}

export interface PublishContext {
  /** Context-wide data (current file, scene settings, the project context, the session...). */
  data: Record<string, unknown>;
  instances: PublishInstance[];
  /** Adds an instance (collectors). */
  createInstance(init: Omit<PublishInstance, 'active' | 'data'> & Partial<Pick<PublishInstance, 'active' | 'data'>>): PublishInstance;
  /** Aborted when the run is cancelled; long work (renders, copies) should honour it. */
  signal: AbortSignal;
  /**
   * Integrators stage what they write instead of completing it: the engine commits every staged product
   * together (all prepared, then all finished) when an integrator calls commitStaged() or the run ends well,
   * and rolls every one back when the run fails. A publish's products are all complete or none is.
   */
  stage(work: StagedWork): void;
  /** Commits everything staged so far (see stage); on failure rolls it all back and throws. */
  commitStaged(): Promise<void>;
}

/** One product a publish has written but not completed. */
export interface StagedWork {
  /** e.g. "shots/sh010/renderMain v3": the report names it. */
  label: string;
  /** Listed in the report's `published` once committed (omit for work completed later, e.g. a farm render). */
  published?: { product: string; version: number; path: string };
  /** Everything that can fail (write the manifest beside its final name). */
  prepare(): Promise<void>;
  /** Makes it visible (a rename). */
  finish(): Promise<void>;
  /** Undoes it, finished or not. */
  rollback(): Promise<void>;
}

export interface PluginLog {
  info(msg: string): void;
  warn(msg: string): void;
  /** Progress of long work inside a plugin (0..1), streamed as a 'progress' event. */
  progress(fraction: number, label?: string): void;
}

export interface PublishPlugin {
  label: string;
  /** Orders the run; its integer part is the stage. */
  order: number;
  /** Families this plugin applies to; ['*'] or omitted = all. */
  families?: string[];
  /** Runs once per matching instance (true) or once for the context (false, default). */
  instance?: boolean;
  /** Optional plugins can be switched off per run (`--skip label`). */
  optional?: boolean;
  /** What the artist can do to fix a failure; shown with the error. */
  hint?: string;
  process(ctx: PublishContext, instance: PublishInstance | undefined, log: PluginLog): unknown | Promise<unknown>;
  /** Fixes what a failed validator found (CLI --repair, the web page's repair button). */
  repair?(ctx: PublishContext, instance: PublishInstance | undefined, log: PluginLog): unknown | Promise<unknown>;
}

export interface PluginRecord { level: 'info' | 'warn'; msg: string; time: number }

/** One plugin run on one instance (or the context): the report's unit, as pyblish's result. */
export interface PluginResult {
  plugin: string;
  order: number;
  stage: Stage;
  /** Instance name, or null for a context plugin. */
  instance: string | null;
  instanceId: string | null;
  success: boolean;
  skipped?: boolean;
  error: { name: string; message: string; stack?: string; hint?: string } | null;
  records: PluginRecord[];
  /** Milliseconds. */
  duration: number;
  /** A repair exists for this failure. */
  repairable: boolean;
}

export type PublishEvent =
  | { type: 'start'; runId: string; plugins: { label: string; order: number; stage: Stage }[]; dryRun: boolean }
  | { type: 'plugin.start'; runId: string; plugin: string; instance: string | null }
  | { type: 'progress'; runId: string; plugin: string; instance: string | null; fraction: number; label?: string }
  | { type: 'result'; runId: string; result: PluginResult }
  | { type: 'end'; runId: string; report: PublishReport };

export interface PublishReport {
  runId: string;
  success: boolean;
  /** Where the run stopped: 'validate' when a validator failed (nothing was extracted), else the last stage run. */
  stoppedAt: Stage | null;
  dryRun: boolean;
  startedAt: string;
  duration: number;
  context: Record<string, unknown>;
  instances: { id: string; name: string; productType: string; families: string[]; active: boolean }[];
  results: PluginResult[];
  /** What was published (committed by the engine): product, version, folder path. */
  published: { product: string; version: number; path: string }[];
  /** Products the run had written but rolled back because it failed (nothing of a failed publish is complete). */
  rolledBack: string[];
}

export interface RunOptions {
  plugins: PublishPlugin[];
  /** Initial context data. */
  data?: Record<string, unknown>;
  /** Stop after this stage (e.g. 'validate' for `--only validate`). */
  until?: Stage;
  /** Collect and validate only, and say what would be extracted/integrated. */
  dryRun?: boolean;
  /** Run repairs of failed repairable validators, then validate again once. */
  repair?: boolean;
  /** Labels of optional plugins to skip. */
  skip?: string[];
  onEvent?(event: PublishEvent): void;
  signal?: AbortSignal;
  runId?: string;
}
