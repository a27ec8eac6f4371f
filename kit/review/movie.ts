/**
 * The review movie and thumbnail of a rendered frame sequence, made by ONE ffmpeg child process that reads
 * each frame once: an H.264 .mp4 (yuv420p, odd sizes padded to even, the given fps, exactly one movie frame
 * per frame, in the order given, the sound muxed in and cut or padded to the picture's length) and a JPEG
 * of the middle frame at most 512 px wide; optionally with burn-in (shot, task, version, artist, frame).
 *
 * The frames are handed to ffmpeg as links named 000001.png... in a scratch folder, so any naming (padding,
 * negative frame numbers, gaps renumbered) gives a movie in the order given. Progress comes from
 * `-progress pipe:1`; an abort kills ffmpeg at once, and on Linux ffmpeg is started with a parent-death
 * signal so it never outlives the process that asked for it (a killed hub).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DccKitError } from '../errors.ts';
import type { FfmpegTools } from './ffmpeg.ts';

export class ReviewMediaError extends DccKitError {
  /** ffmpeg's last stderr lines, when ffmpeg failed. */
  readonly stderr: string[];
  constructor(message: string, stderr: string[] = [], code = 'REVIEW_MEDIA') {
    super(message, code);
    this.stderr = stderr;
  }
}

export interface BurnIn {
  /** e.g. "shots/sh010". */
  shot: string;
  task: string | null;
  /** e.g. "renderMain v003". */
  version: string;
  artist: string;
}

export interface ReviewRequest {
  tools: FfmpegTools;
  /** The frames in movie order (every one becomes exactly one movie frame). */
  frames: string[];
  /** Frame number of the first frame (the burn-in's frame counter). */
  firstFrame: number;
  fps: number;
  /** A sound file muxed in (AAC), cut or padded with silence to the picture's length. */
  audio?: string | null;
  burnin?: BurnIn | null;
  /** Output paths; written only when ffmpeg succeeds (removed otherwise). */
  movie: string;
  thumbnail: string;
  thumbnailWidth?: number;
  /** A scratch folder (made and removed here). */
  workDir: string;
  signal?: AbortSignal;
  onProgress?(framesDone: number, total: number): void;
  /** Told ffmpeg's process id when it starts. */
  onStart?(pid: number): void;
}

export interface ReviewResult {
  movie: string;
  thumbnail: string;
  frames: number;
  /** 'on', 'off', or why it could not be burnt in. */
  burnin: 'on' | 'off' | string;
  warnings: string[];
}

const STDERR_LINES = 12;
/**
 * ffmpeg runs at a lower priority: it is background work with as many threads as the machine has cores, and
 * at normal priority it would take the CPU from the artist's DCC (and from the hub) for as long as it runs.
 */
export const FFMPEG_NICENESS = 10;

/** Option value inside a filtergraph: ffmpeg's two escaping levels (option value, then graph). */
function filterValue(text: string): string {
  return text.replace(/[\\':]/g, '\\$&').replace(/[\\'[\],;]/g, '\\$&');
}

/** Text for drawtext's expansion (textfile content): % and \ are literal. */
function drawtextLiteral(text: string): string {
  return text.replace(/[\\%]/g, '\\$&').replace(/[\r\n]+/g, ' ');
}

let setprivPath: string | null | undefined;
function deathSignalWrapper(): string | null {
  if (process.platform !== 'linux') return null;
  if (setprivPath === undefined) setprivPath = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p)) ?? null;
  return setprivPath;
}

/** Links (or copies, where links cannot be made) the frames as 000001.ext... ; one extension for all. */
async function linkFrames(frames: string[], dir: string): Promise<string> {
  const exts = new Set(frames.map((f) => path.extname(f).toLowerCase()));
  if (exts.size !== 1) throw new ReviewMediaError(`the frames of a review movie must share one format; got ${[...exts].join(', ')}`);
  const ext = [...exts][0] || '.png';
  await fsp.mkdir(dir, { recursive: true });
  const name = (i: number) => path.join(dir, `${String(i + 1).padStart(6, '0')}${ext}`);
  let mode: 'symlink' | 'link' | 'copy' = 'symlink';
  for (let i = 0; i < frames.length; i++) {
    const src = path.resolve(frames[i]!);
    for (;;) {
      try {
        if (mode === 'symlink') await fsp.symlink(src, name(i));
        else if (mode === 'link') await fsp.link(src, name(i));
        else await fsp.copyFile(src, name(i));
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new ReviewMediaError(`frame ${frames[i]} does not exist`);
        if (mode === 'copy') throw err;
        mode = mode === 'symlink' ? 'link' : 'copy';
      }
    }
  }
  return path.join(dir, `%06d${ext}`);
}

