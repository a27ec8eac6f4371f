/**
 * Review media of render instances marked for review (local and farm renders): an H.264 movie and a JPEG
 * thumbnail made by ffmpeg (kit/review), integrated as the `mp4` and `thumbnail` representations of the
 * render's version, before its manifest like every other file.
 *
 * - Validate Review Tools finds ffmpeg before anything is rendered: a missing one fails validation with how
 *   to get one.
 * - Local renders: Extract Review hands the integrator a late representation: ffmpeg starts once the
 *   version is reserved (its number is in the burn-in) and runs WHILE the integrator copies and hashes the
 *   frames, so the frames are read at the same time by both (one trip from disk, the page cache serves the
 *   other) instead of in a second pass.
 * - Farm renders: the hub makes the movie when it integrates the job's frames (farm.ts), the same way.
 *   Not a second Afanasy block: render hosts need not have ffmpeg (the validator checked the hub's), the
 *   hub reads every frame anyway to hash it, and a farm block would read them again over the network and
 *   write a movie the hub must then copy; a hub restarted meanwhile still makes it (the settings are in
 *   the version's awaiting file).
 */
import os from 'node:os';
import path from 'node:path';
import type { PluginLog, PublishPlugin } from '../../../kit/publish/index.ts';
import { findFfmpeg, HOW_TO_GET_FFMPEG, makeReviewMedia, type FfmpegTools } from '../../../kit/review/index.ts';
import { data, instanceData, type LateRepresentation } from './data.ts';

/** What making a render's review media needs, kept with a farm wait so a restarted hub can still make it. */
export interface ReviewSettings {
  /** review.ffmpeg of the shot's project (null: ffmpeg on PATH). */
  ffmpeg: string | null;
  burnin: boolean;
  fps: number;
  /** The sound to mux: absolute, or relative to the rendered project folder (farm). */
  audio: string | null;
  shot: string;
  task: string | null;
  artist: string;
}

interface ReviewConfigView { review?: { ffmpeg: string | null; burnin: boolean } }

const artist = () => {
  try { return os.userInfo().username; } catch { return process.env.USER ?? process.env.USERNAME ?? 'unknown'; }
};

/** The render's frames -> the `mp4` and `thumbnail` representations, made in `workDir`. */
export async function reviewRepresentations(opts: {
  settings: ReviewSettings; frames: string[]; firstFrame: number; product: string; version: number; workDir: string;
  signal?: AbortSignal; log?: Pick<PluginLog, 'progress' | 'warn'>;
}): Promise<LateRepresentation[]> {
  const s = opts.settings;
  const tools = await findFfmpeg({ configured: s.ffmpeg });
  const movie = path.join(opts.workDir, `${opts.product}.mp4`);
  const thumbnail = path.join(opts.workDir, `${opts.product}.thumbnail.jpg`);
  const r = await makeReviewMedia({
    tools, frames: opts.frames, firstFrame: opts.firstFrame, fps: s.fps, audio: s.audio, movie, thumbnail,
    workDir: path.join(opts.workDir, 'scratch'), signal: opts.signal,
    burnin: s.burnin ? { shot: s.shot, task: s.task, version: `${opts.product} v${String(opts.version).padStart(3, '0')}`, artist: s.artist } : null,
    onProgress: (done, total) => opts.log?.progress(done / total, `${opts.product}: review movie ${done}/${total} frames`),
  });
  for (const w of r.warnings) opts.log?.warn(w);
  const last = opts.firstFrame + opts.frames.length - 1;
  return [
    { name: 'mp4', ext: 'mp4', files: [{ source: movie, path: `${opts.product}.mp4` }], frameStart: opts.firstFrame, frameEnd: last, tags: ['review'] },
    { name: 'thumbnail', ext: 'jpg', files: [{ source: thumbnail, path: `${opts.product}.thumbnail.jpg` }], tags: ['thumbnail'] },
  ];
}

function reviewConfig(config: unknown): { ffmpeg: string | null; burnin: boolean } {
  return (config as ReviewConfigView).review ?? { ffmpeg: null, burnin: false };
}

export const validateReviewTools: PublishPlugin = {
  label: 'Validate Review Tools',
  order: 1.06,
  instance: true,
  families: ['review'],
  hint: `Review movies need ffmpeg: ${HOW_TO_GET_FFMPEG}.`,
  async process(ctx, _instance, log) {
    const d = data(ctx);
    const cfg = reviewConfig(d.config);
    const cache = ctx.data as { reviewTools?: Promise<FfmpegTools> };
    cache.reviewTools ??= findFfmpeg({ configured: cfg.ffmpeg });
    const tools = await cache.reviewTools;
    if (cfg.burnin && !tools.drawtext) log.warn(`review.burnin is on but ${tools.ffmpeg} has no drawtext filter: the movie is made without burn-in`);
    log.info(`${tools.ffmpeg} (${tools.from}): ${tools.version}`);
  },
};

/** The review settings of a render instance in this run. */
export function reviewSettings(ctx: Parameters<PublishPlugin['process']>[0], opts: { relativeAudio?: boolean } = {}): ReviewSettings {
  const d = data(ctx);
  const cfg = reviewConfig(d.config);
  const c = d.context.context;
  let audio = d.audio?.columns.length ? d.audio.file ?? null : null;
  if (audio && opts.relativeAudio) audio = path.relative(d.scene.projectDir, audio);
  return { ffmpeg: cfg.ffmpeg, burnin: cfg.burnin, fps: c.fps, audio, shot: c.folder, task: c.task, artist: artist() };
}

export const extractReview: PublishPlugin = {
  label: 'Extract Review',
  order: 2.15,
  instance: true,
  families: ['review'],
  hint: 'The error above is ffmpeg\'s: check the frames it names, or review.ffmpeg in .dcckitrc.',
  process(ctx, instance, log) {
    const inst = instance!;
    if (inst.families.includes('render.farm')) {
      log.info('rendered on the farm: the hub makes the review movie and thumbnail when the job\'s frames arrive');
      return;
    }
    const frames = instanceData(inst).representations?.find((r) => r.name === 'png');
    if (!frames) throw new Error('no rendered frames to make a review movie of');
    const settings = reviewSettings(ctx);
    const d = data(ctx);
    instanceData(inst).lateRepresentations = ({ version, signal, log: integrateLog }) => reviewRepresentations({
      settings, frames: frames.files.map((f) => f.source), firstFrame: frames.frameStart ?? 1, product: inst.name, version,
      workDir: path.join(d.staging, `review-${inst.name}`), signal: AbortSignal.any([signal, ctx.signal]), log: integrateLog,
    });
    log.info(`the movie and thumbnail of ${frames.files.length} frames are made while the frames are integrated${settings.audio ? `, with ${path.basename(settings.audio)}` : ''}${settings.burnin ? ', burnt in' : ''}`);
  },
};

export const reviewPlugins = [validateReviewTools, extractReview];
