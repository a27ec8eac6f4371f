/** What Harmony's publish plugins share through the publish context's data. */
import type { HubServices, SessionInfo } from '../../../kit/adapter.ts';
import type { ResolvedContext } from '../../../kit/context.ts';
import type { PluginLog, PublishContext, PublishInstance } from '../../../kit/publish/index.ts';
import type { ProductStore } from '../../../kit/store/index.ts';
import type { ContextOverrides } from '../../../kit/context.ts';
import type { InstanceRecord, PipelineData } from '../pipeline-types.ts';
import type { HarmonyCreator } from '../create/creator-types.ts';

/** The reply of `dcckit.publish.collect` (pipeline/publish.js): the whole scene in one call. */
export interface CollectedScene {
  projectDir: string;
  versionName: string;
  currentFile: string;
  harmonyVersion: string;
  /** about.getVersionInfoStr(): the simulator says so there. */
  versionInfo: string;
  dirty: boolean;
  settings: { fps: number; frames: number; startFrame: number; stopFrame: number; resX: number; resY: number; fov: number };
  nodes: string[];
  writes: { path: string; name: string; enabled: boolean; drawingType: string; drawingName: string; moviePath: string; leadingZeros: number; start: number; input: string }[];
  backdrops: string[];
  pipeline: PipelineData;
  palettes: { id: string; name: string; folder: string; file: string; location: string; external: boolean }[];
  sounds: { column: string; name: string }[];
}

/** Set when the run starts (publish/run.ts). */
export interface HarmonyRunData {
  hub: HubServices;
  session: SessionInfo;
  config: HarmonyPublishConfigView;
  store: ProductStore;
  overrides: ContextOverrides;
  /** A folder of this run for renders and exports; removed when the run ends. */
  staging: string;
  runId: string;
  /** True when the batch renderer is the bundled simulator. */
  simulate: boolean;
  /** The creators in effect for the session's project (their `families` give instances their families). */
  creators: HarmonyCreator[];
  /** The artist's comment, stored in every product's version.json. */
  comment?: string | null;
}

export interface HarmonyPublishConfigView {
  harmony: { executable: string | null; publish: { compositePattern: string; audioRequired: boolean } };
  farm: { afanasy: { host: string; port: number; user: string; hostName: string; timeout: number }; maxTasks: number; framesPerTask: number };
  publish: { root: string; template: string };
}

/** Typed access to the context data Harmony's plugins fill. */
export interface HarmonyData extends HarmonyRunData {
  scene: CollectedScene;
  context: ResolvedContext & { context: { folder: string } };
  /** The workfile archive the scene belongs to. */
  workfile: string | null;
  /** Set by Extract Workfile: the archive just written. */
  workfileZip?: string;
  audio?: { file: string | null; columns: string[] };
}

export function data(ctx: PublishContext): HarmonyData {
  return ctx.data as unknown as HarmonyData;
}

export interface LateRepresentation { name: string; ext: string; files: { source: string; path: string }[]; frameStart?: number; frameEnd?: number; tags?: string[] }

/** Instance data of a scene instance. */
export interface SceneInstanceData {
  record: InstanceRecord;
  /** Files to integrate per representation: name, ext, files (source + path in the version). */
  representations?: LateRepresentation[];
  /**
   * Representations made once the version is reserved, while `representations` are integrated (the review
   * movie, see review.ts); integrated after them, before the manifest. Aborted when the integration fails.
   */
  lateRepresentations?: (version: { version: number; signal: AbortSignal; log: PluginLog }) => Promise<LateRepresentation[]>;
  /** Farm: the job submitted for this instance. */
  farmJob?: { id: number; serial?: number; name: string };
}

export function instanceData(instance: PublishInstance): SceneInstanceData {
  return instance.data as unknown as SceneInstanceData;
}