/** Empty or missing frames are named before ffmpeg runs (ffmpeg's own message would not say which). */
async function checkInputs(frames: string[]): Promise<void> {
  if (frames.length === 0) throw new ReviewMediaError('a review movie needs at least one frame');
  const bad: string[] = [];
  for (let i = 0; i < frames.length; i += 64) {
    const stats = await Promise.all(frames.slice(i, i + 64).map((f) => fsp.stat(f).then((s) => ({ f, size: s.size }), () => ({ f, size: -1 }))));
    for (const s of stats) if (s.size <= 0) bad.push(`${path.basename(s.f)} (${s.size === 0 ? 'empty, 0 bytes' : 'missing'})`);
  }
  if (bad.length) {
    const shown = bad.length > 6 ? `${bad.slice(0, 6).join(', ')} and ${bad.length - 6} more` : bad.join(', ');
    throw new ReviewMediaError(`cannot make the review movie: ${bad.length} of ${frames.length} frames are unusable: ${shown}. Render them again`);
  }
}

/** The ffmpeg arguments (exported for the bench's plain command line and for tests). */
export function ffmpegArgs(opts: {
  input: string; frames: number; fps: number; audio?: string | null; movie: string; thumbnail: string; thumbnailWidth?: number;
  burnin?: { textFiles: { file: string; x: string; y: string }[]; font: string | null } | null;
}): string[] {
  const mid = Math.floor((opts.frames - 1) / 2);
  const width = opts.thumbnailWidth ?? 512;
  const seconds = (opts.frames / opts.fps).toFixed(6);
  const graph: string[] = [`[0:v]split=2[full][th]`, `[full]pad=ceil(iw/2)*2:ceil(ih/2)*2,format=yuv420p[even]`];
  let last = '[even]';
  for (const [i, t] of (opts.burnin?.textFiles ?? []).entries()) {
    const font = opts.burnin!.font ? `fontfile=${filterValue(opts.burnin!.font)}:` : '';
    graph.push(`${last}drawtext=${font}textfile=${filterValue(t.file)}:x=${t.x}:y=${t.y}:fontsize=max(12\\,h/36):fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=6[b${i}]`);
    last = `[b${i}]`;
  }
  graph.push(`[th]select=eq(n\\,${mid}),scale=w=min(${width}\\,iw):h=-2[thumb]`);
  if (opts.audio) graph.push(`[1:a]apad,atrim=end=${seconds}[snd]`);
  return [
    // -xerror: a frame that does not decode stops ffmpeg (it would otherwise be skipped: one frame short).
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-xerror', '-y', '-progress', 'pipe:1', '-nostats',
    '-framerate', String(opts.fps), '-start_number', '1', '-i', opts.input,
    ...(opts.audio ? ['-i', opts.audio] : []),
    '-filter_complex', graph.join(';'),
    '-map', last, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-r', String(opts.fps), '-movflags', '+faststart',
    ...(opts.audio ? ['-map', '[snd]', '-c:a', 'aac', '-b:a', '192k'] : []),
    opts.movie,
    '-map', '[thumb]', '-frames:v', '1', '-update', '1', '-q:v', '3', opts.thumbnail,
  ];
}

