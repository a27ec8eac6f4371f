/**
 * Decodes a PNG to 8-bit RGB (alpha dropped, as a JPEG thumbnail drops it): every colour type, bit depths 8
 * and 16, palettes of any depth. Interlaced (Adam7) images and grey images below 8 bits return null: the caller
 * uses ffmpeg for those.
 */
import zlib from 'node:zlib';

export interface RgbImage { width: number; height: number; rgb: Uint8Array }

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** One scanline's bytes from its filtered form (PNG filter types 0-4) into `line`, given the previous line. */
function unfilter(filter: number, raw: Buffer, at: number, line: Uint8Array, prev: Uint8Array, stride: number, bpp: number): void {
  switch (filter) {
    case 0:
      line.set(raw.subarray(at, at + stride));
      return;
    case 1:
      for (let i = 0; i < stride; i++) line[i] = (raw[at + i]! + (i >= bpp ? line[i - bpp]! : 0)) & 255;
      return;
    case 2:
      for (let i = 0; i < stride; i++) line[i] = (raw[at + i]! + prev[i]!) & 255;
      return;
    case 3:
      for (let i = 0; i < stride; i++) line[i] = (raw[at + i]! + (((i >= bpp ? line[i - bpp]! : 0) + prev[i]!) >> 1)) & 255;
      return;
    case 4:
      for (let i = 0; i < stride; i++) line[i] = (raw[at + i]! + paeth(i >= bpp ? line[i - bpp]! : 0, prev[i]!, i >= bpp ? prev[i - bpp]! : 0)) & 255;
      return;
    default:
      throw new Error(`the PNG uses an unknown filter type ${filter}`);
  }
}

/** Throws on a PNG that does not decode; null for one this decoder leaves to ffmpeg. */
export function decodePng(png: Buffer): RgbImage | null {
  const steps = decodePngSteps(png);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** decodePng in steps (every 64 rows), so a caller may let other work run in between. */
export function* decodePngSteps(png: Buffer): Generator<void, RgbImage | null> {
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let pos = 8;
  let width = 0, height = 0, depth = 0, color = -1, interlace = 0;
  let palette: Buffer | null = null;
  const idat: Buffer[] = [];
  while (pos + 8 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (data.length < len) throw new Error(`the PNG's ${type} chunk is cut short`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8]!;
      color = data[9]!;
      interlace = data[12]!;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const channels = CHANNELS[color];
  if (!width || !height || channels === undefined) throw new Error('the PNG header does not decode');
  if (interlace !== 0 || (color !== 3 && depth < 8)) return null;
  if (color === 3 && !palette) throw new Error('a palette PNG without a palette');
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  if (raw.length < (stride + 1) * height) throw new Error('the PNG image data is cut short');
  const rgb = new Uint8Array(width * height * 3);
  let prev = new Uint8Array(stride);
  let line = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1) + 1;
    unfilter(raw[at - 1]!, raw, at, line, prev, stride, bpp);
    const row = y * width * 3;
    if (color === 3) {
      const perByte = 8 / depth;
      for (let x = 0; x < width; x++) {
        const byte = line[Math.floor(x / perByte)]!;
        const index = depth === 8 ? byte : (byte >> (8 - depth * ((x % perByte) + 1))) & ((1 << depth) - 1);
        rgb[row + x * 3] = palette![index * 3] ?? 0;
        rgb[row + x * 3 + 1] = palette![index * 3 + 1] ?? 0;
        rgb[row + x * 3 + 2] = palette![index * 3 + 2] ?? 0;
      }
    } else if (depth === 8 && channels === 3) {
      rgb.set(line.subarray(0, width * 3), row);
    } else {
      const step = depth === 16 ? 2 : 1; // 16-bit samples: the high byte
      const px = channels * step;
      const grey = channels < 3;
      for (let x = 0, p = 0, o = row; x < width; x++, p += px, o += 3) {
        rgb[o] = line[p]!;
        rgb[o + 1] = grey ? line[p]! : line[p + step]!;
        rgb[o + 2] = grey ? line[p]! : line[p + 2 * step]!;
      }
    }
    [prev, line] = [line, prev];
    if ((y & 63) === 63) yield;
  }
  return { width, height, rgb };
}
