/**
 * What a media file is, from its header bytes (never its extension): PNG, JPEG, TIFF, OpenEXR, PSD/PSB
 * images with their size; WAV, AIFF/AIFC, MP3 sounds with their format; Harmony palettes (.plt). Only the
 * header is read (a few KiB; JPEG segments are walked until the frame header). A file whose header does not
 * decode is `unknown`, with the reason.
 */
import fs from 'node:fs';

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'exr' | 'psd';
export type AudioFormat = 'wav' | 'aiff' | 'mp3';

export type Identified =
  | { kind: 'image'; format: ImageFormat; width: number; height: number }
  | { kind: 'audio'; format: AudioFormat; channels: number; sampleRate: number; seconds: number | null }
  | { kind: 'palette'; format: 'plt' }
  | { kind: 'unknown'; reason: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads `len` bytes at `pos` (fewer at the end of the file). */
export type HeadReader = (pos: number, len: number) => Buffer;
type Reader = HeadReader;

function unknown(reason: string): Identified {
  return { kind: 'unknown', reason };
}

function png(b: Buffer): Identified {
  if (b.length < 33) return unknown('a PNG signature but no IHDR chunk (cut short)');
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') return unknown('a PNG signature but no IHDR chunk first');
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const depth = b[24]!;
  const color = b[25]!;
  if (!width || !height || ![1, 2, 4, 8, 16].includes(depth) || ![0, 2, 3, 4, 6].includes(color)) return unknown('a PNG whose IHDR does not decode');
  return { kind: 'image', format: 'png', width, height };
}

function jpeg(read: Reader, size: number): Identified {
  let pos = 2;
  for (let guard = 0; guard < 1000 && pos + 4 <= size; guard++) {
    const head = read(pos, 4);
    if (head[0] !== 0xff) return unknown(`a JPEG whose segment at byte ${pos} does not start with a marker`);
    const marker = head[1]!;
    if (marker === 0xff) { pos++; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { pos += 2; continue; }
    if (marker === 0xd9 || marker === 0xda) return unknown('a JPEG without a frame header before its image data');
    const len = head.readUInt16BE(2);
    if (len < 2) return unknown('a JPEG with a segment length below 2');
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      const sof = read(pos + 4, 6);
      if (sof.length < 6) return unknown('a JPEG frame header cut short');
      const height = sof.readUInt16BE(1);
      const width = sof.readUInt16BE(3);
      if (!width || !sof[5]) return unknown('a JPEG frame header with no width or components');
      return { kind: 'image', format: 'jpeg', width, height };
    }
    pos += 2 + len;
  }
  return unknown('a JPEG without a frame header');
}

function tiff(read: Reader, b: Buffer, size: number): Identified {
  const le = b[0] === 0x49;
  const u16 = (x: Buffer, o: number) => (le ? x.readUInt16LE(o) : x.readUInt16BE(o));
  const u32 = (x: Buffer, o: number) => (le ? x.readUInt32LE(o) : x.readUInt32BE(o));
  const magic = u16(b, 2);
  if (magic === 43) return { kind: 'image', format: 'tiff', width: 0, height: 0 }; // BigTIFF: signature only
  const ifd = u32(b, 4);
  if (ifd < 8 || ifd + 2 > size) return unknown('a TIFF whose first directory is outside the file');
  const count = u16(read(ifd, 2), 0);
  if (!count) return unknown('a TIFF with an empty first directory');
  const entries = read(ifd + 2, count * 12);
  let width = 0;
  let height = 0;
  for (let i = 0; i + 12 <= entries.length; i += 12) {
    const tag = u16(entries, i);
    const type = u16(entries, i + 2);
    const value = type === 3 ? u16(entries, i + 8) : u32(entries, i + 8);
    if (tag === 256) width = value;
    if (tag === 257) height = value;
  }
  if (!width || !height) return unknown('a TIFF without ImageWidth/ImageLength');
  return { kind: 'image', format: 'tiff', width, height };
}

function exr(b: Buffer): Identified {
  let pos = 8;
  while (pos < b.length) {
    const nameEnd = b.indexOf(0, pos);
    if (nameEnd < 0) break;
    if (nameEnd === pos) break; // end of header
    const name = b.toString('latin1', pos, nameEnd);
    const typeEnd = b.indexOf(0, nameEnd + 1);
    if (typeEnd < 0 || typeEnd + 4 > b.length) break;
    const type = b.toString('latin1', nameEnd + 1, typeEnd);
    const len = b.readInt32LE(typeEnd + 1);
    const value = typeEnd + 5;
    if (len < 0 || value + len > b.length) break;
    if (name === 'dataWindow' && type === 'box2i' && len === 16) {
      const width = b.readInt32LE(value + 8) - b.readInt32LE(value) + 1;
      const height = b.readInt32LE(value + 12) - b.readInt32LE(value + 4) + 1;
      if (width > 0 && height > 0) return { kind: 'image', format: 'exr', width, height };
      return unknown('an OpenEXR with an empty data window');
    }
    pos = value + len;
  }
  return unknown('an OpenEXR header without a dataWindow');
}

function psd(b: Buffer): Identified {
  if (b.length < 26) return unknown('a PSD header cut short');
  const version = b.readUInt16BE(4);
  if (version !== 1 && version !== 2) return unknown(`a PSD of unknown version ${version}`);
  const channels = b.readUInt16BE(12);
  const height = b.readUInt32BE(14);
  const width = b.readUInt32BE(18);
  const depth = b.readUInt16BE(22);
  if (!channels || channels > 56 || !width || !height || ![1, 8, 16, 32].includes(depth)) return unknown('a PSD header that does not decode');
  return { kind: 'image', format: 'psd', width, height };
}

function wav(b: Buffer): Identified {
  let pos = 12;
  let fmt: { channels: number; sampleRate: number; byteRate: number } | null = null;
  while (pos + 8 <= b.length) {
    const id = b.toString('latin1', pos, pos + 4);
    const len = b.readUInt32LE(pos + 4);
    if (id === 'fmt ' && pos + 24 <= b.length) {
      fmt = { channels: b.readUInt16LE(pos + 10), sampleRate: b.readUInt32LE(pos + 12), byteRate: b.readUInt32LE(pos + 16) };
      if (!fmt.channels || !fmt.sampleRate) return unknown('a WAV whose fmt chunk does not decode');
    } else if (id === 'data') {
      if (!fmt) return unknown('a WAV with data before its fmt chunk');
      return { kind: 'audio', format: 'wav', channels: fmt.channels, sampleRate: fmt.sampleRate, seconds: fmt.byteRate ? len / fmt.byteRate : null };
    }
    pos += 8 + len + (len & 1);
  }
  return fmt ? { kind: 'audio', format: 'wav', channels: fmt.channels, sampleRate: fmt.sampleRate, seconds: null } : unknown('a WAV without a fmt chunk');
}

/** 80-bit IEEE extended (AIFF's sample rate). */
function extended(b: Buffer, o: number): number {
  const exp = b.readUInt16BE(o) & 0x7fff;
  const hi = b.readUInt32BE(o + 2);
  const lo = b.readUInt32BE(o + 6);
  if (exp === 0 && hi === 0 && lo === 0) return 0;
  return (hi * 2 ** 32 + lo) * 2 ** (exp - 16383 - 63);
}

function aiff(b: Buffer): Identified {
  let pos = 12;
  while (pos + 8 <= b.length) {
    const id = b.toString('latin1', pos, pos + 4);
    const len = b.readUInt32BE(pos + 4);
    if (id === 'COMM' && pos + 26 <= b.length) {
      const channels = b.readUInt16BE(pos + 8);
      const frames = b.readUInt32BE(pos + 10);
      const sampleRate = extended(b, pos + 16);
      if (!channels || !(sampleRate > 0)) return unknown('an AIFF whose COMM chunk does not decode');
      return { kind: 'audio', format: 'aiff', channels, sampleRate: Math.round(sampleRate), seconds: frames / sampleRate };
    }
    pos += 8 + len + (len & 1);
  }
  return unknown('an AIFF without a COMM chunk');
}

const MP3_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

function mp3(read: Reader, b: Buffer): Identified {
  let pos = 0;
  if (b.toString('latin1', 0, 3) === 'ID3') {
    if (b.length < 10) return unknown('an ID3 tag cut short');
    // Syncsafe size: 7 bits per byte.
    pos = 10 + ((b[6]! & 0x7f) << 21 | (b[7]! & 0x7f) << 14 | (b[8]! & 0x7f) << 7 | (b[9]! & 0x7f)) + ((b[5]! & 0x10) ? 10 : 0);
  }
  const h = read(pos, 4);
  if (h.length < 4 || h[0] !== 0xff || (h[1]! & 0xe0) !== 0xe0) return unknown(pos ? 'an ID3 tag not followed by an MPEG audio frame' : 'not an MPEG audio frame');
  const version = (h[1]! >> 3) & 3;
  const layer = (h[1]! >> 1) & 3;
  const bitrate = h[2]! >> 4;
  const rate = (h[2]! >> 2) & 3;
  if (version === 1 || layer === 0 || bitrate === 15 || bitrate === 0 || rate === 3) return unknown('an MPEG audio frame header that does not decode');
  const channels = (h[3]! >> 6) === 3 ? 1 : 2;
  return { kind: 'audio', format: 'mp3', channels, sampleRate: MP3_RATES[version]![rate]!, seconds: null };
}

/** Bytes the header checks look at first; JPEG segments and TIFF directories beyond them are read with `read`. */
export const HEAD_BYTES = 64 * 1024;

/**
 * Identifies a file of `size` bytes from `head` (its first bytes, up to HEAD_BYTES or the whole file) and, for the
 * formats whose header can lie further in (JPEG segments, a TIFF directory), `read` for the bytes beyond.
 */
export function identifyHead(head: Buffer, size: number, read: HeadReader): Identified {
  if (size === 0) return unknown('it is empty (0 bytes)');
  const b = head.length > HEAD_BYTES ? head.subarray(0, HEAD_BYTES) : head;
  const within: HeadReader = (pos, len) => (pos + len <= head.length ? head.subarray(pos, pos + len) : read(pos, len));
  const magic = b.subarray(0, 16);
  if (magic.length < 4) return unknown(`its ${size} byte(s) are too few for any image or sound header`);
  if (magic.subarray(0, 8).equals(PNG_SIGNATURE)) return png(b);
  if (magic[0] === 0xff && magic[1] === 0xd8 && magic[2] === 0xff) return jpeg(within, size);
  if (magic.length >= 8 && ((magic[0] === 0x49 && magic[1] === 0x49 && magic[2] === 42 && magic[3] === 0) || (magic[0] === 0x4d && magic[1] === 0x4d && magic[2] === 0 && (magic[3] === 42 || magic[3] === 43)) || (magic[0] === 0x49 && magic[1] === 0x49 && magic[2] === 43))) return tiff(within, b, size);
  if (magic.readUInt32LE(0) === 20000630) return exr(b);
  if (magic.toString('latin1', 0, 4) === '8BPS') return psd(b);
  if (magic.toString('latin1', 0, 4) === 'RIFF' && magic.toString('latin1', 8, 12) === 'WAVE') return wav(b);
  if (magic.toString('latin1', 0, 4) === 'FORM' && ['AIFF', 'AIFC'].includes(magic.toString('latin1', 8, 12))) return aiff(b);
  if (b.toString('latin1', 0, 32).startsWith('ToonBoomAnimationInc PaletteFile')) return { kind: 'palette', format: 'plt' };
  if (magic.toString('latin1', 0, 3) === 'ID3' || (magic[0] === 0xff && (magic[1]! & 0xe0) === 0xe0)) return mp3(within, b);
  return unknown('its first bytes are not a PNG, JPEG, TIFF, OpenEXR, PSD, WAV, AIFF, MP3 or Harmony palette header');
}

/** A reader of an open file descriptor of `size` bytes (positional reads; short at the end). */
export function fdReader(fd: number, size: number): HeadReader {
  return (pos, len) => {
    const buf = Buffer.alloc(Math.max(0, Math.min(len, size - pos)));
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, pos + got);
      if (n === 0) return buf.subarray(0, got);
      got += n;
    }
    return buf;
  };
}

/** Identifies a file from its header (synchronous: worker threads and small checks). Throws only when the file cannot be read. */
export function identifyFileSync(file: string): Identified {
  const fd = fs.openSync(file, 'r');
  try {
    const { size } = fs.fstatSync(fd);
    const read = fdReader(fd, size);
    return identifyHead(read(0, HEAD_BYTES), size, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** Identifies a file from its header. Throws only when the file cannot be read. */
export async function identifyFile(file: string): Promise<Identified> {
  return identifyFileSync(file);
}

/** The format a file's extension promises (lower case), or null. */
export function formatOfExtension(file: string): ImageFormat | AudioFormat | 'plt' | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  const map: Record<string, ImageFormat | AudioFormat | 'plt'> = {
    png: 'png', jpg: 'jpeg', jpeg: 'jpeg', tif: 'tiff', tiff: 'tiff', exr: 'exr', psd: 'psd', psb: 'psd',
    wav: 'wav', wave: 'wav', aif: 'aiff', aiff: 'aiff', aifc: 'aiff', mp3: 'mp3', plt: 'plt',
  };
  return map[ext] ?? null;
}
