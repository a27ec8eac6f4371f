/**
 * A Blender creator is ONE record of the kit's creator registry (kit/plugins/creators.ts; built-in ones are
 * in ./creators/, a studio's are modules named by `blender.creators`). Its Blender half is a Python function
 * registered with `dcckit_blender.registry.register_creator(name, create, remove=None)`: the built-ins' in
 * startup-scripts/blender/python/dcckit_blender, a studio's in `blenderScript` (run in Blender on first use).
 */
import { creatorInfo, creatorRecordProblems, type CreatorRecord } from '../../kit/plugins/creators.ts';
import type { DccKitConfig } from '../../kit/config.ts';

/** A publish instance as the .blend keeps it (the `instances` of the dcckit.pipeline text). */
export interface BlenderInstanceRecord {
  key: string;
  creator: string;
  productName: string;
  productType: string;
  variant: string;
  active: boolean;
  folder: string;
  task: string | null;
  attributes: Record<string, unknown>;
  /** What the creator's half added (e.g. the collection it made). */
  [more: string]: unknown;
}

export interface BlenderCreator extends CreatorRecord {
  families?(record: BlenderInstanceRecord): string[];
  /** Node side, before the one request into Blender: arguments for the Blender half (e.g. from the project's config). */
  prepare?(input: { config: DccKitConfig; record: BlenderInstanceRecord }): Record<string, unknown> | Promise<Record<string, unknown>>;
  /**
   * Python run in Blender (python.exec) when the half is not registered there yet, registering it:
   * `from dcckit_blender import registry; registry.register_creator("<name>", create)`, where
   * `create(args, record)` returns the record to keep (it may add fields) and raises to refuse.
   */
  blenderScript?: string;
}

export function blenderCreatorProblems(value: unknown): string[] {
  return creatorRecordProblems(value, { strings: ['blenderScript'], functions: ['prepare'] });
}

export { creatorInfo };
