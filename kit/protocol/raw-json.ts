/**
 * Large values the hub forwards as the bytes it received, without parsing them into JavaScript strings
 * and writing them out again (which held four copies of a payload at once).
 *
 * A frame at least `threshold` bytes long is "skimmed" instead of parsed whole: a validating scanner walks
 * the chunks as they came off the socket (never joined), notes where the members of the message and of
 * its `args` object lie, and small members are then parsed as usual. The value of a reply's `result` or
 * of a request's `args.args` (the payload of hub.call), when it alone is at least `threshold` bytes,
 * becomes a RawJson: views of those chunks. Writing a message whose member is a RawJson sends the views
 * as they are. The scanner accepts exactly the JSON that JSON.parse accepts, so a malformed frame is
 * refused by the connection that sent it, never forwarded.
 */

import { DccKitError } from '../errors.ts';

/** JSON text held as UTF-8 bytes, possibly in several pieces. */
export class RawJson {
  readonly parts: Buffer[];
  readonly byteLength: number;

  constructor(parts: Buffer[]) {
    this.parts = parts;
    this.byteLength = parts.reduce((n, p) => n + p.length, 0);
  }

  parse(): unknown {
    const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.byteLength);
    return JSON.parse(bytes.toString('utf8'));
  }

  /** A RawJson that reaches JSON.stringify is written as its value (correct, only slower). */
  toJSON(): unknown {
    return this.parse();
  }
}

/** The frame is not valid JSON (the decoder reports it as a FrameError, which closes that connection). */
export class JsonSyntaxError extends DccKitError {
  constructor(message: string) { super(message, 'JSON_SYNTAX'); }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;

// Scanner states.
const VALUE = 0;          // a value is expected
const AFTER_VALUE = 1;    // "," or a closing bracket is expected (or nothing more, at the top)
const KEY_OR_CLOSE = 2;   // just after "{"
const KEY = 3;            // after "," in an object
const COLON_NEXT = 4;     // after a member name
const VALUE_OR_CLOSE = 5; // just after "["
const STRING = 6;
const ESCAPE = 7;         // after a backslash in a string
const HEX = 8;            // inside \uXXXX
const NUMBER = 9;
const LITERAL = 10;

// Number sub-states; the ones marked "may end" can be followed by any other byte.
const N_MINUS = 0;   // after "-"
const N_ZERO = 1;    // leading zero (may end)
const N_INT = 2;     // integer digits (may end)
const N_DOT = 3;     // after "."
const N_FRAC = 4;    // fraction digits (may end)
const N_E = 5;       // after "e"
const N_ESIGN = 6;   // after the exponent sign
const N_EXP = 7;     // exponent digits (may end)

const LITERALS = ['true', 'false', 'null'].map((w) => Buffer.from(w));
const ARGS_KEY = Buffer.from('"args"');

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The 4-byte-aligned middle of `b` as 32-bit words, with its first word's byte offset in `b`. */
interface Words { view: Uint32Array; start: number }

function wordView(b: Buffer): Words | null {
  const start = (4 - (b.byteOffset & 3)) & 3;
  const count = (b.length - start) >> 2;
  return count >= 16 ? { view: new Uint32Array(b.buffer, b.byteOffset + start, count), start } : null;
}

/**
 * Skips plain string bytes (no quote, no backslash, no control character) from `i` a 32-bit word at a
 * time; returns where the byte-by-byte scan should go on (at a word holding a special byte, or the tail).
 */
function plainBytesEnd(b: Buffer, i: number, words: Words | null): number {
  if (words === null) return i;
  let w = (i - words.start + 3) >> 2; // first whole word at or after i
  const at = words.start + (w << 2);
  if (at < i || w >= words.view.length) return i;
  // The bytes before the first whole word, one by one.
  for (let k = i; k < at; k++) {
    const c = b[k];
    if (c === QUOTE || c === BACKSLASH || c < 0x20) return k;
  }
  const view = words.view;
  const count = view.length;
  while (w < count) {
    const x = view[w];
    const quote = x ^ 0x22222222;
    const backslash = x ^ 0x5c5c5c5c;
    // Standard SWAR tests: a byte below 0x20, a zero byte after the XORs.
    if (((x - 0x20202020) & ~x & 0x80808080) | ((quote - 0x01010101) & ~quote & 0x80808080) | ((backslash - 0x01010101) & ~backslash & 0x80808080)) break;
    w++;
  }
  return words.start + (w << 2);
}

/** Where a member's name and value lie in the frame (offsets into the whole payload). */
interface Member {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  /** Members of the value, for the root's "args" object. */
  nested?: Member[];
}

/**
 * A validating JSON scanner fed the pieces of one payload in order. It notes the members of the root
 * object and of the root's "args" object; everything deeper is only checked.
 */
class Skimmer {
  private state = VALUE;
  private numberState = 0;
  private literal: Buffer = LITERALS[0];
  private literalIndex = 0;
  private hexLeft = 0;
  private stringIsKey = false;
  /** Open containers, innermost last. */
  private readonly open: number[] = [];
  private pos = 0;
  readonly members: Member[] = [];
  /** The root member being read, and the "args" member whose object's members are noted. */
  private member: Member | undefined;
  private argsMember: Member | undefined;
  private nestedMember: Member | undefined;
  /** Bytes of a root member name, compared with "args" once it ends. */
  private keyMatches = false;
  private rootSeen = false;

