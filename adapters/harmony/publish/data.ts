/** What Harmony's publish plugins share through the publish context's data. */
import type { HubServices, SessionInfo } from '../../../kit/adapter.ts';
import type { ResolvedContext } from '../../../kit/context.ts';
import type { PublishContext, PublishInstance } from '../../../kit/publish/index.ts';
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
}

export interface HarmonyPublishConfigView {
  harmony: { executable: string | null; publish: { compositePattern: string; audioRequired: boolean } };
  farm: { afanasy: { host: string; port: number; user: string; hostName: string; timeout: number }; maxTasks: number };
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

/** Instance data of a scene instance. */
export interface SceneInstanceData {
  record: InstanceRecord;
  /** Files to integrate per representation: name, ext, files (source + path in the version). */
  representations?: { name: string; ext: string; files: { source: string; path: string }[]; frameStart?: number; frameEnd?: number; tags?: string[] }[];
  /** Farm: the job submitted for this instance. */
  farmJob?: { id: number; serial?: number; name: string };
}

export function instanceData(instance: PublishInstance): SceneInstanceData {
  return instance.data as unknown as SceneInstanceData;
}
