/** The in-process PNG thumbnail (ingest): PNG decoding checked pixel for pixel against ffmpeg's, the JPEG decoded by ffmpeg. */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { decodePng } from '../kit/media/png-decode.ts';
import { encodeJpeg } from '../kit/media/jpeg-encode.ts';
import { pngThumbnail, thumbnailSize } from '../kit/media/thumbnail.ts';
import { probe } from './support/media.ts';

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-thumb-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ff = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { maxBuffer: 64 << 20 });

/** ffmpeg's decoding of an image to 8-bit RGB. */
const ffRgb = (file: string) => ff('-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

test('PNGs of every colour type and depth decode to the pixels ffmpeg decodes; interlaced and 1-bit grey are left to ffmpeg', (t) => {
  const dir = tmp(t);
  // An odd size (no whole filter blocks), and every filter type in use (ffmpeg's PNG encoder picks per row with -pred mixed).
  for (const pixFmt of ['rgb24', 'rgba', 'gray', 'ya8', 'pal8', 'rgb48be', 'rgba64be', 'gray16be']) {
    const file = path.join(dir, `${pixFmt}.png`);
    ff('-f', 'lavfi', '-i', 'testsrc=size=97x55', '-frames:v', '1', '-pix_fmt', pixFmt, ...(pixFmt === 'pal8' ? [] : ['-pred', 'mixed']), file);
    const ours = decodePng(fs.readFileSync(file))!;
    t.truthy(ours, pixFmt);
    t.is(ours.width, 97);
    t.is(ours.height, 55);
    const theirs = ffRgb(file);
    const deep = /(48|64|16)be$/.test(pixFmt);
    let worst = 0;
    for (let i = 0; i < theirs.length; i++) worst = Math.max(worst, Math.abs(ours.rgb[i]! - theirs[i]!));
    // 16-bit samples: the high byte, where ffmpeg may round (a difference of 1 at most).
    t.true(worst <= (deep ? 1 : 0), `${pixFmt}: largest difference ${worst}`);
  }
  // ffmpeg writes no Adam7 PNG: the IHDR of one says so (interlace method 1, its CRC made again).
  const interlaced = Buffer.from(fs.readFileSync(path.join(dir, 'rgb24.png')));
  interlaced[28] = 1;
  interlaced.writeUInt32BE(zlib.crc32(interlaced.subarray(12, 29)), 29);
  t.is(decodePng(interlaced), null);
  const mono = path.join(dir, 'mono.png');
  ff('-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1', '-pix_fmt', 'monob', mono);
  t.is(pngThumbnail(fs.readFileSync(mono)), null);
  t.throws(() => decodePng(Buffer.from('not a png at all, not even close....')), { message: /not a PNG/ });
});

test('the JPEG is a baseline 4:2:0 JFIF that ffmpeg decodes to the image (scaled like scale=w=min(512\\,iw):h=-2)', (t) => {
  const dir = tmp(t);
  const src = path.join(dir, 'frame.png');
  ff('-f', 'lavfi', '-i', 'testsrc=size=640x360', '-frames:v', '1', src);
  const jpeg = pngThumbnail(fs.readFileSync(src))!;
  const out = path.join(dir, 'thumb.jpg');
  fs.writeFileSync(out, jpeg);
  t.like(probe(out)[0], { codec_name: 'mjpeg', width: 512, height: 288, pix_fmt: 'yuvj420p' });
  // Against ffmpeg's own area scaling of the source: the same picture, within JPEG's loss.
  const reference = ff('-i', src, '-vf', 'scale=512:288:flags=area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  t.true(psnr(ffRgb(out), reference) > 25, `PSNR ${psnr(ffRgb(out), reference).toFixed(1)} dB`);
  // A flat image survives almost exactly (DC only), in sizes that are not whole 16x16 blocks.
  for (const [w, h] of [[1, 1], [17, 9], [33, 31]] as const) {
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < rgb.length; i += 3) rgb.set([200, 40, 90], i);
    const file = path.join(dir, `flat-${w}x${h}.jpg`);
    fs.writeFileSync(file, encodeJpeg({ width: w, height: h, rgb }));
    const back = ffRgb(file);
    t.is(back.length, w * h * 3);
    for (let i = 0; i < back.length; i += 3) t.true(Math.abs(back[i]! - 200) <= 3 && Math.abs(back[i + 1]! - 40) <= 3 && Math.abs(back[i + 2]! - 90) <= 3, `${w}x${h} pixel ${i / 3}: ${[...back.subarray(i, i + 3)]}`);
  }
  t.deepEqual(thumbnailSize(96, 54), { width: 96, height: 54 });
  t.deepEqual(thumbnailSize(1920, 1080), { width: 512, height: 288 });
  t.deepEqual(thumbnailSize(2048, 858), { width: 512, height: 214 });
});
