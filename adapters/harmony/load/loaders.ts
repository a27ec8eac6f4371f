/** Harmony's built-in loader records and preparing a load; choosing a loader and a representation is the kit's loader registry's (kit/plugins/loaders.ts). */
import { filesForLoad, type Representation, type VersionInfo, type VersionManifest } from '../../../kit/store/index.ts';
import { LoadError, chooseLoader, chooseRepresentation } from '../../../kit/plugins/loaders.ts';
import type { HarmonyLoader, PreparedLoad, ZipLimits } from './loader-types.ts';
import audio from './loaders/audio.ts';
import background from './loaders/background.ts';
import imageSequence, { IMAGE_EXTS } from './loaders/image-sequence.ts';
import palette from './loaders/palette.ts';
import template from './loaders/template.ts';
import workfile from './loaders/workfile.ts';

export { LoadError, IMAGE_EXTS, chooseLoader, chooseRepresentation };
export type { PreparedLoad, ZipLimits };

/** The built-in loaders, in default order. A new one is a file in ./loaders/ added here. */
export const BUILT_IN_LOADERS: HarmonyLoader[] = [imageSequence, background, audio, palette, template, workfile];

export const GREEN: [number, number, number, number] = [0, 200, 0, 255];
export const RED: [number, number, number, number] = [220, 0, 0, 255];

/**
 * Resolves and checks the representation's files on the Node side (each inside its version and against its
 * sha256, kit/store: Harmony gets checked copies, or the checked store files for a loader that reads them in
 * place, like a linked palette), then lets the loader prepare the arguments of its ONE call into Harmony.
 * The container records the store file of the loader's source.
 */
export async function prepareLoad(loader: HarmonyLoader, version: VersionInfo & { manifest: VersionManifest }, rep: Representation,
  opts: { staging: () => Promise<string>; mode?: string; productName: string; outdated?: boolean; scene: string | null; zip?: ZipLimits }): Promise<PreparedLoad> {
  const inPlace = loader.readsInPlace?.(opts.mode) === true;
  const copies = inPlace ? undefined : await opts.staging();
  const { files, storeFiles } = await filesForLoad(version, rep, { copyTo: copies });
  const prepared = await loader.prepare({
    version, representation: rep, files, storeFiles, productName: opts.productName, mode: opts.mode, color: opts.outdated ? RED : GREEN,
    scene: opts.scene, staging: opts.staging, zip: opts.zip ?? {},
  });
  const i = files.indexOf(prepared.source);
  // `ownCopies`: the folder of this load's checked copies, which the Harmony side moves into the scene (not copies).
  return { args: copies === undefined ? prepared.args : { ...prepared.args, ownCopies: copies }, source: i >= 0 ? storeFiles[i]! : prepared.source };
}
