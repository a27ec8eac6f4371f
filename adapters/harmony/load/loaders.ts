/** Harmony's loader registry: the built-in records, choosing a loader and a representation, and preparing a load. */
import path from 'node:path';
import { filesForLoad, type Representation, type VersionInfo, type VersionManifest } from '../../../kit/store/index.ts';
import { LoadError } from './errors.ts';
import type { HarmonyLoader, PreparedLoad, ZipLimits } from './loader-types.ts';
import audio from './loaders/audio.ts';
import background from './loaders/background.ts';
import imageSequence, { IMAGE_EXTS } from './loaders/image-sequence.ts';
import palette from './loaders/palette.ts';
import template from './loaders/template.ts';
import workfile from './loaders/workfile.ts';

export { LoadError, IMAGE_EXTS };
export type { PreparedLoad, ZipLimits };

/** The built-in loaders, in default order. A new one is a file in ./loaders/ added here. */
export const BUILT_IN_LOADERS: HarmonyLoader[] = [imageSequence, background, audio, palette, template, workfile];

export const GREEN: [number, number, number, number] = [0, 200, 0, 255];
export const RED: [number, number, number, number] = [220, 0, 0, 255];

/** The loader for a version: the one asked for, else the first that takes its product type. */
export function chooseLoader(loaders: HarmonyLoader[], manifest: VersionManifest, asked?: string): HarmonyLoader {
  if (asked) {
    const l = loaders.find((x) => x.name === asked);
    if (!l) throw new LoadError(`unknown loader "${asked}" (loaders: ${loaders.map((x) => x.name).join(', ')})`);
    if (!l.families.includes(manifest.productType)) throw new LoadError(`the ${l.name} loader does not load ${manifest.productType} products (it loads ${l.families.join(', ')})`);
    return l;
  }
  const l = loaders.find((x) => x.families.includes(manifest.productType));
  if (!l) throw new LoadError(`no loader takes ${manifest.productType} products (${manifest.folder}/${manifest.product}); loaders: ${loaders.map((x) => `${x.name} (${x.families.join(', ')})`).join(', ')}`);
  return l;
}

/** The representation to load: the one asked for, else the first the loader takes. */
export function chooseRepresentation(manifest: VersionManifest, loader: HarmonyLoader, asked?: string): Representation {
  const name = `${manifest.folder}/${manifest.product} v${manifest.version}`;
  if (asked) {
    const r = manifest.representations.find((x) => x.name === asked);
    if (!r) throw new LoadError(`${name} has no representation "${asked}" (it has: ${manifest.representations.map((x) => x.name).join(', ') || 'none'})`);
    return r;
  }
  // A version's thumbnail (a JPEG) stands for the product; it is loaded only when asked for by name.
  const r = manifest.representations.find((x) => !x.tags?.includes('thumbnail') && (loader.representations.includes(x.name) || loader.representations.includes(x.ext)));
  if (!r) throw new LoadError(`${name} has no representation the ${loader.name} loader reads (${loader.representations.join(', ')}); it has: ${manifest.representations.map((x) => x.name).join(', ') || 'none'}`);
  return r;
}

/**
 * Resolves and checks the representation's files on the Node side (each inside its version and against its
 * sha256, kit/store: Harmony gets checked copies, or the checked store files for a loader that reads them in
 * place, like a linked palette), then lets the loader prepare the arguments of its ONE call into Harmony.
 * The container records the store file of the loader's source.
 */
export async function prepareLoad(loader: HarmonyLoader, version: VersionInfo & { manifest: VersionManifest }, rep: Representation,
  opts: { staging: () => Promise<string>; mode?: string; productName: string; outdated?: boolean; scene: string | null; zip?: ZipLimits }): Promise<PreparedLoad> {
  const inPlace = loader.readsInPlace?.(opts.mode) === true;
  const { files, storeFiles } = await filesForLoad(version, rep, inPlace ? {} : { copyTo: path.join(await opts.staging(), 'files') });
  const prepared = await loader.prepare({
    version, representation: rep, files, storeFiles, productName: opts.productName, mode: opts.mode, color: opts.outdated ? RED : GREEN,
    scene: opts.scene, staging: opts.staging, zip: opts.zip ?? {},
  });
  const i = files.indexOf(prepared.source);
  return { ...prepared, source: i >= 0 ? storeFiles[i]! : prepared.source };
}
