/**
 * A JPEG thumbnail of a PNG, in-process (decode, box-filter to at most `maxWidth` wide with an even height,
 * encode): the size ffmpeg's `scale=w=min(512\,iw):h=-2` gives, without starting a process.
 */
import { encodeJpegSteps, runSteps } from './jpeg-encode.ts';
import { decodePngSteps, type RgbImage } from './png-decode.ts';

export const THUMBNAIL_MAX_WIDTH = 512;
/** Bigger PNGs go to ffmpeg: decoding them here would hold the hub's thread too long. */
const MAX_PIXELS = 4096 * 2304;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The thumbnail's size for an image of width x height: at most maxWidth wide, the height even, the aspect kept. */
export function thumbnailSize(width: number, height: number, maxWidth = THUMBNAIL_MAX_WIDTH): { width: number; height: number } {
  const w = Math.min(maxWidth, width);
  return { width: w, height: Math.max(2, Math.round((height * w) / width / 2) * 2) };
}

/** Each output pixel is the mean of the source pixels it covers (at least one). */
export function scaleRgb(img: RgbImage, width: number, height: number): RgbImage {
  return runSteps(scaleRgbSteps(img, width, height));
}

function* scaleRgbSteps(img: RgbImage, width: number, height: number): Generator<void, RgbImage> {
  if (width === img.width && height === img.height) return img;
  const out = new Uint8Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let oy = 0; oy < height; oy++) {
    const y0 = Math.floor(oy * sy);
    const y1 = Math.max(y0 + 1, Math.min(img.height, Math.floor((oy + 1) * sy)));
    for (let ox = 0; ox < width; ox++) {
      const x0 = Math.floor(ox * sx);
      const x1 = Math.max(x0 + 1, Math.min(img.width, Math.floor((ox + 1) * sx)));
      let r = 0, g = 0, b = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const o = (y * img.width + x) * 3;
          r += img.rgb[o]!;
          g += img.rgb[o + 1]!;
          b += img.rgb[o + 2]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (oy * width + ox) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
    if ((oy & 31) === 31) yield;
  }
  return { width, height, rgb: out };
}

function* thumbnailSteps(png: Buffer, maxWidth: number): Generator<void, Buffer | null> {
  if (png.length >= 24 && png.readUInt32BE(16) * png.readUInt32BE(20) > MAX_PIXELS) return null;
  const img = yield* decodePngSteps(png);
  if (!img) return null;
  const size = thumbnailSize(img.width, img.height, maxWidth);
  return yield* encodeJpegSteps(yield* scaleRgbSteps(img, size.width, size.height));
}

/** Whether pngThumbnail makes the thumbnail of the PNG that starts with `head` (its IHDR), rather than leaving it to ffmpeg. */
export function pngThumbnailPossible(head: Buffer): boolean {
  if (head.length < 29 || !head.subarray(0, 8).equals(PNG_SIGNATURE) || head.toString('latin1', 12, 16) !== 'IHDR') return false;
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  const depth = head[24]!;
  const color = head[25]!;
  const interlace = head[28]!;
  return width > 0 && height > 0 && width * height <= MAX_PIXELS && interlace === 0 && [0, 2, 3, 4, 6].includes(color) && (color === 3 || depth >= 8);
}

/** The thumbnail of a PNG; null for one left to ffmpeg (too big, interlaced, grey below 8 bits). Throws on a broken PNG. */
export function pngThumbnail(png: Buffer, maxWidth = THUMBNAIL_MAX_WIDTH): Buffer | null {
  return runSteps(thumbnailSteps(png, maxWidth));
}

/**
 * pngThumbnail on the caller's thread in slices of a few milliseconds, letting the event loop run in between
 * (an ingest's file I/O goes on while the thumbnail is made; the hub keeps answering).
 */
export async function pngThumbnailSliced(png: Buffer, maxWidth = THUMBNAIL_MAX_WIDTH): Promise<Buffer | null> {
  const steps = thumbnailSteps(png, maxWidth);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
