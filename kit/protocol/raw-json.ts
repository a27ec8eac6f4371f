/**
 * Large values the hub forwards without parsing them into JavaScript strings and writing them out again.
 *
 * A frame at least `threshold` bytes long is "skimmed" instead of parsed whole: its members are located
 * by a validating scanner, small ones are parsed as usual, and the value of a reply's `result` or of a
 * request's `args.args` (the payload of hub.call), when that value alone is at least `threshold` bytes,
 * is kept as a RawJson view of the received bytes. Writing a message whose member is a RawJson sends
 * those bytes as they are. The scanner accepts exactly the JSON that JSON.parse accepts, so a malformed
 * frame is still refused by the connection that sent it, never forwarded.
 */

/** JSON text held as UTF-8 bytes. */
export class RawJson {
  readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  get byteLength(): number { return this.bytes.length; }

  parse(): unknown {
    return JSON.parse(this.bytes.toString('utf8'));
  }

  /** A RawJson that reaches JSON.stringify is written as its value (correct, only slower). */
  toJSON(): unknown {
    return this.parse();
  }
}

export class JsonSyntaxError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;

function fail(what: string, at: number): never {
  throw new JsonSyntaxError(`${what} at byte ${at}`);
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWhitespace(b: Uint8Array, i: number): number {
  while (i < b.length && isWhitespace(b[i])) i++;
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** End (exclusive) of the string starting with the quote at `i`. */
function scanString(b: Uint8Array, i: number): number {
  const n = b.length;
  i++;
  for (;;) {
    let c = 0;
    while (i < n) {
      c = b[i];
      if (c === QUOTE || c === BACKSLASH || c < 0x20) break;
      i++;
    }
    if (i >= n) fail('unterminated string', i);
    if (c === QUOTE) return i + 1;
    if (c < 0x20) fail('control character in a string', i);
    const e = b[i + 1];
    if (e === 0x75) { // \uXXXX
      if (!(isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]) && isHex(b[i + 5]))) fail('bad \\u escape', i);
      i += 6;
    } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
      i += 2;
    } else {
      fail('bad escape', i);
    }
  }
}

function scanDigits(b: Uint8Array, i: number): number {
  const start = i;
  while (i < b.length && isDigit(b[i])) i++;
  if (i === start) fail('digit expected', i);
  return i;
}

function scanNumber(b: Uint8Array, i: number): number {
  if (b[i] === MINUS) i++;
  if (b[i] === 0x30) i++;
  else i = scanDigits(b, i);
  if (b[i] === 0x2e) i = scanDigits(b, i + 1);
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === MINUS) i++;
    i = scanDigits(b, i);
  }
  return i;
}

const LITERALS: [number, Uint8Array][] = ['true', 'false', 'null'].map((w) => [w.charCodeAt(0), Buffer.from(w)]);

function scanLiteral(b: Uint8Array, i: number): number {
  for (const [first, word] of LITERALS) {
    if (b[i] !== first) continue;
    for (let k = 1; k < word.length; k++) if (b[i + k] !== word[k]) fail('bad literal', i);
    return i + word.length;
  }
  return fail('value expected', i);
}

/** Scans `"key"` then `:`; returns the position after the colon. */
function scanKey(b: Uint8Array, i: number): number {
  if (b[i] !== QUOTE) fail('member name expected', i);
  i = skipWhitespace(b, scanString(b, i));
  if (b[i] !== COLON) fail('":" expected', i);
  return i + 1;
}

/**
 * End (exclusive) of the JSON value starting at `i` (after optional whitespace). Iterative, so any
 * nesting depth is fine. Throws JsonSyntaxError on anything JSON.parse would refuse.
 */
export function scanValue(b: Uint8Array, i: number): number {
  const open: number[] = [];
  for (;;) {
    i = skipWhitespace(b, i);
    const c = b[i];
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
      i = skipWhitespace(b, i + 1);
      if (b[i] === close) {
        i++;
      } else {
        open.push(c);
        if (c === OPEN_OBJECT) i = scanKey(b, i);
        continue;
      }
    } else if (c === QUOTE) {
      i = scanString(b, i);
    } else if (c === MINUS || isDigit(c)) {
      i = scanNumber(b, i);
    } else {
      i = scanLiteral(b, i);
    }
    // After a value: close finished containers, or go on to the next element.
    for (;;) {
      if (open.length === 0) return i;
      i = skipWhitespace(b, i);
      const top = open[open.length - 1];
      const d = b[i];
      if (d === COMMA) {
        i = skipWhitespace(b, i + 1);
        if (top === OPEN_OBJECT) i = scanKey(b, i);
        break;
      }
      if (d === (top === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        open.pop();
        i++;
        continue;
      }
      fail(top === OPEN_OBJECT ? '"," or "}" expected' : '"," or "]" expected', i);
    }
  }
}

function parseSlice(b: Buffer, start: number, end: number): unknown {
  return JSON.parse(b.toString('utf8', start, end));
}

function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  // JSON.parse makes "__proto__" an own property; plain assignment would set the prototype.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Members of the object at `i`; values of `rawKey` at least `threshold` bytes become RawJson, and the
 * value of `nestedKey` (an object) is skimmed the same way one level down with `nestedRawKey`.
 * Returns the object and the position after its closing brace.
 */
function skimObject(b: Buffer, i: number, threshold: number, rawKey: string | null, nestedKey: string | null, nestedRawKey: string | null): [Record<string, unknown>, number] {
  const obj: Record<string, unknown> = {};
  i = skipWhitespace(b, i + 1);
  if (b[i] === CLOSE_OBJECT) return [obj, i + 1];
  for (;;) {
    if (b[i] !== QUOTE) fail('member name expected', i);
    const keyEnd = scanString(b, i);
    const key = parseSlice(b, i, keyEnd) as string;
    i = skipWhitespace(b, keyEnd);
    if (b[i] !== COLON) fail('":" expected', i);
    const start = skipWhitespace(b, i + 1);
    let value: unknown;
    if (key === nestedKey && b[start] === OPEN_OBJECT) {
      [value, i] = skimObject(b, start, threshold, nestedRawKey, null, null);
    } else {
      i = scanValue(b, start);
      value = key === rawKey && i - start >= threshold ? new RawJson(b.subarray(start, i)) : parseSlice(b, start, i);
    }
    setMember(obj, key, value);
    i = skipWhitespace(b, i);
    if (b[i] === CLOSE_OBJECT) return [obj, i + 1];
    if (b[i] !== COMMA) fail('"," or "}" expected', i);
    i = skipWhitespace(b, i + 1);
  }
}

/**
 * Parses one frame payload, keeping `result` and `args.args` raw when they are at least `threshold`
 * bytes. Returns undefined when the payload is not an object (the caller's ordinary parse reports it).
 */
export function skimMessage(payload: Buffer, threshold: number): Record<string, unknown> | undefined {
  const start = skipWhitespace(payload, 0);
  if (payload[start] !== OPEN_OBJECT) return undefined;
  const [message, end] = skimObject(payload, start, threshold, 'result', 'args', 'args');
  if (skipWhitespace(payload, end) !== payload.length) fail('unexpected data after the message', end);
  return message;
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
