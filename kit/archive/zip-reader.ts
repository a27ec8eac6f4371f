/**
 * Reads and checks a zip's end-of-central-directory record (classic and ZIP64) and its central directory.
 * Structural damage (no end record, a directory that does not fit in the file, bad signatures, records that
 * run past their bounds) is reported as ZipCorruptError; encryption, other methods and multi-disk archives as
 * UnsupportedZipError. Entry data is not read here (see the archive worker).
 */
import type { FileHandle } from 'node:fs/promises';
import {
  CENTRAL_HEADER_SIZE, EOCD_SIZE, EXTRA_UNICODE_PATH, EXTRA_UNIX_TIME, EXTRA_ZIP64, FLAG_ENCRYPTED, FLAG_UTF8,
  MAX_U16, MAX_U32, METHOD_DEFLATE, METHOD_STORE, SIG_CENTRAL, SIG_EOCD, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR,
  ZIP64_EOCD_SIZE, ZIP64_LOCATOR_SIZE, dosToDate, readU64,
} from './zip-format.ts';
import { UnsupportedZipError, ZipCorruptError, ZipLimitError } from './errors.ts';
import zlib from 'node:zlib';

export interface CentralEntry {
  /** Position in the central directory. */
  index: number;
  /** Decoded name as stored (directories end with '/'). */
  name: string;
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  versionMadeBy: number;
  externalAttributes: number;
  mtime: Date;
  /** Unix mode with type bits, when the archive was made on a Unix-like system and recorded one. */
  unixMode: number | undefined;
  isDirectory: boolean;
  isSymlink: boolean;
}