  feed(b: Buffer): void {
    const n = b.length;
    const words = wordView(b);
    let i = 0;
    while (i < n) {
      const c = b[i];
      switch (this.state) {
        case STRING: {
          // The hot loop: plain string bytes, four at a time where they are aligned.
          let k = plainBytesEnd(b, i, words);
          let d = k < n ? b[k] : 0;
          while (k < n && d !== QUOTE && d !== BACKSLASH && d >= 0x20) {
            if (++k === n) break;
            d = b[k];
          }
          if (this.stringIsKey && this.open.length === 1) this.trackKeyBytes(b, i, k);
          if (k === n) { i = n; continue; }
          i = k;
          if (d === QUOTE) {
            i++;
            this.endString(i);
          } else if (d === BACKSLASH) {
            i++;
            this.state = ESCAPE;
          } else {
            this.fail('control character in a string');
          }
          continue;
        }
        case ESCAPE:
          if (c === 0x75) { this.state = HEX; this.hexLeft = 4; }
          else if (c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) this.state = STRING;
          else this.fail('bad escape');
          if (this.stringIsKey) this.keyMatches = false;
          i++;
          continue;
        case HEX:
          if (!isHex(c)) this.fail('bad \\u escape');
          if (--this.hexLeft === 0) this.state = STRING;
          i++;
          continue;
        case NUMBER:
          if (this.numberByte(c)) { i++; continue; }
          this.endValue(this.pos + i);
          continue; // the byte that ended the number is read again as what follows it
        case LITERAL:
          if (c !== this.literal[this.literalIndex]) this.fail('bad literal');
          i++;
          if (++this.literalIndex === this.literal.length) this.endValue(this.pos + i);
          continue;
      }
      if (isWhitespace(c)) { i++; continue; }
      switch (this.state) {
        case VALUE:
        case VALUE_OR_CLOSE:
          if (this.state === VALUE_OR_CLOSE && c === CLOSE_ARRAY) { this.close(this.pos + i + 1); break; }
          this.beginValue(c, this.pos + i);
          break;
        case KEY_OR_CLOSE:
          if (c === CLOSE_OBJECT) { this.close(this.pos + i + 1); break; }
          this.beginKey(c, this.pos + i);
          break;
        case KEY:
          this.beginKey(c, this.pos + i);
          break;
        case COLON_NEXT:
          if (c !== COLON) this.fail('":" expected');
          this.state = VALUE;
          break;
        case AFTER_VALUE: {
          const top = this.open[this.open.length - 1];
          if (top === undefined) this.fail('unexpected data after the message');
          if (c === COMMA) this.state = top === OPEN_OBJECT ? KEY : VALUE;
          else if (c === (top === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) this.close(this.pos + i + 1);
          else this.fail(top === OPEN_OBJECT ? '"," or "}" expected' : '"," or "]" expected');
          break;
        }
      }
      i++;
    }
    this.pos += n;
  }

  /** Checks the payload is one complete object. */
  end(): void {
    if (!this.rootSeen || this.open.length > 0 || this.state !== AFTER_VALUE) this.fail('unexpected end of the message');
  }

  private fail(what: string): never {
    throw new JsonSyntaxError(`${what} (in the bytes from ${this.pos} on)`);
  }

  private beginKey(c: number, at: number): void {
    if (c !== QUOTE) this.fail('member name expected');
    const depth = this.open.length;
    if (depth === 1) {
      this.member = { keyStart: at, keyEnd: 0, valueStart: 0, valueEnd: 0 };
      this.keyMatches = true;
    } else if (depth === 2 && this.argsMember && this.open[0] === OPEN_OBJECT) {
      this.nestedMember = { keyStart: at, keyEnd: 0, valueStart: 0, valueEnd: 0 };
    }
    this.stringIsKey = true;
    this.state = STRING;
  }

  /** Root member names are compared with "args" while they stream by (names with escapes never match). */
  private trackKeyBytes(b: Buffer, from: number, to: number): void {
    if (!this.keyMatches || !this.member) return;
    const offset = this.pos + from - this.member.keyStart;
    if (offset + (to - from) > ARGS_KEY.length - 1) { this.keyMatches = false; return; }
    for (let k = from; k < to; k++) if (b[k] !== ARGS_KEY[offset + k - from]) { this.keyMatches = false; return; }
  }

  private endString(endOffsetInChunk: number): void {
    const at = this.pos + endOffsetInChunk;
    if (this.stringIsKey) {
      this.stringIsKey = false;
      const depth = this.open.length;
      if (depth === 1 && this.member) {
        this.member.keyEnd = at;
        this.keyMatches &&= at - this.member.keyStart === ARGS_KEY.length;
      } else if (depth === 2 && this.nestedMember) {
        this.nestedMember.keyEnd = at;
      }
      this.state = COLON_NEXT;
    } else {
      this.endValue(at);
    }
  }

  private beginValue(c: number, at: number): void {
    const depth = this.open.length;
    if (depth === 0) {
      if (this.rootSeen || c !== OPEN_OBJECT) this.fail('the message must be one object');
      this.rootSeen = true;
    } else if (depth === 1 && this.member && this.open[0] === OPEN_OBJECT) {
      this.member.valueStart = at;
      if (this.keyMatches && c === OPEN_OBJECT) { this.argsMember = this.member; this.member.nested = []; }
    } else if (depth === 2 && this.argsMember && this.nestedMember) {
      this.nestedMember.valueStart = at;
    }
    if (c === OPEN_OBJECT) { this.open.push(OPEN_OBJECT); this.state = KEY_OR_CLOSE; }
    else if (c === OPEN_ARRAY) { this.open.push(OPEN_ARRAY); this.state = VALUE_OR_CLOSE; }
    else if (c === QUOTE) { this.stringIsKey = false; this.state = STRING; }
    else if (c === MINUS) { this.state = NUMBER; this.numberState = N_MINUS; }
    else if (c === ZERO) { this.state = NUMBER; this.numberState = N_ZERO; }
    else if (isDigit(c)) { this.state = NUMBER; this.numberState = N_INT; }
    else {
      const literal = LITERALS.find((w) => w[0] === c);
      if (!literal) this.fail('value expected');
      this.literal = literal;
      this.literalIndex = 1;
      this.state = LITERAL;
    }
  }

  /** Consumes one byte of a number; false when the byte is not part of it (the number ends before it). */
  private numberByte(c: number): boolean {
    switch (this.numberState) {
      case N_MINUS:
        if (c === ZERO) { this.numberState = N_ZERO; return true; }
        if (isDigit(c)) { this.numberState = N_INT; return true; }
        return this.fail('digit expected');
      case N_ZERO:
      case N_INT:
        if (this.numberState === N_INT && isDigit(c)) return true;
        if (c === DOT) { this.numberState = N_DOT; return true; }
        if (c === 0x65 || c === 0x45) { this.numberState = N_E; return true; }
        return false;
      case N_DOT:
        if (isDigit(c)) { this.numberState = N_FRAC; return true; }
        return this.fail('digit expected');
      case N_FRAC:
        if (isDigit(c)) return true;
        if (c === 0x65 || c === 0x45) { this.numberState = N_E; return true; }
        return false;
      case N_E:
        if (c === PLUS || c === MINUS) { this.numberState = N_ESIGN; return true; }
        if (isDigit(c)) { this.numberState = N_EXP; return true; }
        return this.fail('digit expected');
      case N_ESIGN:
        if (isDigit(c)) { this.numberState = N_EXP; return true; }
        return this.fail('digit expected');
      default:
        return isDigit(c);
    }
  }

  /** A scalar value ended at `at` (exclusive). */
  private endValue(at: number): void {
    if (this.state === NUMBER && (this.numberState === N_MINUS || this.numberState === N_DOT || this.numberState === N_E || this.numberState === N_ESIGN)) {
      this.fail('digit expected');
    }
    this.state = AFTER_VALUE;
    this.noteValueEnd(this.open.length, at);
  }

  /** A container closed; its value ended at `at` (exclusive). */
  private close(at: number): void {
    this.open.pop();
    this.state = AFTER_VALUE;
    this.noteValueEnd(this.open.length, at);
  }

  private noteValueEnd(depth: number, at: number): void {
    if (depth === 1 && this.member) {
      this.member.valueEnd = at;
      this.members.push(this.member);
      this.member = undefined;
    } else if (depth === 2 && this.argsMember && this.nestedMember) {
      this.nestedMember.valueEnd = at;
      this.argsMember.nested!.push(this.nestedMember);
      this.nestedMember = undefined;
    }
    if (depth === 1 && this.argsMember && this.argsMember.valueEnd !== 0) this.argsMember = undefined;
  }
}

/** Views of bytes [start, end) of a payload held as consecutive pieces. */
class Pieces {
  private readonly parts: Buffer[];
  private readonly starts: number[] = [];

