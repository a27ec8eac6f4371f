/**
 * Byte layout of the zip records this engine writes and reads (PKWARE APPNOTE 6.3): local file headers,
 * central directory records, the end-of-central-directory record and its ZIP64 variants.
 * Pure functions over Buffers, shared by the main thread and the archive worker.
 */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;

export const EXTRA_ZIP64 = 0x0001;
export const EXTRA_UNIX_TIME = 0x5455;
export const EXTRA_UNICODE_PATH = 0x7075;

export const MAX_U16 = 0xffff;
export const MAX_U32 = 0xffffffff;

/** Version made by: upper byte 3 = UNIX (so readers honour the mode in the external attributes), spec 4.5. */
export const VERSION_MADE_BY = (3 << 8) | 45;
const VERSION_NEEDED_DEFAULT = 20;
const VERSION_NEEDED_ZIP64 = 45;

/** Size of the extended-timestamp extra field we write (tag, size, flags, mtime). */
const UT_EXTRA_SIZE = 9;
/** Size of the ZIP64 extra in a local header: tag, size, uncompressed, compressed. */
const ZIP64_LOCAL_EXTRA_SIZE = 20;

/** What the writer knows about one entry; enough for its local header and its central record. */
export interface EntryRecord {
  nameBytes: Uint8Array;
  isDirectory: boolean;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Unix mode including the file type bits (0o100644, 0o040755...). */
  mode: number;
  mtimeMs: number;
  /** The local header carries a ZIP64 extra (sizes in the header are then 0xFFFFFFFF). */
  zip64Local: boolean;
  /** Offset of the local header in the archive; set when the entry is written. */
  localOffset: number;
}

export function dosDateTime(mtimeMs: number): { date: number; time: number } {
  const d = new Date(Number.isFinite(mtimeMs) ? mtimeMs : 0);
  let year = d.getFullYear();
  if (year < 1980) return { date: (0 << 9) | (1 << 5) | 1, time: 0 };
  if (year > 2107) year = 2107;
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
  };
}

export function dosToDate(date: number, time: number): Date {
  const year = ((date >> 9) & 0x7f) + 1980;
  const month = Math.max(1, (date >> 5) & 0x0f) - 1;
  const day = Math.max(1, date & 0x1f);
  return new Date(year, month, day, (time >> 11) & 0x1f, (time >> 5) & 0x3f, (time & 0x1f) * 2);
}

function unixSeconds(mtimeMs: number): number {
  const s = Math.floor(mtimeMs / 1000);
  return Number.isFinite(s) ? Math.min(Math.max(s, 0), 0x7fffffff) : 0;
}

export function localHeaderLength(nameLength: number, zip64: boolean): number {
  return LOCAL_HEADER_SIZE + nameLength + UT_EXTRA_SIZE + (zip64 ? ZIP64_LOCAL_EXTRA_SIZE : 0);
}

/** Writes a local file header at `at`; returns its length. With zip64 the sizes go in the ZIP64 extra. */
export function writeLocalHeader(buf: Buffer, at: number, e: EntryRecord): number {
  const dos = dosDateTime(e.mtimeMs);
  buf.writeUInt32LE(SIG_LOCAL, at);
  buf.writeUInt16LE(e.zip64Local ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED_DEFAULT, at + 4);
  buf.writeUInt16LE(FLAG_UTF8, at + 6);
  buf.writeUInt16LE(e.method, at + 8);
  buf.writeUInt16LE(dos.time, at + 10);
  buf.writeUInt16LE(dos.date, at + 12);
  buf.writeUInt32LE(e.crc32 >>> 0, at + 14);
  buf.writeUInt32LE(e.zip64Local ? MAX_U32 : e.compressedSize, at + 18);
  buf.writeUInt32LE(e.zip64Local ? MAX_U32 : e.size, at + 22);
  buf.writeUInt16LE(e.nameBytes.length, at + 26);
  buf.writeUInt16LE(UT_EXTRA_SIZE + (e.zip64Local ? ZIP64_LOCAL_EXTRA_SIZE : 0), at + 28);
  let p = at + LOCAL_HEADER_SIZE;
  buf.set(e.nameBytes, p);
  p += e.nameBytes.length;
  p = writeUnixTimeExtra(buf, p, e.mtimeMs);
  if (e.zip64Local) {
    buf.writeUInt16LE(EXTRA_ZIP64, p);
    buf.writeUInt16LE(16, p + 2);
    buf.writeBigUInt64LE(BigInt(e.size), p + 4);
    buf.writeBigUInt64LE(BigInt(e.compressedSize), p + 12);
    p += ZIP64_LOCAL_EXTRA_SIZE;
  }
  return p - at;
}

/** Rewrites crc and sizes of a local header already written with placeholders (entries streamed in chunks). */
export function patchLocalHeaderSizes(header: Buffer, e: EntryRecord): void {
  header.writeUInt32LE(e.crc32 >>> 0, 14);
  if (e.zip64Local) {
    const zip64At = LOCAL_HEADER_SIZE + e.nameBytes.length + UT_EXTRA_SIZE;
    header.writeBigUInt64LE(BigInt(e.size), zip64At + 4);
    header.writeBigUInt64LE(BigInt(e.compressedSize), zip64At + 12);
  } else {
    header.writeUInt32LE(e.compressedSize, 18);
    header.writeUInt32LE(e.size, 22);
  }
}

function writeUnixTimeExtra(buf: Buffer, p: number, mtimeMs: number): number {
  buf.writeUInt16LE(EXTRA_UNIX_TIME, p);
  buf.writeUInt16LE(5, p + 2);
  buf.writeUInt8(1, p + 4); // flags: modification time present
  buf.writeUInt32LE(unixSeconds(mtimeMs), p + 5);
  return p + UT_EXTRA_SIZE;
}

