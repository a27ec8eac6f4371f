/** Hand-made zip archives for hostile-input tests: every header field can be made to lie. */
import zlib from 'node:zlib';

/** One entry of a hand-made archive; every header field can be made to lie. */
export interface RawEntry {
  name: string;
  data?: Buffer;
  method?: number;
  /** Declared values (default: the true ones). */
  crc?: number;
  size?: number;
  compressedSize?: number;
  flags?: number;
  /** Unix mode for the external attributes (made by Unix). */
  mode?: number;
  localName?: string;
  /** Write the central record with the local header offset of entry number `sameOffsetAs`. */
  sameOffsetAs?: number;
}

/** A tiny zip writer that writes exactly what it is told (no ZIP64, no extras). */
export function rawZip(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  let pos = 0;
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const method = e.method ?? 8;
    const stored = method === 8 ? zlib.deflateRawSync(data) : data;
    const name = Buffer.from(e.name);
    const localName = Buffer.from(e.localName ?? e.name);
    const crc = e.crc ?? zlib.crc32(data);
    const size = e.size ?? data.length;
    const comp = e.compressedSize ?? stored.length;
    const flags = e.flags ?? 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    offsets.push(pos);
    parts.push(local, localName, stored);
    pos += 30 + localName.length + stored.length;
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(comp, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(((e.mode ?? (e.name.endsWith('/') ? 0o040755 : 0o100644)) << 16) >>> 0, 38);
    c.writeUInt32LE(e.sameOffsetAs !== undefined ? offsets[e.sameOffsetAs]! : offsets[offsets.length - 1]!, 42);
    central.push(Buffer.concat([c, name]));
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(pos, 16);
  return Buffer.concat([...parts, cd, eocd]);
}

