/**
 * Which ffmpeg makes review media, and what it can do. Looked for in this order: `review.ffmpeg` in
 * .dcckitrc (a path, or a name on PATH), `ffmpeg` on PATH, then the binary of an npm package that ships one
 * (`@ffmpeg-installer/ffmpeg`, `ffmpeg-static`) when such a package happens to be installed beside dcc-kit —
 * dcc-kit does not depend on one. A missing ffmpeg is an error that says how to get one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { DccKitError } from '../errors.ts';
import { resolveExecutable } from '../launch.ts';
import { ExecutableNotFoundError } from '../launch/errors.ts';

const run = promisify(execFile);

export class FfmpegMissingError extends DccKitError {
  constructor(message: string) { super(message, 'FFMPEG_MISSING'); }
}

export interface FfmpegTools {
  /** Absolute path of ffmpeg. */
  ffmpeg: string;
  /** How it was found: the config key, PATH, or an npm package. */
  from: 'review.ffmpeg' | 'PATH' | 'npm';
  /** ffmpeg's first version line. */
  version: string;
  /** The drawtext filter is built in (burn-in needs it). */
  drawtext: boolean;
  /** libx264 is built in (H.264 needs it). */
  libx264: boolean;
  /** A TrueType font for drawtext, or null (drawtext then needs fontconfig to find one). */
  font: string | null;
}

/** Packages known to ship an ffmpeg binary; looked for, never installed. */
const NPM_PACKAGES = ['@ffmpeg-installer/ffmpeg', 'ffmpeg-static'];

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  '/Library/Fonts/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];

function npmFfmpeg(): string | null {
  const require = createRequire(import.meta.url);
  for (const name of NPM_PACKAGES) {
    try {
      const mod = require(name) as string | { path?: string };
      const file = typeof mod === 'string' ? mod : mod?.path;
      if (file && fs.existsSync(file)) return file;
    } catch {
      // not installed
    }
  }
  return null;
}

export const HOW_TO_GET_FFMPEG = 'install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) '
  + 'or set review.ffmpeg in the project\'s .dcckitrc to the studio\'s ffmpeg';

async function locate(configured: string | null, env: NodeJS.ProcessEnv): Promise<{ file: string; from: FfmpegTools['from'] }> {
  if (configured) {
    try {
      return { file: await resolveExecutable({ configured, key: 'review.ffmpeg', displayName: 'ffmpeg', env }), from: 'review.ffmpeg' };
    } catch (err) {
      if (!(err instanceof ExecutableNotFoundError)) throw err;
      throw new FfmpegMissingError(`review.ffmpeg is "${configured}", which cannot be run: ${err.message.replace(/^ffmpeg executable not found: /, '')}. Point review.ffmpeg at an ffmpeg program, or remove it to use ffmpeg on PATH`);
    }
  }
  try {
    return { file: await resolveExecutable({ candidates: ['ffmpeg'], key: 'review.ffmpeg', displayName: 'ffmpeg', env }), from: 'PATH' };
  } catch (err) {
    if (!(err instanceof ExecutableNotFoundError)) throw err;
  }
  const packaged = npmFfmpeg();
  if (packaged) return { file: packaged, from: 'npm' };
  throw new FfmpegMissingError(`review media (the movie and thumbnail of a render marked for review) need ffmpeg, and there is none: review.ffmpeg is not set and ffmpeg is not on PATH. To fix: ${HOW_TO_GET_FFMPEG}; or turn "Mark for review" off on the render instance`);
}

/**
 * Only where ffmpeg is (review.ffmpeg, PATH, an npm package), without asking what it can do: for a single
 * thumbnail (ingest) that needs no H.264 encoder. Throws FfmpegMissingError when there is none.
 */
export async function locateFfmpeg(opts: { configured?: string | null; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return (await locate(opts.configured ?? null, opts.env ?? process.env)).file;
}

const cache = new Map<string, Promise<FfmpegTools>>();

/** Finds ffmpeg and asks it what it can do (cached per program for the process's life). */
export async function findFfmpeg(opts: { configured?: string | null; env?: NodeJS.ProcessEnv } = {}): Promise<FfmpegTools> {
  const env = opts.env ?? process.env;
  const { file, from } = await locate(opts.configured ?? null, env);
  let found = cache.get(file);
  if (!found) {
    found = inspect(file, from);
    cache.set(file, found);
    found.catch(() => cache.delete(file));
  }
  return found;
}

async function inspect(file: string, from: FfmpegTools['from']): Promise<FfmpegTools> {
  let version: string;
  let filters: string;
  let encoders: string;
  try {
    version = (await run(file, ['-hide_banner', '-version'], { timeout: 30_000 })).stdout.split('\n')[0] ?? '';
    filters = (await run(file, ['-hide_banner', '-filters'], { timeout: 30_000, maxBuffer: 8 << 20 })).stdout;
    encoders = (await run(file, ['-hide_banner', '-encoders'], { timeout: 30_000, maxBuffer: 8 << 20 })).stdout;
  } catch (err) {
    throw new FfmpegMissingError(`${file} (${from === 'review.ffmpeg' ? 'review.ffmpeg' : from === 'PATH' ? 'ffmpeg on PATH' : 'from an npm package'}) does not run as ffmpeg: ${(err as Error).message.split('\n')[0]}. ${HOW_TO_GET_FFMPEG}`);
  }
  const libx264 = /^\s*V\S*\s+libx264\s/m.test(encoders);
  if (!libx264) throw new FfmpegMissingError(`${file} has no H.264 encoder (libx264), which review movies need. Use an ffmpeg built with libx264 (Debian's is): ${HOW_TO_GET_FFMPEG}`);
  return {
    ffmpeg: file, from, version, libx264,
    drawtext: /^\s*\S+\s+drawtext\s/m.test(filters),
    font: FONT_CANDIDATES.find((f) => fs.existsSync(f)) ?? null,
  };
}

/** ffprobe beside ffmpeg, else on PATH (tests and the bench use it to check movies). */
export function ffprobeBeside(ffmpeg: string): string {
  const beside = path.join(path.dirname(ffmpeg), path.basename(ffmpeg).replace(/ffmpeg/, 'ffprobe'));
  return beside !== ffmpeg && fs.existsSync(beside) ? beside : 'ffprobe';
}