function centralZip64Fields(e: EntryRecord): { size: boolean; compressed: boolean; offset: boolean } {
  const sizes = e.zip64Local || e.size >= MAX_U32 || e.compressedSize >= MAX_U32;
  return { size: sizes, compressed: sizes, offset: e.localOffset >= MAX_U32 };
}

export function centralRecordLength(e: EntryRecord): number {
  const z = centralZip64Fields(e);
  const n = (z.size ? 8 : 0) + (z.compressed ? 8 : 0) + (z.offset ? 8 : 0);
  return CENTRAL_HEADER_SIZE + e.nameBytes.length + UT_EXTRA_SIZE + (n ? 4 + n : 0);
}

export function writeCentralRecord(buf: Buffer, at: number, e: EntryRecord): number {
  const z = centralZip64Fields(e);
  const zip64Len = (z.size ? 8 : 0) + (z.compressed ? 8 : 0) + (z.offset ? 8 : 0);
  const dos = dosDateTime(e.mtimeMs);
  const dosAttrs = e.isDirectory ? 0x10 : 0;
  buf.writeUInt32LE(SIG_CENTRAL, at);
  buf.writeUInt16LE(VERSION_MADE_BY, at + 4);
  buf.writeUInt16LE(zip64Len || e.zip64Local ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED_DEFAULT, at + 6);
  buf.writeUInt16LE(FLAG_UTF8, at + 8);
  buf.writeUInt16LE(e.method, at + 10);
  buf.writeUInt16LE(dos.time, at + 12);
  buf.writeUInt16LE(dos.date, at + 14);
  buf.writeUInt32LE(e.crc32 >>> 0, at + 16);
  buf.writeUInt32LE(z.compressed ? MAX_U32 : e.compressedSize, at + 20);
  buf.writeUInt32LE(z.size ? MAX_U32 : e.size, at + 24);
  buf.writeUInt16LE(e.nameBytes.length, at + 28);
  buf.writeUInt16LE(UT_EXTRA_SIZE + (zip64Len ? 4 + zip64Len : 0), at + 30);
  buf.writeUInt16LE(0, at + 32); // comment length
  buf.writeUInt16LE(0, at + 34); // disk number start
  buf.writeUInt16LE(0, at + 36); // internal attributes
  buf.writeUInt32LE((((e.mode & 0xffff) << 16) | dosAttrs) >>> 0, at + 38);
  buf.writeUInt32LE(z.offset ? MAX_U32 : e.localOffset, at + 42);
  let p = at + CENTRAL_HEADER_SIZE;
  buf.set(e.nameBytes, p);
  p += e.nameBytes.length;
  p = writeUnixTimeExtra(buf, p, e.mtimeMs);
  if (zip64Len) {
    buf.writeUInt16LE(EXTRA_ZIP64, p);
    buf.writeUInt16LE(zip64Len, p + 2);
    p += 4;
    if (z.size) { buf.writeBigUInt64LE(BigInt(e.size), p); p += 8; }
    if (z.compressed) { buf.writeBigUInt64LE(BigInt(e.compressedSize), p); p += 8; }
    if (z.offset) { buf.writeBigUInt64LE(BigInt(e.localOffset), p); p += 8; }
  }
  return p - at;
}

/**
 * The records after the central directory: a ZIP64 end record and locator when any count or offset
 * overflows (or when forced), then the classic end-of-central-directory record.
 */
export function buildEndRecords(entryCount: number, cdOffset: number, cdSize: number, forceZip64: boolean): Buffer {
  const zip64 = forceZip64 || entryCount >= MAX_U16 || cdOffset >= MAX_U32 || cdSize >= MAX_U32;
  const buf = Buffer.alloc((zip64 ? ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE : 0) + EOCD_SIZE);
  let p = 0;
  if (zip64) {
    const zip64EocdOffset = cdOffset + cdSize;
    buf.writeUInt32LE(SIG_ZIP64_EOCD, 0);
    buf.writeBigUInt64LE(BigInt(ZIP64_EOCD_SIZE - 12), 4);
    buf.writeUInt16LE(VERSION_MADE_BY, 12);
    buf.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    buf.writeUInt32LE(0, 16);
    buf.writeUInt32LE(0, 20);
    buf.writeBigUInt64LE(BigInt(entryCount), 24);
    buf.writeBigUInt64LE(BigInt(entryCount), 32);
    buf.writeBigUInt64LE(BigInt(cdSize), 40);
    buf.writeBigUInt64LE(BigInt(cdOffset), 48);
    buf.writeUInt32LE(SIG_ZIP64_LOCATOR, 56);
    buf.writeUInt32LE(0, 60);
    buf.writeBigUInt64LE(BigInt(zip64EocdOffset), 64);
    buf.writeUInt32LE(1, 72);
    p = ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE;
  }
  buf.writeUInt32LE(SIG_EOCD, p);
  buf.writeUInt16LE(0, p + 4);
  buf.writeUInt16LE(0, p + 6);
  buf.writeUInt16LE(Math.min(entryCount, MAX_U16), p + 8);
  buf.writeUInt16LE(Math.min(entryCount, MAX_U16), p + 10);
  buf.writeUInt32LE(Math.min(cdSize, MAX_U32), p + 12);
  buf.writeUInt32LE(Math.min(cdOffset, MAX_U32), p + 16);
  buf.writeUInt16LE(0, p + 20);
  return buf;
}

/** Reads a little-endian u64 as a JS number; throws past 2^53 (no real archive gets there). */
export function readU64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('64-bit zip field exceeds 2^53');
  return Number(v);
}
