/**
 * A baseline JPEG (JFIF, YCbCr 4:2:0, the example quantisation and Huffman tables of ITU T.81 Annex K) of an
 * 8-bit RGB image: what a thumbnail needs, made in-process in a few milliseconds instead of starting ffmpeg.
 */
import type { RgbImage } from './png-decode.ts';

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

// Annex K.1 (natural order).
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
  ...new Array(32).fill(99),
];

// Annex K.3: code counts per length (1..16) and the symbols in code order.
const DC_LUMA = { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHROMA = { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUMA = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
    0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
    0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
    0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
    0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};
const AC_CHROMA = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
    0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
    0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
    0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
    0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
    0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};

type Table = { counts: number[]; symbols: number[] };
/** The canonical codes of T.81 Annex C, by symbol: code and length. */
interface Codes { code: Uint16Array; len: Uint8Array }
function codes(t: Table): Codes {
  const out: Codes = { code: new Uint16Array(256), len: new Uint8Array(256) };
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < t.counts[len - 1]!; i++) {
      const sym = t.symbols[k++]!;
      out.code[sym] = code++;
      out.len[sym] = len;
    }
    code <<= 1;
  }
  return out;
}

const TABLES = { dcLuma: codes(DC_LUMA), acLuma: codes(AC_LUMA), dcChroma: codes(DC_CHROMA), acChroma: codes(AC_CHROMA) };

/** The IJG scaling of a quantisation table to a quality of 1..100. */
function scaled(table: number[], quality: number): number[] {
  const q = Math.min(100, Math.max(1, quality));
  const factor = q < 50 ? 5000 / q : 200 - q * 2;
  return table.map((v) => Math.min(255, Math.max(1, Math.floor((v * factor + 50) / 100))));
}

/** Entropy-coded bits, with the 0xFF byte stuffing of T.81. */
class BitWriter {
  private buf = new Uint8Array(1 << 16);
  private at = 0;
  private acc = 0;
  private n = 0;
  write(code: number, len: number): void {
    this.acc = (this.acc << len) | (code & ((1 << len) - 1));
    this.n += len;
    while (this.n >= 8) {
      this.n -= 8;
      const byte = (this.acc >>> this.n) & 255;
      if (this.at + 2 > this.buf.length) {
        const bigger = new Uint8Array(this.buf.length * 2);
        bigger.set(this.buf);
        this.buf = bigger;
      }
      this.buf[this.at++] = byte;
      if (byte === 0xff) this.buf[this.at++] = 0;
    }
    this.acc &= (1 << this.n) - 1;
  }
  finish(): Uint8Array {
    if (this.n) this.write((1 << (8 - this.n)) - 1, 8 - this.n); // pad with 1 bits
    return this.buf.subarray(0, this.at);
  }
}

/** The AAN scale factors: the float DCT below gives coefficient(u, v) * AAN[u] * AAN[v] * 8. */
const AAN = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

/** Divisors in zigzag order: quantiser times the AAN scale, so one multiply quantises a coefficient. */
function divisors(q: number[]): Float64Array {
  const out = new Float64Array(64);
  for (let i = 0; i < 64; i++) {
    const n = ZIGZAG[i]!;
    out[i] = 1 / (q[n]! * AAN[n >> 3]! * AAN[n & 7]! * 8);
  }
  return out;
}

/** The 8-point forward DCT of Arai, Agui and Nakajima (unscaled), on d[o], d[o+s], ... d[o+7s]. */
function fdct8(d: Float32Array, o: number, s: number): void {
  const d0 = d[o]!, d1 = d[o + s]!, d2 = d[o + 2 * s]!, d3 = d[o + 3 * s]!, d4 = d[o + 4 * s]!, d5 = d[o + 5 * s]!, d6 = d[o + 6 * s]!, d7 = d[o + 7 * s]!;
  const t0 = d0 + d7, t7 = d0 - d7, t1 = d1 + d6, t6 = d1 - d6, t2 = d2 + d5, t5 = d2 - d5, t3 = d3 + d4, t4 = d3 - d4;
  const t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
  d[o] = t10 + t11;
  d[o + 4 * s] = t10 - t11;
  const z1 = (t12 + t13) * 0.707106781;
  d[o + 2 * s] = t13 + z1;
  d[o + 6 * s] = t13 - z1;
  const o10 = t4 + t5, o11 = t5 + t6, o12 = t6 + t7;
  const z5 = (o10 - o12) * 0.382683433;
  const z2 = 0.5411961 * o10 + z5;
  const z4 = 1.306562965 * o12 + z5;
  const z3 = o11 * 0.707106781;
  const z11 = t7 + z3, z13 = t7 - z3;
  d[o + 5 * s] = z13 + z2;
  d[o + 3 * s] = z13 - z2;
  d[o + s] = z11 + z4;
  d[o + 7 * s] = z11 - z4;
}

function category(v: number): number {
  let a = v < 0 ? -v : v;
  let n = 0;
  while (a) { n++; a >>= 1; }
  return n;
}