  constructor(parts: Buffer[]) {
    this.parts = parts;
    let offset = 0;
    for (const p of parts) { this.starts.push(offset); offset += p.length; }
  }

  slice(start: number, end: number): Buffer[] {
    const out: Buffer[] = [];
    let k = this.indexOf(start);
    while (k < this.parts.length && this.starts[k] < end) {
      const from = Math.max(start - this.starts[k], 0);
      const to = Math.min(end - this.starts[k], this.parts[k].length);
      if (to > from) out.push(this.parts[k].subarray(from, to));
      k++;
    }
    return out;
  }

  parse(start: number, end: number): unknown {
    const views = this.slice(start, end);
    const bytes = views.length === 1 ? views[0] : Buffer.concat(views, end - start);
    return JSON.parse(bytes.toString('utf8'));
  }

  private indexOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
}

function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  // JSON.parse makes "__proto__" an own property; plain assignment would set the prototype.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

function build(members: Member[], pieces: Pieces, threshold: number, rawKey: string): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const m of members) {
    const key = pieces.parse(m.keyStart, m.keyEnd) as string;
    let value: unknown;
    if (m.nested) value = build(m.nested, pieces, threshold, 'args');
    else if (key === rawKey && m.valueEnd - m.valueStart >= threshold) value = new RawJson(pieces.slice(m.valueStart, m.valueEnd));
    else value = pieces.parse(m.valueStart, m.valueEnd);
    setMember(obj, key, value);
  }
  return obj;
}

