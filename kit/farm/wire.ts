/**
 * Afanasy's text-header JSON framing (reference/afanasy-protocol.md §1a), one request per connection:
 *
 *   request:  `AFANASY <N> JSON{...}`  N = body bytes (UTF-8), header and body in ONE write
 *   reply:    `AFANASY <M> JSON{...}`  read exactly M body bytes after `JSON`, then close the socket ourselves
 *
 * The server never closes first: after its reply it writes single spaces for ~10 s waiting for the client to
 * close, so reading to EOF would make every call take ~10.7 s.
 */
import net from 'node:net';
import {
  FarmConnectionError,
  FarmError,
  FarmNoReplyError,
  FarmProtocolError,
  FarmTimeoutError,
} from './errors.ts';

/** The largest message afserver handles (16 KiB << 12). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const MAGIC = 'AFANASY';
const MARKER = Buffer.from('JSON', 'latin1');
/** A reply header is `AFANASY <digits> JSON`; anything longer without the marker is not a header. */
const MAX_HEADER_BYTES = 48;

export interface WireTarget {
  host: string;
  port: number;
  /** Connect timeout and the longest silence while waiting for reply bytes. */
  timeoutMs: number;
  /** The longest the whole exchange may take, however the bytes trickle in. Default 3 x timeoutMs. */
  deadlineMs?: number;
  /** Ends the exchange at once (rejects with the signal's reason). */
  signal?: AbortSignal;
}

export function addressOf(target: { host: string; port: number }): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/** The exact bytes of a request: header and body in one buffer, N counting UTF-8 bytes. */
export function encodeRequest(body: object): Buffer {
  const json = JSON.stringify(body);
  if (json === undefined || !json.startsWith('{')) throw new FarmError('An Afanasy request body must be a JSON object.');
  const payload = Buffer.from(json, 'utf8');
  if (payload.length > MAX_MESSAGE_BYTES) {
    throw new FarmError(
      `The request is ${payload.length} bytes, over afserver's ${MAX_MESSAGE_BYTES}-byte message limit. ` +
        'Split the job into smaller jobs or shorten its task list.',
      'FARM_TOO_LARGE',
    );
  }
  return Buffer.concat([Buffer.from(`${MAGIC} ${payload.length} JSON`, 'latin1'), payload]);
}

export type ReplyHeader =
  | { kind: 'incomplete' }
  | { kind: 'invalid'; detail: string }
  | { kind: 'header'; bodyLength: number; headerBytes: number };

function printable(buf: Buffer): string {
  const text = buf.subarray(0, 32).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return JSON.stringify(text + (buf.length > 32 ? '…' : ''));
}

/** Parse the start of a reply. `incomplete` means more bytes are needed to decide. */
export function parseReplyHeader(buf: Buffer): ReplyHeader {
  const magicPart = buf.subarray(0, MAGIC.length).toString('latin1').toUpperCase();
  if (!MAGIC.startsWith(magicPart)) {
    return { kind: 'invalid', detail: `it starts with ${printable(buf)} instead of "AFANASY <length> JSON"` };
  }
  const marker = buf.indexOf(MARKER);
  if (marker < 0) {
    if (buf.length > MAX_HEADER_BYTES) return { kind: 'invalid', detail: `no "JSON" marker in its header ${printable(buf)}` };
    return { kind: 'incomplete' };
  }
  const between = buf.subarray(MAGIC.length, marker).toString('latin1');
  const match = /^\s+(\d{1,12})\s*$/.exec(between);
  if (!match) return { kind: 'invalid', detail: `its header ${printable(buf.subarray(0, marker + MARKER.length))} has no length` };
  const bodyLength = Number(match[1]);
  if (bodyLength > MAX_MESSAGE_BYTES) {
    return { kind: 'invalid', detail: `it declares ${bodyLength} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit` };
  }
  return { kind: 'header', bodyLength, headerBytes: marker + MARKER.length };
}

/**
 * Send one request and return the parsed JSON reply. Opens a connection, writes the request in one write,
 * reads exactly the declared reply length, and closes the connection itself.
 */
export function exchange(target: WireTarget, body: object): Promise<unknown> {
  const address = addressOf(target);
  const request = encodeRequest(body);

  return new Promise((resolve, reject) => {
    let settled = false;
    let phase: 'connect' | 'reply' = 'connect';
    let received = 0;
    let chunks: Buffer[] = [];
    let header: { bodyLength: number; headerBytes: number } | undefined;

    const signal = target.signal;
    if (signal?.aborted) return reject(signal.reason);
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    socket.setTimeout(target.timeoutMs);
    // The idle timeout alone lets a server that sends a byte now and then hold a request for ever.
    const deadlineMs = target.deadlineMs ?? 3 * target.timeoutMs;
    const deadline = setTimeout(() => finish(new FarmTimeoutError(address, phase === 'connect' ? 'connect' : 'total', deadlineMs)), deadlineMs);
    const onAbort = () => finish(signal!.reason instanceof Error ? signal!.reason : new FarmError('The farm request was cancelled.', 'FARM_ABORTED'));
    signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (error: Error | undefined, value?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      // Close our side now: the server pads with spaces and waits for us to go.
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };

    socket.once('connect', () => {
      phase = 'reply';
      socket.write(request);
    });

    socket.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      received += chunk.length;
      if (!header) {
        const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        chunks = [buf];
        const parsed = parseReplyHeader(buf);
        if (parsed.kind === 'incomplete') return;
        if (parsed.kind === 'invalid') return finish(new FarmProtocolError(address, parsed.detail));
        header = parsed;
      }
      const total = header.headerBytes + header.bodyLength;
      if (received < total) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const text = all.subarray(header.headerBytes, total).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        return finish(new FarmProtocolError(address, `its body is not JSON (${(err as Error).message}); body starts ${printable(Buffer.from(text))}`));
      }
      finish(undefined, value);
    });

    socket.on('timeout', () => finish(new FarmTimeoutError(address, phase, target.timeoutMs)));

    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (phase === 'connect') return finish(new FarmConnectionError(address, err.code ?? err.message, err));
      // A reset after connecting is the server going away mid-request.
      finish(new FarmNoReplyError(address, received, header ? header.headerBytes + header.bodyLength : undefined));
    });

    socket.on('close', () => {
      finish(new FarmNoReplyError(address, received, header ? header.headerBytes + header.bodyLength : undefined));
    });
  });
}