/** DCT, quantisation and Huffman coding of one 8x8 block (level-shifted samples in `block`); returns its DC. */
function encodeBlock(w: BitWriter, block: Float32Array, div: Float64Array, prevDc: number, dc: Codes, ac: Codes, z: Int32Array): number {
  for (let r = 0; r < 64; r += 8) fdct8(block, r, 1);
  for (let c = 0; c < 8; c++) fdct8(block, c, 8);
  for (let i = 0; i < 64; i++) z[i] = Math.round(block[ZIGZAG[i]!]! * div[i]!);
  const diff = z[0]! - prevDc;
  const dcCat = category(diff);
  w.write(dc.code[dcCat]!, dc.len[dcCat]!);
  if (dcCat) w.write(diff < 0 ? diff + (1 << dcCat) - 1 : diff, dcCat);
  let run = 0;
  for (let i = 1; i < 64; i++) {
    const v = z[i]!;
    if (v === 0) { run++; continue; }
    while (run > 15) { w.write(ac.code[0xf0]!, ac.len[0xf0]!); run -= 16; }
    const cat = category(v);
    const sym = (run << 4) | cat;
    w.write(ac.code[sym]!, ac.len[sym]!);
    w.write(v < 0 ? v + (1 << cat) - 1 : v, cat);
    run = 0;
  }
  if (run) w.write(ac.code[0]!, ac.len[0]!);
  return z[0]!;
}

function marker(code: number, body: number[]): number[] {
  return [0xff, code, (body.length + 2) >> 8, (body.length + 2) & 255, ...body];
}

/** Runs a step generator to its end at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export function encodeJpeg(img: RgbImage, quality = 85): Buffer {
  return runSteps(encodeJpegSteps(img, quality));
}

/** encodeJpeg in steps (one per row of 16x16 blocks), so a caller may let other work run in between. */
export function* encodeJpegSteps(img: RgbImage, quality = 85): Generator<void, Buffer> {
  const { width, height, rgb } = img;
  const lq = scaled(LUMA_Q, quality);
  const cq = scaled(CHROMA_Q, quality);
  // Planes padded to whole 16x16 MCUs by repeating the last row and column.
  const pw = Math.ceil(width / 16) * 16;
  const ph = Math.ceil(height / 16) * 16;
  const cw = pw / 2;
  const Y = new Float32Array(pw * ph);
  const Cb = new Float32Array(cw * (ph / 2));
  const Cr = new Float32Array(cw * (ph / 2));
  // Y per pixel; Cb and Cr summed over each 2x2 (4:2:0), a quarter of each pixel's share.
  for (let y = 0; y < ph; y++) {
    const src = (y < height ? y : height - 1) * width * 3;
    const yRow = y * pw;
    const cRow = (y >> 1) * cw;
    for (let x = 0; x < pw; x++) {
      const o = src + (x < width ? x : width - 1) * 3;
      const r = rgb[o]!, g = rgb[o + 1]!, b = rgb[o + 2]!;
      Y[yRow + x] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
      const c = cRow + (x >> 1);
      Cb[c]! += (-0.168736 * r - 0.331264 * g + 0.5 * b) / 4;
      Cr[c]! += (0.5 * r - 0.418688 * g - 0.081312 * b) / 4;
    }
    if ((y & 63) === 63) yield;
  }
  const w = new BitWriter();
  const block = new Float32Array(64);
  const z = new Int32Array(64);
  const ld = divisors(lq), cd = divisors(cq);
  const take = (plane: Float32Array, stride: number, bx: number, by: number) => {
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) block[y * 8 + x] = plane[(by + y) * stride + bx + x]!;
    return block;
  };
  let dcY = 0, dcCb = 0, dcCr = 0;
  for (let my = 0; my < ph; my += 16) {
    for (let mx = 0; mx < pw; mx += 16) {
      dcY = encodeBlock(w, take(Y, pw, mx, my), ld, dcY, TABLES.dcLuma, TABLES.acLuma, z);
      dcY = encodeBlock(w, take(Y, pw, mx + 8, my), ld, dcY, TABLES.dcLuma, TABLES.acLuma, z);
      dcY = encodeBlock(w, take(Y, pw, mx, my + 8), ld, dcY, TABLES.dcLuma, TABLES.acLuma, z);
      dcY = encodeBlock(w, take(Y, pw, mx + 8, my + 8), ld, dcY, TABLES.dcLuma, TABLES.acLuma, z);
      dcCb = encodeBlock(w, take(Cb, cw, mx / 2, my / 2), cd, dcCb, TABLES.dcChroma, TABLES.acChroma, z);
      dcCr = encodeBlock(w, take(Cr, cw, mx / 2, my / 2), cd, dcCr, TABLES.dcChroma, TABLES.acChroma, z);
    }
    yield;
  }
  const dht = (cls: number, id: number, t: Table) => [(cls << 4) | id, ...t.counts, ...t.symbols];
  const head = Buffer.from([
    0xff, 0xd8,
    ...marker(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...marker(0xdb, [0, ...ZIGZAG.map((i) => lq[i]!), 1, ...ZIGZAG.map((i) => cq[i]!)]),
    ...marker(0xc0, [8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
    ...marker(0xc4, [...dht(0, 0, DC_LUMA), ...dht(1, 0, AC_LUMA), ...dht(0, 1, DC_CHROMA), ...dht(1, 1, AC_CHROMA)]),
    ...marker(0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]),
  ]);
  return Buffer.concat([head, w.finish(), Buffer.from([0xff, 0xd9])]);
}
