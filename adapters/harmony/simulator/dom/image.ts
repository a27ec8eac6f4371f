/**
 * Minimal image encoders for rendered frames and placeholder drawings: PNG (8-bit gray, RGB or RGBA,
 * zlib via node:zlib, CRC'd chunks) and uncompressed TGA.
 */
import zlib from 'node:zlib';

export type Channels = 1 | 3 | 4;

/** A raw image: `pixels` holds width*height*channels bytes, rows top to bottom. */
export interface RawImage { width: number; height: number; channels: Channels; pixels: Uint8Array }

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An image given row by row: `row(y)` returns the row's width*channels bytes (the same array for equal rows is fine). */
export interface RowImage { width: number; height: number; channels: Channels; row(y: number): Uint8Array }

const rowsOf = (img: RawImage): RowImage => {
  const stride = img.width * img.channels;
  return { width: img.width, height: img.height, channels: img.channels, row: (y) => img.pixels.subarray(y * stride, (y + 1) * stride) };
};

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || Buffer.compare(a, b) === 0;
}

/**
 * The filtered scanlines of the last frame encoded, kept for the next one of the same size: a fresh 8 MiB buffer
 * per full-HD frame cost more in page faults than its compression. `dirty[y]` marks rows that hold pixels (filter
 * None) rather than zeros (filter Up), so only those are cleared when the next frame's row is an Up row.
 */
let scratch: { filtered: Buffer; dirty: Uint8Array; stride: number; height: number } | null = null;

export function encodePng(img: RawImage | RowImage): Buffer {
  const rows = 'pixels' in img ? rowsOf(img) : img;
  const colorType = rows.channels === 1 ? 0 : rows.channels === 3 ? 2 : 6;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(rows.width, 0);
  ihdr.writeUInt32BE(rows.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // compression, filter, interlace
  const stride = rows.width * rows.channels;
  if (!scratch || scratch.stride !== stride || scratch.height !== rows.height) {
    scratch = { filtered: Buffer.alloc((stride + 1) * rows.height), dirty: new Uint8Array(rows.height), stride, height: rows.height };
  }
  const { filtered, dirty } = scratch;
  // A row equal to the one above is filter type Up (2) and all zeros, so nothing is copied for it.
  let above: Uint8Array | null = null;
  for (let y = 0; y < rows.height; y++) {
    const row = rows.row(y);
    const at = y * (stride + 1);
    if (above && sameBytes(row, above)) {
      filtered[at] = 2;
      if (dirty[y]) filtered.fill(0, at + 1, at + 1 + stride);
      dirty[y] = 0;
    } else {
      filtered[at] = 0; // filter type None
      filtered.set(row, at + 1);
      dirty[y] = 1;
    }
    above = row;
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    // The fastest level, run-length matching only: a generated frame is bands of equal rows (Up-filtered to
    // zeros) of one colour, which this packs some 400:1 at a fraction of the default level's CPU (renders of
    // full-HD frames were a good part of the test suite's).
    chunk('IDAT', zlib.deflateSync(filtered, { level: zlib.constants.Z_BEST_SPEED, strategy: zlib.constants.Z_RLE })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Uncompressed TGA (type 2 true colour, or type 3 grayscale), stored top to bottom. */
export function encodeTga(img: RawImage): Buffer {
  const header = Buffer.alloc(18);
  header[2] = img.channels === 1 ? 3 : 2;
  header.writeUInt16LE(img.width, 12);
  header.writeUInt16LE(img.height, 14);
  header[16] = img.channels * 8;
  header[17] = (img.channels === 4 ? 8 : 0) | 0x20; // alpha bits, top-left origin
  const body = Buffer.from(img.pixels);
  if (img.channels >= 3) {
    for (let i = 0; i < body.length; i += img.channels) {
      const r = body[i]!;
      body[i] = body[i + 2]!;
      body[i + 2] = r; // TGA stores BGR(A)
    }
  }
  return Buffer.concat([header, body]);
}

/** HSV (h in degrees, s and v in 0..1) to 8-bit RGB. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const c = v * s;
  const hp = ((h % 360) + 360) % 360 / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = v - c;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/**
 * A generated frame: a background colour that changes with the frame number and a lighter bar whose
 * position shows progress through the range, so every frame differs and a contact sheet reads as motion.
 * Given as rows (two distinct arrays): a full-HD frame is never laid out whole for the PNG encoder.
 */
export function frameRows(width: number, height: number, channels: Channels, frame: number, progress: number): RowImage {
  const [r, g, b] = hsvToRgb(frame * 37, 0.55, 0.75);
  const [br, bg, bb] = hsvToRgb(frame * 37, 0.2, 1);
  const gray = (rr: number, gg: number, bbb: number): number => Math.round(0.299 * rr + 0.587 * gg + 0.114 * bbb);
  const px = (rr: number, gg: number, bbb: number): number[] =>
    channels === 1 ? [gray(rr, gg, bbb)] : channels === 3 ? [rr, gg, bbb] : [rr, gg, bbb, 255];
  const bg1 = px(r, g, b);
  const bar = px(br, bg, bb);
  const stride = width * channels;
  const plain = new Uint8Array(stride);
  for (let x = 0; x < width; x++) plain.set(bg1, x * channels);
  const barRow = plain.slice();
  const barWidth = Math.max(1, Math.round(width / 20));
  const barX = Math.min(width - barWidth, Math.round(progress * (width - barWidth)));
  for (let x = barX; x < barX + barWidth; x++) barRow.set(bar, x * channels);
  return { width, height, channels, row: (y) => (y >= height / 3 && y < (2 * height) / 3 ? barRow : plain) };
}

/** frameRows laid out as one pixel buffer. */
export function frameImage(width: number, height: number, channels: Channels, frame: number, progress: number): RawImage {
  const rows = frameRows(width, height, channels, frame, progress);
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) pixels.set(rows.row(y), y * stride);
  return { width, height, channels, pixels };
}
