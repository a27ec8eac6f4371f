/**
 * AH framing (DESIGN.md "The wire protocol"): `A` `H` + length + UTF-8 JSON object.
 * The length is either 4 bytes unsigned big-endian (binary form, 6-byte header) or 8 lowercase hex
 * digits (text form, 10-byte header, what Harmony's script can write). Both are accepted on read.
 */
import { DccKitError } from '../errors.ts';
import { PayloadSkim, type RawJson } from './raw-json.ts';

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
const MAGIC_A = 0x41;
const MAGIC_H = 0x48;
const BINARY_HEADER = 6;
const TEXT_HEADER = 10;
/** A first length byte >= '0' can only be the text form: a binary length that large is over any sane limit. */
const FIRST_TEXT_LENGTH_BYTE = 0x30;
/** The magic and the first length byte: enough to refuse a bad magic or a bad text length at once. */
const MIN_HEADER_PEEK = 3;

export type LengthForm = 'binary' | 'text';

export class FrameError extends DccKitError {
  constructor(message: string) { super(message, 'FRAME'); }
}

/** Peer bytes as text that is safe to log or show: printable ASCII kept, every other byte as \xNN. */
export function printableBytes(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
  return out;
}

/** Text that may hold peer bytes, with control characters (newlines, ESC, C1) escaped, safe for one log line. */
export function printableText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0'));
}

function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

/** A body buffer starts at most this large and doubles as bytes arrive, up to the announced length. */
const FIRST_BODY_CAPACITY = 64 * 1024;

export interface EncodeOptions {
  /** Length form to write. The hub writes binary; the Harmony script writes text. */
  form?: LengthForm;
  /** Escape every non-ASCII character as \uXXXX, for peers that cannot decode UTF-8. */
  ascii?: boolean;
}

const NON_ASCII = /[\u007f-\uffff]/g;
function escapeNonAscii(ch: string): string {
  return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
}

/** JSON text of a message, optionally ASCII-only. */
export function toJson(message: unknown, ascii = false): string {
  const json = JSON.stringify(message);
  if (json === undefined) throw new FrameError('a frame payload must be a JSON object');
  return ascii ? json.replace(NON_ASCII, escapeNonAscii) : json;
}

export function encodeFrame(message: object, opts: EncodeOptions = {}): Buffer {
  return encodeJsonFrame(toJson(message, opts.ascii), opts.form);
}

export function encodeJsonFrame(json: string, form: LengthForm = 'binary'): Buffer {
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(headerLength(form) + length);
  writeHeader(frame, length, form);
  frame.write(json, headerLength(form), 'utf8');
  return frame;
}

function headerLength(form: LengthForm): number {
  return form === 'text' ? TEXT_HEADER : BINARY_HEADER;
}

function writeHeader(frame: Buffer, length: number, form: LengthForm): void {
  frame[0] = MAGIC_A;
  frame[1] = MAGIC_H;
  if (form === 'text') frame.write(length.toString(16).padStart(8, '0'), 2, 'latin1');
  else frame.writeUInt32BE(length, 2);
}

/**
 * One frame as buffers to write in order, for a message whose member `key` is raw JSON: the header and
 * the JSON text of the other members, the raw bytes as they are (no copy), and the closing brace.
 * `key` moves to the end of the object, which changes nothing for a JSON reader.
 */
export function encodeFrameWithRaw(message: Record<string, unknown>, key: string, raw: RawJson, form: LengthForm = 'binary'): Buffer[] {
  const rest = { ...message };
  delete rest[key];
  const others = toJson(rest);
  const prefix = (others === '{}' ? '{' : others.slice(0, -1) + ',') + JSON.stringify(key) + ':';
  const prefixLength = Buffer.byteLength(prefix);
  const length = prefixLength + raw.byteLength + 1;
  const head = Buffer.allocUnsafe(headerLength(form) + prefixLength);
  writeHeader(head, length, form);
  head.write(prefix, headerLength(form), 'utf8');
  return [head, ...raw.parts, CLOSING_BRACE];
}

const CLOSING_BRACE = Buffer.from('}');

/**
 * Streaming decoder. Feed it socket chunks; it returns the complete payload objects.
 * Chunks are kept in a list until a frame's header is known; a body that has not fully arrived then gets
 * one buffer of its final size, which later chunks are copied into as they come (so a large frame is
 * never held twice, as chunks and joined). The work is linear in the bytes received however the stream
 * is split.
 */
