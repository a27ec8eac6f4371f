/**
 * A Blender loader is ONE record of the kit's loader registry (kit/plugins/loaders.ts; built-in ones are in
 * ./loaders/, a studio's are modules named by `blender.loaders`): which product types and representations it
 * takes, and a Node-side `prepare` turning the version's checked files into the arguments of its Blender half.
 * That half is Python registered with `dcckit_blender.registry.register_loader(name, load, update,
 * remove=None)`: the built-ins' in dcckit_blender/containers.py, a studio's in `blenderScript`.
 */
import { loaderInfo, loaderRecordProblems, type LoaderRecord } from '../../kit/plugins/loaders.ts';
import type { Representation, VersionInfo, VersionManifest } from '../../kit/store/index.ts';

export interface BlenderLoadInput {
  version: VersionInfo & { manifest: VersionManifest };
  representation: Representation;
  /**
   * The representation's files in the store, each checked against its sha256: Blender reads them in place
   * (an image sequence, a movie and a linked library stay pointed at the store).
   */
  files: string[];
  /** The product's name. */
  productName: string;
  /** The container's key: what the half names what it makes. */
  key: string;
}

export interface BlenderLoader extends LoaderRecord {
  /** The arguments of the Blender half's load / update (it also gets the container's key as its name). */
  prepare(input: BlenderLoadInput): Record<string, unknown> | Promise<Record<string, unknown>>;
  /**
   * Python run in Blender (python.exec) when the half is not registered there yet:
   * `from dcckit_blender import registry; registry.register_loader("<name>", load, update)`, where
   * `load(args, name)` and `update(args, record)` return {"objects": [typed names], "path": file}.
   */
  blenderScript?: string;
}

export function blenderLoaderProblems(value: unknown): string[] {
  return loaderRecordProblems(value, { strings: ['blenderScript'] });
}

export { loaderInfo };
