/** Harmony's loaders: which products each takes, and the arguments its ES5 half gets (load.js). */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { filesForLoad, type Representation, type VersionInfo, type VersionManifest } from '../../../kit/store/index.ts';
import type { LoaderInfo } from '../pipeline-types.ts';
import { pickImages } from './sequence.ts';

export const IMAGE_EXTS = ['png', 'jpg', 'jpeg', 'tga', 'psd'];

export const LOADERS: LoaderInfo[] = [
  { name: 'imageSequence', label: 'Image sequence', productTypes: ['render', 'plate', 'reference', 'image', 'review'], representations: IMAGE_EXTS },
  { name: 'background', label: 'Background (layout + layers)', productTypes: ['background'], representations: ['json'] },
  { name: 'audio', label: 'Audio', productTypes: ['audio'], representations: ['wav', 'mp3', 'aiff'] },
  { name: 'palette', label: 'Palette (link, or import a copy)', productTypes: ['palette', 'harmony.palette'], representations: ['plt'] },
  { name: 'template', label: 'Template', productTypes: ['harmony.template', 'template'], representations: ['tpl'] },
  { name: 'workfile', label: 'Workfile (its nodes)', productTypes: ['workfile'], representations: ['zip'] },
];

export class LoadError extends Error {}

export const GREEN: [number, number, number, number] = [0, 200, 0, 255];
export const RED: [number, number, number, number] = [220, 0, 0, 255];

/** The loader for a version: the one asked for, else the first that takes its product type. */
export function chooseLoader(manifest: VersionManifest, asked?: string): LoaderInfo {
  if (asked) {
    const l = LOADERS.find((x) => x.name === asked);
    if (!l) throw new LoadError(`unknown loader "${asked}" (loaders: ${LOADERS.map((x) => x.name).join(', ')})`);
    if (!l.productTypes.includes(manifest.productType)) throw new LoadError(`the ${l.name} loader does not load ${manifest.productType} products (it loads ${l.productTypes.join(', ')})`);
    return l;
  }
  const l = LOADERS.find((x) => x.productTypes.includes(manifest.productType));
  if (!l) throw new LoadError(`no loader takes ${manifest.productType} products (${manifest.folder}/${manifest.product})`);
  return l;
}

/** The representation to load: the one asked for, else the first the loader takes. */
export function chooseRepresentation(manifest: VersionManifest, loader: LoaderInfo, asked?: string): Representation {
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

/** Limits for unzipping template and workfile products: the workfile opener's (harmony.workfiles). */
export interface ZipLimits { maxBytes?: number; maxRatio?: number }

export interface PreparedLoad {
  /** Arguments for dcckit.load.load / update (besides the container). */
  args: Record<string, unknown>;
  /** Absolute path recorded as the container's source. */
  source: string;
  /** Temporary folders to remove after the call. */
  cleanup: string[];
}

/** Lists and checks the files on the Node side, so the ES5 side does everything in one call. */
export async function prepare(loader: LoaderInfo, version: VersionInfo & { manifest: VersionManifest }, rep: Representation,
  opts: { staging: () => Promise<string>; mode?: string; productName: string; outdated?: boolean; zip?: ZipLimits }): Promise<PreparedLoad> {
  // Each file resolved inside its version and checked against its sha256 (kit/store): Harmony gets the checked
  // copies, or for a palette link the checked store file; containers record the store file.
  const linked = loader.name === 'palette' && (opts.mode ?? 'link') === 'link';
  const { files, storeFiles } = await filesForLoad(version, rep, linked ? {} : { copyTo: path.join(await opts.staging(), 'files') });
  const stored = (f: string) => storeFiles[files.indexOf(f)] ?? f;
  const color = opts.outdated ? RED : GREEN;
  switch (loader.name) {
    case 'imageSequence': {
      const picked = pickImages(files, IMAGE_EXTS);
      const first = picked.sequence?.first ?? 1;
      return {
        args: { nodeName: opts.productName, hold: picked.hold, color, files: picked.files.map((f) => ({ file: f.file, drawing: String(f.frame), frame: f.frame - first + 1 })) },
        source: stored(picked.files[0]!.file), cleanup: [],
      };
    }
    case 'background': {
      const json = files.find((f) => f.endsWith('.json'));
      if (!json) throw new LoadError(`${version.manifest.product} v${version.version}: the background has no layout .json`);
      let layout: unknown;
      try {
        layout = JSON.parse(await fsp.readFile(json, 'utf8'));
      } catch (err) {
        throw new LoadError(`cannot read the background layout ${json}: ${(err as Error).message}`);
      }
      const names: string[] = [];
      const walk = (n: unknown) => {
        if (!n || typeof n !== 'object') return;
        const o = n as { filename?: unknown; children?: unknown };
        if (typeof o.filename === 'string') names.push(o.filename);
        if (Array.isArray(o.children)) o.children.forEach(walk);
      };
      walk(layout);
      if (!names.length) throw new LoadError(`the background layout ${json} names no layer files (children[].filename)`);
      const layers = names.sort().map((n) => {
        const file = path.join(path.dirname(json), n);
        if (!files.includes(file)) throw new LoadError(`the background layout names ${n}, which is not in ${version.manifest.product} v${version.version}`);
        return { name: path.basename(n, path.extname(n)).replace(/[^A-Za-z0-9_]/g, '_'), file };
      });
      return { args: { layers, title: opts.productName, color }, source: stored(json), cleanup: [] };
    }
    case 'audio':
      return { args: { file: files[0], columnName: opts.productName }, source: storeFiles[0]!, cleanup: [] };
    case 'palette': {
      const mode = opts.mode ?? 'link';
      if (mode !== 'link' && mode !== 'import') throw new LoadError(`palette mode must be link or import (got "${mode}")`);
      return { args: { file: files[0], mode, paletteName: opts.productName }, source: storeFiles[0]!, cleanup: [] };
    }
    case 'template':
    case 'workfile': {
      const dir = path.join(await opts.staging(), 'product');
      const { extractZip } = await import('../../../kit/archive/index.ts');
      await extractZip(files[0]!, dir, { maxBytes: opts.zip?.maxBytes, maxRatio: opts.zip?.maxRatio, maxRatioSetting: 'harmony.workfiles.maxCompressionRatio' });
      let tpl = dir;
      if (loader.name === 'template') {
        const found = (await fsp.readdir(dir)).find((n) => n.endsWith('.tpl'));
        if (!found) throw new LoadError(`${storeFiles[0]} holds no .tpl folder`);
        tpl = path.join(dir, found);
      }
      return { args: { tpl, title: opts.productName }, source: storeFiles[0]!, cleanup: [dir] };
    }
    default:
      throw new LoadError(`unknown loader ${loader.name}`);
  }
}