/**
 * One frame payload skimmed piece by piece as it arrives (so the scan overlaps the transfer), keeping
 * `result` and `args.args` raw when they are at least `threshold` bytes. feed() throws JsonSyntaxError
 * as soon as the payload cannot be JSON.
 */
export class PayloadSkim {
  private readonly threshold: number;
  private readonly skimmer = new Skimmer();
  private readonly parts: Buffer[] = [];
  /** Whether the first non-blank byte was "{" (undefined until there is one). */
  private isObject: boolean | undefined;

  constructor(threshold: number) {
    this.threshold = threshold;
  }

  feed(part: Buffer): void {
    this.parts.push(part);
    if (this.isObject === undefined) {
      const first = part.find((c) => !isWhitespace(c));
      if (first !== undefined) this.isObject = first === OPEN_OBJECT;
    }
    if (this.isObject !== false) this.skimmer.feed(part);
  }

  /**
   * The message, or undefined when the payload is not an object: the caller's ordinary parse of
   * `pieces()` then says what is wrong with it.
   */
  finish(): Record<string, unknown> | undefined {
    if (!this.isObject) return undefined;
    this.skimmer.end();
    return build(this.skimmer.members, new Pieces(this.parts), this.threshold, 'result');
  }

  pieces(): Buffer[] {
    return this.parts;
  }
}

/** PayloadSkim over a payload that is all there. */
export function skimMessage(parts: Buffer[], threshold: number): Record<string, unknown> | undefined {
  const skim = new PayloadSkim(threshold);
  for (const part of parts) skim.feed(part);
  return skim.finish();
}

/** Replaces a request's raw `args.args` or a reply's raw `result` with its parsed value. */
export function materialise(message: Record<string, unknown>): void {
  if (message.result instanceof RawJson) message.result = message.result.parse();
  const args = message.args as Record<string, unknown> | undefined;
  if (args && typeof args === 'object' && args.args instanceof RawJson) args.args = args.args.parse();
}

/** True when a skimmed message holds a raw value. */
export function hasRaw(message: Record<string, unknown>): boolean {
  if (message.result instanceof RawJson) return true;
  const args = message.args as Record<string, unknown> | undefined;
  return args !== null && typeof args === 'object' && args.args instanceof RawJson;
}
