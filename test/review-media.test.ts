import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFfmpeg, FfmpegMissingError, makeReviewMedia, ReviewMediaError } from '../kit/review/index.ts';
import { encodePng } from '../adapters/harmony/simulator/dom/image.ts';
import { frameBytes, probe, testFrames, testSound } from './support/media.ts';

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-review-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Solid grey frames whose level says their place: 10, 30, 50, ... */
function greyFrames(dir: string, names: string[]): string[] {
  return names.map((name, i) => {
    const pixels = new Uint8Array(64 * 48 * 3).fill(10 + 20 * i);
    const file = path.join(dir, name);
    fs.writeFileSync(file, encodePng({ width: 64, height: 48, channels: 3, pixels }));
    return file;
  });
}

const out = (dir: string) => ({ movie: path.join(dir, 'out', 'review.mp4'), thumbnail: path.join(dir, 'out', 'thumb.jpg'), workDir: path.join(dir, 'scratch') });

test('12 frames make an H.264 movie of exactly 12 frames (yuv420p, the fps asked for) and a thumbnail of at most 512 px; progress reaches 12', async (t) => {
  const dir = tmp(t);
  const frames = testFrames(dir, { count: 12, size: '1024x576' });
  const tools = await findFfmpeg();
  const progress: number[] = [];
  const r = await makeReviewMedia({ tools, frames, firstFrame: 1001, fps: 25, ...out(dir), onProgress: (done) => progress.push(done) });
  t.is(r.frames, 12);
  t.is(r.burnin, 'off');
  const [video, ...rest] = probe(r.movie);
  t.like(video, { codec_type: 'video', codec_name: 'h264', pix_fmt: 'yuv420p', width: 1024, height: 576, r_frame_rate: '25/1', nb_read_frames: '12' });
  t.deepEqual(rest, [], 'no sound stream without a sound');
  t.like(probe(r.thumbnail)[0], { codec_name: 'mjpeg', width: 512, height: 288 });
  t.is(progress.at(-1), 12);
  t.false(fs.existsSync(path.join(dir, 'scratch')), 'the scratch folder is removed');
});