export async function makeReviewMedia(req: ReviewRequest): Promise<ReviewResult> {
  if (req.signal?.aborted) throw new ReviewMediaError('the review movie was cancelled', [], 'REVIEW_CANCELLED');
  await checkInputs(req.frames);
  if (req.audio) await fsp.access(req.audio).catch(() => { throw new ReviewMediaError(`the sound file ${req.audio} cannot be read`); });
  const warnings: string[] = [];
  await fsp.rm(req.workDir, { recursive: true, force: true });
  await fsp.mkdir(req.workDir, { recursive: true });
  try {
    const input = await linkFrames(req.frames, path.join(req.workDir, 'frames'));
    let burnin: ReviewResult['burnin'] = 'off';
    let burninArgs: Parameters<typeof ffmpegArgs>[0]['burnin'] = null;
    if (req.burnin) {
      if (!req.tools.drawtext) {
        burnin = `not burnt in: ${req.tools.ffmpeg} has no drawtext filter (use an ffmpeg built with libfreetype, or set review.burnin: false)`;
        warnings.push(burnin);
      } else {
        const b = req.burnin;
        const texts = [
          { text: drawtextLiteral(`${b.shot}${b.task ? `  ${b.task}` : ''}`), x: '16', y: '16' },
          { text: drawtextLiteral(b.version), x: 'w-tw-16', y: '16' },
          { text: drawtextLiteral(b.artist), x: '16', y: 'h-th-16' },
          { text: `%{eif:n+${req.firstFrame}:d}`, x: 'w-tw-16', y: 'h-th-16' },
        ];
        const textFiles = await Promise.all(texts.map(async (t, i) => {
          const file = path.join(req.workDir, `burnin-${i}.txt`);
          await fsp.writeFile(file, t.text);
          return { file, x: t.x, y: t.y };
        }));
        burninArgs = { textFiles, font: req.tools.font };
        if (!req.tools.font) warnings.push('no TrueType font found in the usual places: the burn-in uses fontconfig\'s default font');
        burnin = 'on';
      }
    }
    await fsp.mkdir(path.dirname(req.movie), { recursive: true });
    await fsp.mkdir(path.dirname(req.thumbnail), { recursive: true });
    const args = ffmpegArgs({ input, frames: req.frames.length, fps: req.fps, audio: req.audio, movie: req.movie, thumbnail: req.thumbnail, thumbnailWidth: req.thumbnailWidth, burnin: burninArgs });
    const encoded = await runFfmpeg(req.tools.ffmpeg, args, req.frames.length, { signal: req.signal, onProgress: req.onProgress, onStart: req.onStart });
    if (encoded !== req.frames.length) throw new ReviewMediaError(`ffmpeg made ${encoded} movie frames of ${req.frames.length} frames: the movie would not match the render`);
    for (const out of [req.movie, req.thumbnail]) {
      const st = await fsp.stat(out).catch(() => null);
      if (!st || st.size === 0) throw new ReviewMediaError(`ffmpeg ended without writing ${out}`);
    }
    return { movie: req.movie, thumbnail: req.thumbnail, frames: req.frames.length, burnin, warnings };
  } catch (err) {
    await Promise.all([fsp.rm(req.movie, { force: true }), fsp.rm(req.thumbnail, { force: true })]).catch(() => {});
    throw err;
  } finally {
    await fsp.rm(req.workDir, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * Runs ffmpeg to the end; progress from `-progress pipe:1`; the last stderr lines in the error. Resolves with
 * the last frame count ffmpeg reported.
 */
export function runFfmpeg(ffmpeg: string, args: string[], total: number, opts: { signal?: AbortSignal; onProgress?(done: number, total: number): void; onStart?(pid: number): void; niceness?: number } = {}): Promise<number> {
  const { signal, onProgress } = opts;
  const wrapper = deathSignalWrapper();
  const [command, argv] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', '--', ffmpeg, ...args]] : [ffmpeg, args];
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    if (child.pid) {
      const niceness = opts.niceness ?? FFMPEG_NICENESS;
      if (niceness) try { os.setPriority(child.pid, niceness); } catch { /* not allowed here: it runs at normal priority */ }
      opts.onStart?.(child.pid);
    }
    let lastFrame = 0;
    const tail: string[] = [];
    let errText = '';
    let outText = '';
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      errText += chunk;
      const lines = errText.split('\n');
      errText = lines.pop()!;
      for (const l of lines) if (l.trim()) tail.push(l.trimEnd());
      if (tail.length > STDERR_LINES) tail.splice(0, tail.length - STDERR_LINES);
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      outText += chunk;
      const lines = outText.split('\n');
      outText = lines.pop()!;
      for (const l of lines) {
        const m = /^frame=(\d+)/.exec(l);
        if (m) {
          lastFrame = Number(m[1]);
          onProgress?.(Math.min(total, lastFrame), total);
        }
      }
    });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new ReviewMediaError(`could not start ffmpeg (${ffmpeg}): ${err.message}. Check review.ffmpeg in .dcckitrc`));
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (errText.trim()) tail.push(errText.trimEnd());
      if (aborted) return reject(new ReviewMediaError('the review movie was cancelled (ffmpeg was stopped)', tail, 'REVIEW_CANCELLED'));
      if (code === 0) return resolve(lastFrame);
      const how = sig ? `was killed (${sig})` : `exited with ${code}`;
      reject(new ReviewMediaError(`ffmpeg ${how} making the review movie${tail.length ? `; its last lines:\n${tail.slice(-STDERR_LINES).join('\n')}` : ' and printed nothing'}`, tail));
    });
  });
}
