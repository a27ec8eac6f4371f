/**
 * Ingest: files from outside the pipeline (a plate, a background, the dialogue, a palette) become a new
 * version of a product, exactly like a publish: reserved atomically, files copied and hashed, a thumbnail
 * for images, `version.json` last. Every check happens before anything is written: the source is resolved
 * (a file, the first file of a sequence, or a folder), sequences are detected with the loaders' rules
 * (kit/media/sequence.ts), and every file's header must decode as what the type says (not its extension).
 * Each file is read once (kit/ingest/file-pass.ts: worker threads check the header of the bytes they read, hash
 * them and keep them until they are written); the thumbnail is made from one frame while the files are checked
 * and written.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DccKitError, UsageError } from '../errors.ts';
import { formatOfExtension, type Identified } from '../media/identify.ts';
import { detectSequences } from '../media/sequence.ts';
import { locateFfmpeg, runFfmpeg } from '../review/index.ts';
import { FilePass } from './file-pass.ts';
import { pngThumbnailPossible, pngThumbnailSliced } from '../media/thumbnail.ts';
import { parseProductRef, type ProductStore } from '../store/index.ts';
import type { FileToIntegrate, Representation } from '../store/types.ts';
import { layoutLayerNames } from '../media/background-layout.ts';

export const INGEST_TYPES = ['plate', 'background', 'audio', 'image', 'palette'] as const;
export type IngestType = typeof INGEST_TYPES[number];

export class IngestError extends DccKitError {
  constructor(message: string) { super(message, 'INGEST'); }
}

export interface IngestRequest {
  /** A file, the first file of a numbered sequence, or a folder. */
  source: string;
  /** `folder/product`, e.g. shots/sh010/plateMain. */
  target: string;
  type?: IngestType;
  comment?: string | null;
  store: ProductStore;
  /** review.ffmpeg (thumbnails); null = ffmpeg on PATH. */
  ffmpeg?: string | null;
  /** Context recorded in the manifest. */
  context?: Record<string, unknown>;
  signal?: AbortSignal;
  onProgress?(p: { filesDone: number; filesTotal: number; bytesDone: number }): void;
  /**
   * Read and write with synchronous calls in short slices (kit/ingest/file-pass.ts): faster, for a process that
   * does nothing else (the CLI). Left off (the hub's page), a slow file system never blocks the event loop.
   */
  blockingIo?: boolean;
}

export interface IngestPlan {
  type: IngestType;
  folder: string;
  product: string;
  /** The representation of the ingested files. */
  representation: { name: string; ext: string; files: FileToIntegrate[]; frameStart?: number; frameEnd?: number };
  /** Generated files to write into the version with the files (a background's layout). */
  generated: { path: string; content: string }[];
  /** The image the thumbnail is made from, or null (no image). */
  thumbnailFrom: string | null;
  /** What the checks found, one line per kind (e.g. "12 PNG images 1920x1080"). */
  summary: string;
  bytes: number;
}

export interface IngestResult {
  product: string;
  version: number;
  path: string;
  type: IngestType;
  files: number;
  bytes: number;
  representations: string[];
  summary: string;
}

const IMAGE_EXT = /\.(png|jpe?g|tiff?|exr|psd|psb)$/i;
const AUDIO_EXT = /\.(wav|wave|aiff?|aifc|mp3)$/i;
const PALETTE_EXT = /\.plt$/i;

const kindLabel: Record<string, string> = { png: 'PNG', jpeg: 'JPEG', tiff: 'TIFF', exr: 'OpenEXR', psd: 'PSD', wav: 'WAV', aiff: 'AIFF', mp3: 'MP3', plt: 'Harmony palette' };

function describe(id: Exclude<Identified, { kind: 'unknown' }>): string {
  if (id.kind === 'palette') return 'a Harmony palette';
  const label = kindLabel[id.format]!;
  return `${/^[AEIOM]/.test(label) ? 'an' : 'a'} ${label} ${id.kind === 'audio' ? 'sound' : 'image'}`;
}