test('frames become movie frames in the order given, whatever their names (negative numbers, gaps); the thumbnail is the middle one', async (t) => {
  const dir = tmp(t);
  const frames = greyFrames(dir, ['a.-0002.png', 'a.-0001.png', 'a.0000.png', 'a.0001.png', 'a.0007.png']);
  const r = await makeReviewMedia({ tools: await findFfmpeg(), frames, firstFrame: -2, fps: 24, ...out(dir) });
  t.is(probe(r.movie)[0]!.nb_read_frames, '5');
  const means = [0, 1, 2, 3, 4].map((n) => {
    const px = frameBytes(r.movie, n);
    return px.reduce((s, v) => s + v, 0) / px.length;
  });
  for (let i = 0; i < 5; i++) t.true(Math.abs(means[i]! - (10 + 20 * i)) < 4, `frame ${i}: mean ${means[i]}`);
  const thumb = execFileSync('ffmpeg', ['-v', 'error', '-i', r.thumbnail, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  t.true(Math.abs(thumb.reduce((s, v) => s + v, 0) / thumb.length - 50) < 4, 'the middle (third) frame');
});

test('an odd resolution is padded to even, not refused; a sound is muxed in and cut to the picture\'s length', async (t) => {
  const dir = tmp(t);
  const frames = testFrames(dir, { count: 12, size: '321x241' });
  const sound = testSound(path.join(dir, 'dialogue.wav'), 3);
  const r = await makeReviewMedia({ tools: await findFfmpeg(), frames, firstFrame: 1, fps: 24, audio: sound, ...out(dir) });
  const streams = probe(r.movie);
  t.like(streams[0], { codec_type: 'video', width: 322, height: 242, nb_read_frames: '12' });
  t.like(streams[1], { codec_type: 'audio', codec_name: 'aac' });
  t.true(Math.abs(Number(streams[1]!.duration) - 0.5) < 0.05, `audio lasts ${streams[1]!.duration} s, the picture 0.5 s`);
});

test('burn-in draws shot, task, version, artist and frame number (drawtext); without it the picture is untouched', async (t) => {
  const dir = tmp(t);
  const frames = testFrames(dir, { count: 3, size: '640x360' });
  const tools = await findFfmpeg();
  t.true(tools.drawtext, 'Debian\'s ffmpeg has drawtext');
  const plain = await makeReviewMedia({ tools, frames, firstFrame: 1001, fps: 24, ...out(dir) });
  const plainFrame = frameBytes(plain.movie, 1);
  const burnt = await makeReviewMedia({
    tools, frames, firstFrame: 1001, fps: 24, ...out(path.join(dir, 'b')),
    burnin: { shot: 'shots/sh010', task: 'anim', version: 'renderMain v003 (100%)', artist: 'o\'brien: a, b; [c]' },
  });
  t.is(burnt.burnin, 'on');
  t.is(probe(burnt.movie)[0]!.nb_read_frames, '3');
  t.notDeepEqual(frameBytes(burnt.movie, 1), plainFrame);
  // An ffmpeg without drawtext: the movie is made, without burn-in, and the reason is said.
  const noDrawtext = await makeReviewMedia({ tools: { ...tools, drawtext: false }, frames, firstFrame: 1, fps: 24, ...out(path.join(dir, 'c')), burnin: { shot: 's', task: null, version: 'v1', artist: 'me' } });
  t.regex(noDrawtext.burnin, /no drawtext filter/);
  t.deepEqual(noDrawtext.warnings, [noDrawtext.burnin]);
});

test('a 0-byte frame is named before ffmpeg runs; nothing is written', async (t) => {
  const dir = tmp(t);
  const frames = testFrames(dir, { count: 6 });
  fs.writeFileSync(frames[3]!, '');
  const err = await t.throwsAsync(makeReviewMedia({ tools: await findFfmpeg(), frames, firstFrame: 1, fps: 24, ...out(dir) }), { instanceOf: ReviewMediaError });
  t.regex(err!.message, /1 of 6 frames are unusable: frame\.0004\.png \(empty, 0 bytes\)/);
  t.false(fs.existsSync(out(dir).movie));
});

test('ffmpeg failing (a frame that is not an image) reports its last stderr lines and leaves no movie or thumbnail', async (t) => {
  const dir = tmp(t);
  const frames = testFrames(dir, { count: 4 });
  fs.writeFileSync(frames[0]!, 'this is not a PNG at all');
  const err = await t.throwsAsync(makeReviewMedia({ tools: await findFfmpeg(), frames, firstFrame: 1, fps: 24, ...out(dir) }), { instanceOf: ReviewMediaError });
  t.regex(err!.message, /^ffmpeg exited with \d+ making the review movie; its last lines:\n.*Invalid PNG signature/);
  t.true((err as ReviewMediaError).stderr.length > 0);
  t.false(fs.existsSync(out(dir).movie));
  t.false(fs.existsSync(out(dir).thumbnail));
});

test('a missing ffmpeg says how to fix it: review.ffmpeg naming nothing, or no ffmpeg on PATH', async (t) => {
  const err = await t.throwsAsync(findFfmpeg({ configured: '/nowhere/ffmpeg' }), { instanceOf: FfmpegMissingError });
  t.regex(err!.message, /review\.ffmpeg is "\/nowhere\/ffmpeg", which cannot be run.*Point review\.ffmpeg at an ffmpeg program/);
  const none = await t.throwsAsync(findFfmpeg({ env: { PATH: '/nonexistent-bin' } }), { instanceOf: FfmpegMissingError });
  t.regex(none!.message, /need ffmpeg, and there is none: review\.ffmpeg is not set and ffmpeg is not on PATH\. To fix: install ffmpeg .*or set review\.ffmpeg/);
  // A program that is not ffmpeg.
  const dir = tmp(t);
  const fake = path.join(dir, 'ffmpeg');
  fs.writeFileSync(fake, '#!/bin/sh\necho "segmentation fault" >&2\nexit 139\n', { mode: 0o755 });
  const bad = await t.throwsAsync(findFfmpeg({ configured: fake }), { instanceOf: FfmpegMissingError });
  t.regex(bad!.message, /does not run as ffmpeg/);
});

test('aborting kills ffmpeg mid-movie and removes what it wrote', async (t) => {
  const dir = tmp(t);
  const frames = testFrames(dir, { count: 120, size: '1280x720' });
  const ac = new AbortController();
  let pid = 0;
  const made = makeReviewMedia({
    tools: await findFfmpeg(), frames, firstFrame: 1, fps: 24, ...out(dir), signal: ac.signal,
    onStart: (p) => { pid = p; },
    onProgress: () => ac.abort(),
  });
  const err = await t.throwsAsync(made, { instanceOf: ReviewMediaError });
  t.is((err as ReviewMediaError).code, 'REVIEW_CANCELLED');
  t.true(pid > 0, 'ffmpeg was running');
  t.false(fs.existsSync(`/proc/${pid}`) && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')), 'ffmpeg is gone');
  t.false(fs.existsSync(out(dir).movie));
  t.false(fs.existsSync(path.join(dir, 'scratch')));
});