export interface ZipDirectory {
  zipPath: string;
  fileSize: number;
  entries: CentralEntry[];
  cdOffset: number;
  cdSize: number;
  /** Where the bytes that may hold entry data end: the start of the central directory. */
  dataEnd: number;
  zip64: boolean;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

// CP437 upper half, the legacy encoding of zip names written without the UTF-8 flag.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀'
  + 'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeCp437(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}

function decodeName(nameBytes: Buffer, flags: number, unicodeExtra: Buffer | undefined, zipPath: string, index: number): string {
  if (flags & FLAG_UTF8) {
    try {
      return utf8Strict.decode(nameBytes);
    } catch {
      throw new ZipCorruptError(`Entry #${index + 1} of ${zipPath} is flagged UTF-8 but its name is not valid UTF-8. `
        + 'The archive is damaged or was written by a faulty tool.', zipPath, nameBytes.toString('latin1'));
    }
  }
  // Info-ZIP Unicode Path extra: version 1, CRC-32 of the header name, UTF-8 name.
  if (unicodeExtra && unicodeExtra.length > 5 && unicodeExtra[0] === 1
    && unicodeExtra.readUInt32LE(1) === zlib.crc32(nameBytes)) {
    try { return utf8Strict.decode(unicodeExtra.subarray(5)); } catch { /* fall through */ }
  }
  // Info-ZIP on Unix stores raw UTF-8 bytes without the flag; legacy Windows tools store CP437.
  try {
    return utf8Strict.decode(nameBytes);
  } catch {
    return decodeCp437(nameBytes);
  }
}

export interface ReadDirectoryOptions {
  /** Refuse (ZipLimitError) before reading a directory that declares more entries than this. */
  maxEntries?: number;
}

export async function readZipDirectory(fh: FileHandle, zipPath: string, opts: ReadDirectoryOptions = {}): Promise<ZipDirectory> {
  const corrupt = (what: string) => new ZipCorruptError(`${zipPath} is not a valid zip archive: ${what}. `
    + 'It may be truncated or damaged; use another copy (a previous version of the workfile).', zipPath);
  const fileSize = (await fh.stat()).size;
  if (fileSize < EOCD_SIZE) throw corrupt(`no end-of-central-directory record (the file is only ${fileSize} bytes)`);

  const tailLength = Math.min(fileSize, EOCD_SIZE + MAX_U16 + ZIP64_LOCATOR_SIZE);
  const tail = await readExactly(fh, fileSize - tailLength, tailLength, corrupt);
  let eocdAt = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tailLength) { eocdAt = i; break; }
  }
  if (eocdAt < 0) throw corrupt('no end-of-central-directory record');
  const eocdOffset = fileSize - tailLength + eocdAt;
  const diskNumber = tail.readUInt16LE(eocdAt + 4);
  const cdDisk = tail.readUInt16LE(eocdAt + 6);
  let entriesOnDisk = tail.readUInt16LE(eocdAt + 8);
  let entryCount = tail.readUInt16LE(eocdAt + 10);
  let cdSize = tail.readUInt32LE(eocdAt + 12);
  let cdOffset = tail.readUInt32LE(eocdAt + 16);
  let zip64 = false;
  let directoryEnd = eocdOffset; // the central directory must end before this

  const locatorAt = eocdAt - ZIP64_LOCATOR_SIZE;
  if (locatorAt >= 0 && tail.readUInt32LE(locatorAt) === SIG_ZIP64_LOCATOR) {
    zip64 = true;
    const zip64EocdOffset = readU64(tail, locatorAt + 8);
    if (zip64EocdOffset + ZIP64_EOCD_SIZE > eocdOffset - ZIP64_LOCATOR_SIZE) throw corrupt('the ZIP64 end record lies outside the file');
    const rec = await readExactly(fh, zip64EocdOffset, ZIP64_EOCD_SIZE, corrupt);
    if (rec.readUInt32LE(0) !== SIG_ZIP64_EOCD) throw corrupt('bad ZIP64 end record signature');
    if (rec.readUInt32LE(16) !== 0 || rec.readUInt32LE(20) !== 0) {
      throw new UnsupportedZipError(`${zipPath} is a multi-part (spanned) archive, which is not supported. Join the parts first.`, zipPath);
    }
    entriesOnDisk = readU64(rec, 24);
    entryCount = readU64(rec, 32);
    cdSize = readU64(rec, 40);
    cdOffset = readU64(rec, 48);
    directoryEnd = zip64EocdOffset;
  } else {
    if (entryCount === MAX_U16 || cdSize === MAX_U32 || cdOffset === MAX_U32) {
      throw corrupt('the end record points to a ZIP64 record that is missing');
    }
    if (diskNumber !== 0 || cdDisk !== 0) {
      throw new UnsupportedZipError(`${zipPath} is a multi-part (spanned) archive, which is not supported. Join the parts first.`, zipPath);
    }
  }
  if (entriesOnDisk !== entryCount) {
    throw new UnsupportedZipError(`${zipPath} is a multi-part (spanned) archive, which is not supported. Join the parts first.`, zipPath);
  }
  if (opts.maxEntries !== undefined && entryCount > opts.maxEntries) {
    throw new ZipLimitError(`${zipPath} holds ${entryCount} entries, more than the limit of ${opts.maxEntries}. `
      + 'Raise maxEntries if this archive is trusted.', zipPath, 'entries');
  }
  if (cdOffset + cdSize > directoryEnd) throw corrupt('the central directory runs past the end of the file (truncated?)');
  if (entryCount * CENTRAL_HEADER_SIZE > cdSize) throw corrupt(`the central directory is too small for ${entryCount} entries`);
  if (cdSize > entryCount * (CENTRAL_HEADER_SIZE + 3 * MAX_U16) + MAX_U16) throw corrupt(`the central directory is too large for ${entryCount} entries`);

  const cd = await readExactly(fh, cdOffset, cdSize, corrupt);
  const entries: CentralEntry[] = [];
  let p = 0;
  for (let index = 0; index < entryCount; index++) {
    if (p + CENTRAL_HEADER_SIZE > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) {
      throw corrupt(`central directory record #${index + 1} is missing or damaged`);
    }
    const versionMadeBy = cd.readUInt16LE(p + 4);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const dosTime = cd.readUInt16LE(p + 12);
    const dosDate = cd.readUInt16LE(p + 14);
    const crc32 = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const diskStart = cd.readUInt16LE(p + 34);
    const externalAttributes = cd.readUInt32LE(p + 38);
    let localOffset = cd.readUInt32LE(p + 42);
    const recordEnd = p + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (recordEnd > cd.length) throw corrupt(`central directory record #${index + 1} runs past the directory`);
    const nameBytes = Buffer.from(cd.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLength));
    const extra = cd.subarray(p + CENTRAL_HEADER_SIZE + nameLength, p + CENTRAL_HEADER_SIZE + nameLength + extraLength);

    let unixSeconds: number | undefined;
    let unicodeExtra: Buffer | undefined;
    let needZip64 = size === MAX_U32 || compressedSize === MAX_U32 || localOffset === MAX_U32 || diskStart === MAX_U16;
    for (let q = 0; q + 4 <= extra.length;) {
      const tag = extra.readUInt16LE(q);
      const len = extra.readUInt16LE(q + 2);
      const body = extra.subarray(q + 4, q + 4 + len);
      if (body.length !== len) throw corrupt(`the extra fields of entry #${index + 1} are damaged`);
      if (tag === EXTRA_ZIP64 && needZip64) {
        let z = 0;
        const next = (): number => {
          if (z + 8 > body.length) throw corrupt(`the ZIP64 extra field of entry #${index + 1} is too short`);
          const v = readU64(body, z);
          z += 8;
          return v;
        };
        if (size === MAX_U32) size = next();
        if (compressedSize === MAX_U32) compressedSize = next();
        if (localOffset === MAX_U32) localOffset = next();
        needZip64 = false;
      } else if (tag === EXTRA_UNIX_TIME && len >= 5 && (body[0]! & 1)) {
        unixSeconds = body.readUInt32LE(1);
      } else if (tag === EXTRA_UNICODE_PATH) {
        unicodeExtra = body;
      }
      q += 4 + len;
    }
    if (needZip64) throw corrupt(`entry #${index + 1} needs a ZIP64 extra field that is missing`);
    if (diskStart !== 0 && diskStart !== MAX_U16) {
      throw new UnsupportedZipError(`${zipPath} is a multi-part (spanned) archive, which is not supported.`, zipPath);
    }

    const name = decodeName(nameBytes, flags, unicodeExtra, zipPath, index);
    if (flags & FLAG_ENCRYPTED) {
      throw new UnsupportedZipError(`Entry "${name}" in ${zipPath} is encrypted; encrypted archives are not supported. `
        + 'Re-create the archive without a password.', zipPath, name);
    }
    if (method !== METHOD_STORE && method !== METHOD_DEFLATE) {
      throw new UnsupportedZipError(`Entry "${name}" in ${zipPath} uses compression method ${method}; only store (0) and `
        + 'deflate (8) are supported. Re-create the archive with a standard zip tool.', zipPath, name);
    }
    const hostOs = versionMadeBy >> 8;
    const rawMode = externalAttributes >>> 16;
    const unixMode = (hostOs === 3 || hostOs === 19) && rawMode !== 0 ? rawMode : undefined;
    const typeBits = (unixMode ?? 0) & 0o170000;
    entries.push({
      index, name, nameBytes, flags, method, crc32, compressedSize, size, localOffset, versionMadeBy, externalAttributes,
      mtime: unixSeconds !== undefined ? new Date(unixSeconds * 1000) : dosToDate(dosDate, dosTime),
      unixMode,
      isDirectory: name.endsWith('/') || typeBits === 0o040000,
      isSymlink: typeBits === 0o120000,
    });
    p = recordEnd;
  }
  return { zipPath, fileSize, entries, cdOffset, cdSize, dataEnd: cdOffset, zip64 };
}

async function readExactly(fh: FileHandle, position: number, length: number, corrupt: (what: string) => Error): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw corrupt('the file ends unexpectedly');
    done += bytesRead;
  }
  return buf;
}