export class FrameDecoder {
  /** Longest frame body accepted; the hub lowers it until a peer has said hello. */
  maxFrameBytes: number;
  /** What sets maxFrameBytes, named when a frame is over it. */
  maxFrameSetting = 'hub.maxFrameBytes';
  /**
   * Frames at least this many bytes long are skimmed rather than parsed whole: a reply's `result` or a
   * request's `args.args` that is itself this large stays a RawJson view of the bytes (raw-json.ts).
   */
  rawThreshold = Infinity;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Offset into chunks[0] of the first unconsumed byte. */
  private offset = 0;
  /** Length of the frame whose body we are waiting for, or -1 while reading a header. */
  private bodyLength = -1;
  private headerBytes = 0;
  /**
   * The body of a frame that has not fully arrived: one buffer that chunks are copied into as they come,
   * or, for a frame to skim, a skim fed the chunks' own views (never joined); and how much has arrived.
   */
  private body: Buffer | null = null;
  private bodySkim: PayloadSkim | null = null;
  private bodyFilled = 0;
  bytesIn = 0;
  framesIn = 0;

  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received but not yet part of a complete frame (to detect a stalled half frame). */
  get pendingBytes(): number {
    return this.buffered + (this.bodyLength >= 0 ? this.headerBytes + this.bodyFilled : 0);
  }

  /**
   * The complete payloads in `chunk` and what came before it. A `transient` chunk is overwritten once push
   * returns (a socket reading into one reusable buffer): what must outlive the call is copied.
   */
  push(chunk: Buffer, transient = false): object[] {
    this.bytesIn += chunk.length;
    const out: object[] = [];
    if (this.body || this.bodySkim) {
      const count = Math.min(chunk.length, this.bodyLength - this.bodyFilled);
      const piece = count === chunk.length ? chunk : chunk.subarray(0, count);
      // A body buffer gets a copy anyway; a skim keeps the pieces it is fed.
      this.addToBody(transient && this.bodySkim ? Buffer.from(piece) : piece);
      if (this.bodyFilled < this.bodyLength) return out;
      out.push(this.finishBody());
      if (count === chunk.length) return out;
      chunk = chunk.subarray(count);
    }
    if (this.buffered === 0 && this.bodyLength < 0) {
      // Fast path: parse whole frames straight out of this chunk without copying.
      let pos = 0;
      while (true) {
        const remaining = chunk.length - pos;
        if (remaining < MIN_HEADER_PEEK) break;
        const header = this.readHeader(chunk, pos, remaining);
        if (header === null) break;
        const [headerLength, bodyLength] = header;
        if (remaining < headerLength + bodyLength) break;
        const start = pos + headerLength;
        const end = start + bodyLength;
        // A frame to skim keeps views of its bytes.
        out.push(transient && bodyLength >= this.rawThreshold ? this.parse(Buffer.from(chunk.subarray(start, end)), 0, bodyLength) : this.parse(chunk, start, end));
        pos = end;
      }
      if (pos === chunk.length) return out;
      chunk = pos === 0 ? chunk : chunk.subarray(pos);
    }
    this.chunks.push(transient ? Buffer.from(chunk) : chunk);
    this.buffered += chunk.length;
    while (this.drainOne(out));
    return out;
  }

  /** Returns [headerLength, bodyLength], or null when the text header is not complete yet. Throws on bad input. */
  private readHeader(buf: Buffer, pos: number, available: number): [number, number] | null {
    if (buf[pos] !== MAGIC_A || buf[pos + 1] !== MAGIC_H) {
      throw new FrameError(`bad frame magic 0x${buf.subarray(pos, pos + 2).toString('hex')} (expected "AH")`);
    }
    let length: number;
    let headerLength: number;
    if (buf[pos + 2] >= FIRST_TEXT_LENGTH_BYTE) {
      // Refuse a non-hex byte the moment it arrives, rather than wait for a header that can never be valid.
      const end = pos + Math.min(available, TEXT_HEADER);
      for (let i = pos + 2; i < end; i++) {
        if (!isHexDigit(buf[i])) {
          throw new FrameError(`bad text-form frame length "${printableBytes(buf.subarray(pos + 2, end))}" (8 hex digits expected)`);
        }
      }
      if (available < TEXT_HEADER) return null;
      length = parseInt(buf.toString('latin1', pos + 2, pos + TEXT_HEADER), 16);
      headerLength = TEXT_HEADER;
    } else {
      if (available < BINARY_HEADER) return null;
      length = buf.readUInt32BE(pos + 2);
      headerLength = BINARY_HEADER;
    }
    if (length > this.maxFrameBytes) {
      throw new FrameError(`frame of ${length} bytes is over the maximum of ${this.maxFrameBytes} (${this.maxFrameSetting})`);
    }
    return [headerLength, length];
  }

  private addToBody(piece: Buffer): void {
    if (this.body) {
      const needed = this.bodyFilled + piece.length;
      if (needed > this.body.length) {
        // Grow as bytes arrive: an announced length costs nothing until it is sent. Steps of 4x, and the final
        // size once a quarter has arrived, keep the copying under a third of the body (and at most 4x what came).
        let capacity = this.body.length * 4;
        while (capacity < needed) capacity *= 4;
        if (needed * 4 >= this.bodyLength) capacity = this.bodyLength;
        const grown = Buffer.allocUnsafe(Math.min(capacity, this.bodyLength));
        this.body.copy(grown, 0, 0, this.bodyFilled);
        this.body = grown;
      }
      piece.copy(this.body, this.bodyFilled);
    } else feedSkim(this.bodySkim!, piece);
    this.bodyFilled += piece.length;
  }

