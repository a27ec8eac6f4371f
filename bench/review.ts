/**
 * Review and ingest bench, each beside its anchor in the same run (interleaved, median of BENCH_RUNS, 3 by
 * default):
 * - the review movie (+ thumbnail) of 240 frames at 1920x1080 made by kit/review against the plain ffmpeg
 *   command line making the same movie (same codec, pixel format, padding) from the same frames, both at
 *   the priority kit/review runs ffmpeg at (nice 10).
 *   Target: at most 1.15x its time.
 * - ingest of a 1,000-frame PNG sequence (header checks, copy + SHA-256, thumbnail, manifest) against
 *   `cp -r` + `sha256sum` of the same files. Target: at least 0.7x its speed, for the way `dcc-kit ingest` runs it
 *   (its own process: synchronous file calls in slices, `blockingIo`). The hub's way (the page's Ingest form:
 *   asynchronous calls, never blocking the hub) is printed beside it.
 * The frames are made by ffmpeg itself (testsrc) once, into bench/.data.
 *
 *   node bench/run.ts review
 *   BENCH_REVIEW_PART=ingest node bench/run.ts review    (only one part: movie or ingest)
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FFMPEG_NICENESS, findFfmpeg, makeReviewMedia } from '../kit/review/index.ts';
import { ingest } from '../kit/ingest/ingest.ts';
import { ProductStore } from '../kit/store/index.ts';
import { BENCH_DATA_DIR } from './lib/harmony-project.ts';
import { commandAvailable, formatMiB, formatSeconds, interleavedRuns, median, runCommand } from './lib/timing.ts';

interface Figure { label: string; ratio: number; met?: boolean }

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 3);
const PART = process.env.BENCH_REVIEW_PART ?? '';

async function frames(dir: string, count: number, size: string): Promise<string[]> {
  const marker = path.join(dir, '.complete');
  if (!fs.existsSync(marker)) {
    await fsp.rm(dir, { recursive: true, force: true });
    await fsp.mkdir(dir, { recursive: true });
    await runCommand('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=24`, '-frames:v', String(count), '-start_number', '1001', path.join(dir, 'frame.%04d.png')]);
    await fsp.writeFile(marker, '');
  }
  return Array.from({ length: count }, (_, i) => path.join(dir, `frame.${1001 + i}.png`));
}

async function bytesOf(files: string[]): Promise<number> {
  let n = 0;
  for (const f of files) n += (await fsp.stat(f)).size;
  return n;
}

export async function runReviewBench(): Promise<Figure[]> {
  if (!(await commandAvailable('ffmpeg', ['-version'])) || !(await commandAvailable('sha256sum', ['--version']))) {
    console.log('review bench skipped: ffmpeg and sha256sum are needed');
    return [];
  }
  const tools = await findFfmpeg();
  const work = path.join(BENCH_DATA_DIR, `review-run-${process.pid}`);
  const figures: Figure[] = [];
  try {
    if (PART !== 'ingest') figures.push(await movieFigure(tools, work));
    if (PART !== 'movie') figures.push(await ingestFigure(work));
    return figures;
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

async function movieFigure(tools: Awaited<ReturnType<typeof findFfmpeg>>, work: string): Promise<Figure> {
  const movieSrc = path.join(BENCH_DATA_DIR, 'review-1080p');
  const list = await frames(movieSrc, 240, '1920x1080');
  console.log(`review movie: 240 frames 1920x1080, ${formatMiB(await bytesOf(list))} (${movieSrc}), ${tools.version}`);
  for (const f of list) await fsp.readFile(f); // warm the page cache for both sides
  const out = path.join(work, 'movie');
  const times = await interleavedRuns(RUNS, {
    ours: {
      prepare: () => fsp.rm(out, { recursive: true, force: true }),
      run: () => makeReviewMedia({ tools, frames: list, firstFrame: 1001, fps: 24, movie: path.join(out, 'ours.mp4'), thumbnail: path.join(out, 'ours.jpg'), workDir: path.join(out, 'scratch') }),
    },
    plain: {
      prepare: async () => { await fsp.rm(out, { recursive: true, force: true }); await fsp.mkdir(out, { recursive: true }); },
      // At the priority kit/review gives ffmpeg, so both compete for the same share of a busy machine.
      run: () => runCommand('nice', ['-n', String(FFMPEG_NICENESS), tools.ffmpeg, '-nostdin', '-v', 'error', '-y', '-framerate', '24', '-start_number', '1001', '-i', path.join(movieSrc, 'frame.%04d.png'),
        '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2,format=yuv420p', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-r', '24', '-movflags', '+faststart', path.join(out, 'plain.mp4')]),
    },
  });
  const ours = median(times.ours);
  const plain = median(times.plain);
  const ratio = ours / plain;
  const movieMet = ratio <= 1.15;
  console.log(`review movie + thumbnail: ${formatSeconds(ours)} vs plain ffmpeg ${formatSeconds(plain)} = ${ratio.toFixed(2)}x its time (target <= 1.15x${movieMet ? '' : ', MISSED'})`);
  return { label: 'review movie time vs plain ffmpeg', ratio, met: movieMet };
}

async function ingestFigure(work: string): Promise<Figure> {
  const seqSrc = path.join(BENCH_DATA_DIR, 'ingest-1000');
  const seq = await frames(seqSrc, 1000, '640x360');
  const bytes = await bytesOf(seq);
  console.log(`ingest: 1,000 PNG frames 640x360, ${formatMiB(bytes)} (${seqSrc})`);
  for (const f of seq) await fsp.readFile(f);
  const root = path.join(work, 'store');
  const copy = path.join(work, 'cp');
  const store = new ProductStore({ root });
  const itimes = await interleavedRuns(RUNS, {
    ours: {
      prepare: () => fsp.rm(root, { recursive: true, force: true }),
      run: () => ingest({ source: seq[0]!, target: 'shots/bench/plateMain', store, blockingIo: true }),
    },
    hub: {
      prepare: () => fsp.rm(root, { recursive: true, force: true }),
      run: () => ingest({ source: seq[0]!, target: 'shots/bench/plateMain', store }),
    },
    cpSha: {
      prepare: () => fsp.rm(copy, { recursive: true, force: true }),
      run: async () => {
        await runCommand('cp', ['-r', seqSrc, copy]);
        await runCommand('sh', ['-c', `sha256sum ${JSON.stringify(copy)}/*.png > /dev/null`]);
      },
    },
  });
  const speed = median(itimes.cpSha) / median(itimes.ours);
  const ingestMet = speed >= 0.7;
  console.log(`ingest of 1,000 frames (dcc-kit ingest): ${formatSeconds(median(itimes.ours))} vs cp -r + sha256sum ${formatSeconds(median(itimes.cpSha))} = ${speed.toFixed(2)}x its speed (target >= 0.7x${ingestMet ? '' : ', MISSED'})`);
  console.log(`ingest of 1,000 frames in the hub (the page; asynchronous calls): ${formatSeconds(median(itimes.hub))} = ${(median(itimes.cpSha) / median(itimes.hub)).toFixed(2)}x its speed (no target)`);
  return { label: 'ingest speed vs cp + sha256sum', ratio: speed, met: ingestMet };
}

if (import.meta.url === `file://${process.argv[1]}`) await runReviewBench();
