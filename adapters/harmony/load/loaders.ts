/** Harmony's loader registry: the built-in records, choosing a loader and a representation, and preparing a load. */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Representation, VersionInfo, VersionManifest } from '../../../kit/store/index.ts';
import { LoadError } from './errors.ts';
import type { HarmonyLoader, PreparedLoad } from './loader-types.ts';
import audio from './loaders/audio.ts';
import background from './loaders/background.ts';
import imageSequence, { IMAGE_EXTS } from './loaders/image-sequence.ts';
import palette from './loaders/palette.ts';
import template from './loaders/template.ts';
import workfile from './loaders/workfile.ts';

export { LoadError, IMAGE_EXTS };
export type { PreparedLoad };

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
  const r = manifest.representations.find((x) => loader.representations.includes(x.name) || loader.representations.includes(x.ext));
  if (!r) throw new LoadError(`${name} has no representation the ${loader.name} loader reads (${loader.representations.join(', ')}); it has: ${manifest.representations.map((x) => x.name).join(', ') || 'none'}`);
  return r;
}

/** Opens every file (64 at a time): an unreadable one fails the load before Harmony is asked anything. */
async function assertReadable(files: string[]): Promise<void> {
  const check = async (f: string) => {
    try {
      const h = await fsp.open(f, 'r');
      await h.close();
    } catch (err) {
      throw new LoadError(`cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  for (let i = 0; i < files.length; i += 64) await Promise.all(files.slice(i, i + 64).map(check));
}

/** Lists and checks the files on the Node side, then lets the loader prepare the arguments of its ONE call into Harmony. */
export async function prepareLoad(loader: HarmonyLoader, version: VersionInfo & { manifest: VersionManifest }, rep: Representation,
  opts: { staging: () => Promise<string>; mode?: string; productName: string; outdated?: boolean; scene: string | null }): Promise<PreparedLoad> {
  const files = rep.files.map((f) => path.join(version.path, f.path));
  await assertReadable(files);
  return await loader.prepare({
    version, representation: rep, files, productName: opts.productName, mode: opts.mode, color: opts.outdated ? RED : GREEN,
    scene: opts.scene, staging: opts.staging,
  });
}