  private finishBody(): object {
    const body = this.body;
    const skim = this.bodySkim;
    const length = this.bodyFilled;
    this.body = null;
    this.bodySkim = null;
    this.bodyFilled = 0;
    this.bodyLength = -1;
    return body ? this.parse(body, 0, length) : this.finishSkim(skim!);
  }

  private parse(buf: Buffer, start: number, end: number): object {
    if (end - start >= this.rawThreshold) return this.skimParts([buf.subarray(start, end)]);
    this.framesIn++;
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8', start, end));
    } catch (err) {
      throw new FrameError(`frame payload is not JSON: ${printableText((err as Error).message)}`);
    }
    return checkObject(value);
  }

  /** A large frame, all there, as pieces: skimmed, so its large routed value stays raw bytes (raw-json.ts). */
  private skimParts(parts: Buffer[]): object {
    const skim = new PayloadSkim(this.rawThreshold);
    for (const part of parts) feedSkim(skim, part);
    return this.finishSkim(skim);
  }

  private finishSkim(skim: PayloadSkim): object {
    this.framesIn++;
    let value: unknown;
    try {
      value = skim.finish() ?? JSON.parse(Buffer.concat(skim.pieces()).toString('utf8'));
    } catch (err) {
      throw new FrameError(`frame payload is not JSON: ${printableText((err as Error).message)}`);
    }
    return checkObject(value);
  }

  /** Views of the next `n` buffered bytes, consumed, without joining them. */
  private takeParts(n: number): Buffer[] {
    const parts: Buffer[] = [];
    while (n > 0) {
      const chunk = this.chunks[0];
      const count = Math.min(n, chunk.length - this.offset);
      parts.push(chunk.subarray(this.offset, this.offset + count));
      n -= count;
      this.buffered -= count;
      this.offset += count;
      if (this.offset === chunk.length) { this.chunks.shift(); this.offset = 0; }
    }
    return parts;
  }

  /** Joins the next `n` buffered bytes into one Buffer (a view when they sit in one chunk). */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    if (first.length - this.offset >= n) {
      const view = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === first.length) { this.chunks.shift(); this.offset = 0; }
      this.buffered -= n;
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      const count = Math.min(n - filled, chunk.length - this.offset);
      chunk.copy(out, filled, this.offset, this.offset + count);
      filled += count;
      this.offset += count;
      if (this.offset === chunk.length) { this.chunks.shift(); this.offset = 0; }
    }
    this.buffered -= n;
    return out;
  }

  /** Peeks up to `n` bytes without consuming them. */
  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length - this.offset >= n) return first.subarray(this.offset, this.offset + n);
    const saved = { chunks: this.chunks.slice(), offset: this.offset, buffered: this.buffered };
    const out = this.take(n);
    this.chunks = saved.chunks;
    this.offset = saved.offset;
    this.buffered = saved.buffered;
    return out;
  }

  private drainOne(out: object[]): boolean {
    if (this.bodyLength < 0) {
      if (this.buffered < MIN_HEADER_PEEK) return false;
      const head = this.peek(Math.min(TEXT_HEADER, this.buffered));
      const header = this.readHeader(head, 0, head.length);
      if (header === null) return false;
      this.take(header[0]);
      this.headerBytes = header[0];
      this.bodyLength = header[1];
    }
    const skim = this.bodyLength >= this.rawThreshold;
    if (this.buffered < this.bodyLength) {
      // Move what has arrived into the body; push() adds the rest.
      if (skim) this.bodySkim = new PayloadSkim(this.rawThreshold);
      else this.body = Buffer.allocUnsafe(Math.min(this.bodyLength, Math.max(FIRST_BODY_CAPACITY, this.buffered)));
      for (const chunk of this.chunks) {
        this.addToBody(this.offset ? chunk.subarray(this.offset) : chunk);
        this.offset = 0;
      }
      this.chunks = [];
      this.buffered = 0;
      return false;
    }
    const length = this.bodyLength;
    this.bodyLength = -1;
    if (skim) {
      out.push(this.skimParts(this.takeParts(length)));
    } else {
      const body = this.take(length);
      out.push(this.parse(body, 0, body.length));
    }
    return true;
  }
}

/** Feeds a skim, reporting malformed JSON the way every frame error is reported. */
function feedSkim(skim: PayloadSkim, piece: Buffer): void {
  try {
    skim.feed(piece);
  } catch (err) {
    throw new FrameError(`frame payload is not JSON: ${printableText((err as Error).message)}`);
  }
}

function checkObject(value: unknown): object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FrameError('frame payload must be a JSON object');
  }
  return value;
}
