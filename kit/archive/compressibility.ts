/**
 * Deciding per file, cheaply, whether deflate is worth its time. Deflating data that is already compressed
 * (PNG, audio/video codecs, random-looking binary) runs at ~45 MB/s and saves nothing, so such files are STORED.
 * Two checks: a list of extensions that are always compressed, then for everything else a statistical look at
 * a small sample (order-0 entropy plus a count of repeated 4-byte sequences, which catches LZ redundancy that
 * entropy alone misses). Costs ~50 µs per file, against ~1 ms to deflate 40 KiB.
 */

const COMPRESSED_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'heic', 'heif', 'jxl', 'jp2', 'j2k',
  'mp3', 'm4a', 'aac', 'ogg', 'oga', 'opus', 'flac', 'wma',
  'mp4', 'm4v', 'mov', 'avi', 'mkv', 'webm', 'wmv', 'flv', 'mpg', 'mpeg',
  'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'lz4', 'br', 'sz',
]);

/** True when the file name's extension says the content is already compressed. */
export function hasCompressedExtension(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0 || dot === fileName.length - 1) return false;
  return COMPRESSED_EXTENSIONS.has(fileName.slice(dot + 1).toLowerCase());
}

/** Bytes the sampler looks at: up to three slices of this size (start, middle, end). */
export const SAMPLE_SLICE = 4096;

/** Offsets of the sample slices for a file of `size` bytes (the whole file when it is small). */
export function sampleRanges(size: number): Array<[start: number, length: number]> {
  if (size <= 3 * SAMPLE_SLICE) return [[0, size]];
  const middle = Math.floor(size / 2 - SAMPLE_SLICE / 2);
  return [[0, SAMPLE_SLICE], [middle, SAMPLE_SLICE], [size - SAMPLE_SLICE, SAMPLE_SLICE]];
}

const histogram = new Uint32Array(256);
const HASH_BITS = 13;
const hashTable = new Int32Array(1 << HASH_BITS);

/**
 * True when the sample looks incompressible: its byte entropy is close to 8 bits/byte and it holds (almost)
 * no repeated 4-byte sequences. Samples under 1 KiB are never judged incompressible.
 */
export function looksIncompressible(slices: Uint8Array[]): boolean {
  let n = 0;
  for (const s of slices) n += s.length;
  if (n < 1024) return false;
  histogram.fill(0);
  for (const s of slices) for (let i = 0; i < s.length; i++) histogram[s[i]!]!++;
  let entropy = 0;
  for (let i = 0; i < 256; i++) {
    const c = histogram[i]!;
    if (c) { const p = c / n; entropy -= p * Math.log2(p); }
  }
  // Order-0 entropy >= 7.8 bits/byte caps what Huffman coding can gain at 2.5% (already-deflated data shows
  // ~7.85-7.99); a uniform random sample of n bytes reads about 255 / (2 n ln 2) low, so allow for that.
  const threshold = 7.8 - 255 / (2 * n * Math.LN2);
  if (entropy < threshold) return false;

  hashTable.fill(-1);
  let repeats = 0;
  for (const s of slices) {
    for (let i = 0; i + 4 <= s.length; i++) {
      const v = (s[i]! | (s[i + 1]! << 8) | (s[i + 2]! << 16) | (s[i + 3]! << 24)) | 0;
      const h = Math.imul(v, 0x9e3779b1) >>> (32 - HASH_BITS);
      if (hashTable[h] === v) repeats++;
      else hashTable[h] = v;
    }
  }
  // Random data repeats a 4-byte sequence about n^2 / 2^33 times (~0.02 for 12 KiB); 0.5% means real redundancy.
  return repeats < n * 0.005;
}