/** The representation name the loaders know for a file's extension. */
function repName(file: string): string {
  const ext = path.extname(file).slice(1).toLowerCase();
  return ({ jpeg: 'jpg', tiff: 'tif', aif: 'aiff', aifc: 'aiff', wave: 'wav', psb: 'psd' } as Record<string, string>)[ext] ?? ext;
}

async function listFolder(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => path.join(dir, e.name)).sort();
}

/** The files the source names: a folder's files, a sequence the file belongs to, or the file. */
async function sourceFiles(source: string): Promise<{ files: string[]; sequence: ReturnType<typeof detectSequences>['sequences'][number] | null; folder: boolean }> {
  const st = await fsp.stat(source).catch((err: NodeJS.ErrnoException) => {
    throw new IngestError(`${source} ${err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code})`}: give a file, the first file of a sequence, or a folder`);
  });
  if (st.isDirectory()) {
    const files = await listFolder(source);
    if (!files.length) throw new IngestError(`the folder ${source} has no files to ingest`);
    const images = files.filter((f) => IMAGE_EXT.test(f));
    const { sequences, singles } = detectSequences(images);
    const seq = sequences.length === 1 && sequences[0]!.files.length > 1 && singles.length === 0 && images.length === files.length ? sequences[0]! : null;
    return { files, sequence: seq, folder: true };
  }
  if (!st.isFile()) throw new IngestError(`${source} is not a file or a folder`);
  if (IMAGE_EXT.test(source)) {
    const ext = path.extname(source).toLowerCase();
    const siblings = (await listFolder(path.dirname(source))).filter((f) => path.extname(f).toLowerCase() === ext);
    const seq = detectSequences(siblings).sequences.find((s) => s.files.some((f) => f.file === path.resolve(source) || f.file === source));
    if (seq && seq.files.length > 1) return { files: seq.files.map((f) => f.file), sequence: seq, folder: false };
  }
  return { files: [source], sequence: null, folder: false };
}

function inferType(files: string[], sequence: unknown): IngestType {
  if (sequence) return 'plate';
  if (files.length === 1) {
    const f = files[0]!;
    if (AUDIO_EXT.test(f)) return 'audio';
    if (PALETTE_EXT.test(f)) return 'palette';
    if (IMAGE_EXT.test(f)) return 'image';
    throw new IngestError(`cannot tell what ${path.basename(f)} is from its name: pass --type (${INGEST_TYPES.join(', ')})`);
  }
  throw new IngestError(`${files.length} files that are not one numbered image sequence: pass --type background for a background's layers, or ingest them one by one`);
}

/** Checks the headers of `files` (in the pass's workers) against what the type needs; names every file that fails. */
async function checkHeaders(pass: FilePass, files: string[], want: 'image' | 'audio' | 'palette'): Promise<{ ids: Identified[]; bytes: number }> {
  const checked = await pass.check(files);
  const ids: Identified[] = new Array(files.length);
  const bad: string[] = [];
  let bytes = 0;
  checked.forEach((c, i) => {
    const f = files[i]!;
    if ('error' in c) {
      bad.push(`${path.basename(f)}: cannot be read (${c.error})`);
      return;
    }
    const id = c.id;
    ids[i] = id;
    bytes += c.size;
    const promised = formatOfExtension(f);
    if (id.kind === 'unknown') bad.push(`${path.basename(f)}: ${id.reason}`);
    else if (id.kind !== want) bad.push(`${path.basename(f)}: it is ${describe(id)}, not ${want === 'image' ? 'an image' : want === 'audio' ? 'a sound' : 'a palette'}`);
    else if (promised && id.format !== promised) bad.push(`${path.basename(f)}: its name says ${kindLabel[promised]}, its content is ${kindLabel[id.format]}`);
  });
  if (bad.length) {
    bad.sort();
    const shown = bad.length > 6 ? `${bad.slice(0, 6).join('; ')}; and ${bad.length - 6} more` : bad.join('; ');
    throw new IngestError(`nothing was ingested: ${bad.length} of ${files.length} file(s) are not ${want === 'image' ? 'images' : want === 'audio' ? 'sounds' : 'palettes'} dcc-kit can read (PNG, JPEG, TIFF, OpenEXR, PSD; WAV, AIFF, MP3; .plt): ${shown}`);
  }
  return { ids, bytes };
}

const pad = (n: number, width: number) => (n < 0 ? '-' : '') + String(Math.abs(n)).padStart(width, '0');

/** Resolves, checks and names everything; writes nothing. */
export async function planIngest(req: Omit<IngestRequest, 'store' | 'signal' | 'onProgress'>): Promise<IngestPlan> {
  const pass = new FilePass({ keepTotalBytes: 0 }); // nothing is written: headers only
  try {
    return await planWith(req, pass);
  } finally {
    pass.end();
  }
}

/**
 * planIngest with the files checked by `pass` (which keeps what it read for the write). `onThumbnailSource` hears
 * the image the thumbnail is made from as soon as it is known, before the checks.
 */
async function planWith(req: Omit<IngestRequest, 'store' | 'signal' | 'onProgress'>, pass: FilePass, onThumbnailSource?: (file: string) => void): Promise<IngestPlan> {
  if (req.type !== undefined && !(INGEST_TYPES as readonly string[]).includes(req.type)) throw new UsageError(`--type is one of ${INGEST_TYPES.join(', ')} (got "${req.type}")`);
  const ref = parseProductRef(req.target);
  if (req.target.includes('@')) throw new UsageError(`ingest makes a new version: name the product without @version (got "${req.target}")`);
  const { files, sequence, folder } = await sourceFiles(path.resolve(req.source));
  const type = req.type ?? inferType(files, sequence);
  const product = ref.product;
  let bytes = 0;
  const check = async (list: string[], want: 'image' | 'audio' | 'palette') => {
    const r = await checkHeaders(pass, list, want);
    bytes += r.bytes;
    return r.ids;
  };
  const thumbnailOf = (file: string) => {
    onThumbnailSource?.(file);
    return file;
  };
  const generated: IngestPlan['generated'] = [];
  let representation: IngestPlan['representation'];
  let thumbnailFrom: string | null = null;
  let summary: string;
  const one = (what: string) => {
    if (files.length !== 1) throw new IngestError(`a${what === 'audio' ? 'n' : ''} ${what} ingest takes ONE file; ${req.source} ${folder ? `is a folder of ${files.length} files` : `is part of a sequence of ${files.length} files`}`);
    return files[0]!;
  };
  switch (type) {
    case 'audio': {
      const file = one('audio');
      const [id] = await check([file], 'audio') as Extract<Identified, { kind: 'audio' }>[];
      representation = { name: repName(file), ext: repName(file), files: [{ source: file, path: `${product}.${repName(file)}` }] };
      summary = `${kindLabel[id!.format]} sound, ${id!.channels} channel(s), ${id!.sampleRate} Hz${id!.seconds ? `, ${id!.seconds.toFixed(2)} s` : ''}`;
      break;
    }
    case 'palette': {
      const file = one('palette');
      await check([file], 'palette');
      representation = { name: 'plt', ext: 'plt', files: [{ source: file, path: `${product}.plt` }] };
      summary = 'Harmony palette';
      break;
    }
    case 'image': {
      const file = one('image');
      thumbnailFrom = thumbnailOf(file);
      const [id] = await check([file], 'image') as Extract<Identified, { kind: 'image' }>[];
      representation = { name: repName(file), ext: repName(file), files: [{ source: file, path: `${product}.${repName(file)}` }] };
      summary = `${kindLabel[id!.format]} image ${id!.width}x${id!.height}`;
      break;
    }
    case 'plate': {
      if (!sequence && files.length !== 1) throw new IngestError(`a plate is a numbered image sequence (name.0001.png ...); ${req.source} is not one`);
      const frames = sequence ? sequence.files : [{ frame: 1, file: files[0]! }];
      thumbnailFrom = thumbnailOf(frames[Math.floor((frames.length - 1) / 2)]!.file);
      const ids = await check(frames.map((f) => f.file), 'image') as Extract<Identified, { kind: 'image' }>[];
      const sizesSeen = new Set(ids.map((i) => `${i.width}x${i.height}`));
      if (sizesSeen.size > 1) throw new IngestError(`nothing was ingested: the frames of ${req.source} are not all one size (${[...sizesSeen].join(', ')})`);
      const ext = repName(frames[0]!.file);
      const width = Math.max(4, sequence?.padding ?? 4);
      representation = {
        name: ext, ext, frameStart: frames[0]!.frame, frameEnd: frames.at(-1)!.frame,
        files: frames.map((f) => ({ source: f.file, path: `${product}.${pad(f.frame, width)}.${ext}` })),
      };
      summary = `${frames.length} ${kindLabel[ids[0]!.format]} frame(s) ${[...sizesSeen][0]}, ${frames[0]!.frame}-${frames.at(-1)!.frame}${sequence?.gaps.length ? ` (${sequence.gaps.length} missing: ${sequence.gaps.slice(0, 5).join(', ')}${sequence.gaps.length > 5 ? '...' : ''})` : ''}`;
      break;
    }
    case 'background': {
      const layouts = files.filter((f) => /\.json$/i.test(f));
      const layers = files.filter((f) => !/\.json$/i.test(f));
      if (!layers.length) throw new IngestError(`a background needs image layers; ${req.source} has none`);
      if (layouts.length > 1) throw new IngestError(`a background has one layout .json; ${req.source} has ${layouts.length}`);
      thumbnailFrom = thumbnailOf(layers[0]!);
      const ids = await check(layers, 'image') as Extract<Identified, { kind: 'image' }>[];
      const list: FileToIntegrate[] = layers.map((f) => ({ source: f, path: path.basename(f) }));
      if (layouts[0]) {
        const names = layoutFilenames(layouts[0]);
        const missing = names.filter((n) => !layers.some((l) => path.basename(l) === n));
        if (missing.length) throw new IngestError(`the layout ${path.basename(layouts[0])} names ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not beside it`);
        list.unshift({ source: layouts[0], path: `${product}.json` });
        bytes += (await fsp.stat(layouts[0])).size;
      } else {
        // The background loader reads a layout: one layer per image, in name order.
        generated.push({ path: `${product}.json`, content: JSON.stringify({ name: product, children: layers.map((f) => ({ name: path.basename(f, path.extname(f)), filename: path.basename(f) })) }, null, 2) + '\n' });
      }
      representation = { name: 'json', ext: 'json', files: list };
      summary = `background of ${layers.length} layer(s): ${ids.map((i, n) => `${path.basename(layers[n]!)} ${kindLabel[i.format]} ${i.width}x${i.height}`).join(', ')}`;
      break;
    }
  }
  return { type, folder: ref.folder, product, representation, generated, thumbnailFrom, summary, bytes };
}

function layoutFilenames(file: string): string[] {
  let layout: unknown;
  try {
    layout = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new IngestError(`the background layout ${file} is not JSON: ${(err as Error).message}`);
  }
  const names = layoutLayerNames(layout);
  if (!names.length) throw new IngestError(`the background layout ${file} names no layer files (children[].filename)`);
  return names;
}

/** A JPEG of `image`, at most 512 px wide (at normal priority: the ingest waits for it). */
async function thumbnail(ffmpeg: string, image: string, out: string, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted(); // the ingest was refused while ffmpeg was looked for: nothing to start
  await runFfmpeg(ffmpeg, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-progress', 'pipe:1', '-nostats', '-i', image,
    '-vf', 'scale=w=min(512\\,iw):h=-2,format=yuvj420p', '-frames:v', '1', '-update', '1', '-q:v', '3', out], 1, { signal, niceness: 0 });
}

/**
 * Plans (all checks, nothing written), then writes the new version: the files from what the checks read, the
 * thumbnail (made from one image while the files were checked), the manifest last. A failure removes the version.
 */
export async function ingest(req: IngestRequest): Promise<IngestResult> {
  const pass = new FilePass({ blocking: req.blockingIo });
  const stopThumb = new AbortController();
  const onAbort = () => stopThumb.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  let scratchMade: Promise<string> | null = null;
  const scratch = () => (scratchMade ??= fsp.mkdtemp(path.join(os.tmpdir(), 'dcckit-ingest-')));
  let thumb: { located: Promise<string | null>; made: Promise<string> } | null = null;
  try {
    const plan = await planWith(req, pass, (image) => {
      // Made while the files are checked and written: a PNG's in-process, anything else (or a PNG the decoder
      // leaves, told by its header) by ffmpeg, which must then be found before anything is written.
      const png = /\.png$/i.test(image) ? fsp.readFile(image).catch(() => null) : Promise.resolve(null);
      const ffmpeg = () => locateFfmpeg({ configured: req.ffmpeg ?? null });
      const located = png.then((bytes) => (bytes && pngThumbnailPossible(bytes) ? null : ffmpeg()));
      const made = Promise.all([png, located]).then(async ([bytes, found]) => {
        const file = path.join(await scratch(), 'thumbnail.jpg');
        // A PNG whose data turns out broken past its header goes to ffmpeg after all.
        const jpeg = bytes && found === null ? await pngThumbnailSliced(bytes).catch(() => null) : null;
        if (jpeg) await fsp.writeFile(file, jpeg);
        else await thumbnail(found ?? await ffmpeg(), image, file, stopThumb.signal);
        return file;
      });
      located.catch(() => {});
      made.catch(() => {});
      thumb = { located, made };
    });
    const making = thumb as { located: Promise<string | null>; made: Promise<string> } | null;
    // A missing ffmpeg is refused before anything is written.
    if (making) await making.located;
    req.signal?.throwIfAborted();
    const writer = await req.store.reserve({ folder: plan.folder, product: plan.product, productType: plan.type });
    try {
      const generated = await Promise.all(plan.generated.map(async (g) => {
        const file = path.join(await scratch(), g.path);
        await fsp.writeFile(file, g.content);
        return { source: file, path: g.path };
      }));
      const rep = plan.representation;
      const reps: Representation[] = [];
      reps.push(await writer.addFiles(rep.name, rep.ext, [...rep.files, ...generated], { frameStart: rep.frameStart, frameEnd: rep.frameEnd }, req.onProgress, {
        integrate: (files, onProgress) => pass.write(files, onProgress),
      }));
      if (making) {
        reps.push(await writer.addFiles('thumbnail', 'jpg', [{ source: await making.made, path: `${plan.product}.thumbnail.jpg` }], { tags: ['thumbnail'] }, undefined, {
          integrate: (files) => pass.write(files),
        }));
      }
      pass.end();
      req.signal?.throwIfAborted();
      await writer.commit({
        source: path.resolve(req.source), context: { ...(req.context ?? {}), folder: plan.folder }, comment: req.comment ?? null,
        data: { ingest: { source: path.resolve(req.source), type: plan.type, summary: plan.summary } },
      });
      return {
        product: `${plan.folder}/${plan.product}`, version: writer.version, path: writer.dir, type: plan.type,
        files: rep.files.length + generated.length, bytes: plan.bytes, representations: reps.map((r) => r.name), summary: plan.summary,
      };
    } catch (err) {
      await writer.abort().catch(() => {});
      throw err;
    }
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    stopThumb.abort();
    pass.end();
    await (thumb as { made: Promise<string> } | null)?.made.catch(() => {});
    if (scratchMade) await fsp.rm(await scratchMade, { recursive: true, force: true }).catch(() => {});
  }
}
