/**
 * A Harmony creator is ONE record of the kit's creator registry (kit/plugins/creators.ts; built-in ones are
 * in ./creators/, a studio's are modules named by `harmony.creators`). Its Harmony half is an ES5 object registered in the scene's script engine with
 * `dcckitPipeline.registerCreator(name, { create, present?, isActive?, setActive?, remove? })`: the built-ins'
 * in startup-scripts/harmony/pipeline/create.js, a studio's in `harmonyScript` (or a file of harmony.scripts).
 */
import { creatorInfo, creatorRecordProblems, type CreatorRecord } from '../../../kit/plugins/creators.ts';
import type { DccKitConfig } from '../../../kit/config.ts';
import type { InstanceRecord } from '../pipeline-types.ts';

export interface HarmonyCreator extends CreatorRecord {
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

/** What is wrong with a value as a Harmony creator record (none: it is one). */
export function creatorProblems(value: unknown): string[] {
  return creatorRecordProblems(value, { strings: ['harmonyScript'], functions: ['prepare'] });
}

export { creatorInfo };
