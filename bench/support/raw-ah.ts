/**
 * The floor the protocol benches compare against: a minimal hand-written AH transport on node:net
 * ('AH' + u32 big-endian length + JSON, setNoDelay, a Map of pending ids, a decoder that handles
 * partial and coalesced frames). No timeouts, no backpressure, no error replies: only what a
 * round trip needs. Written independently of kit/protocol so it stays a fair baseline.
 */
import net from 'node:net';

const HEADER = 6;

export function encodeAh(message: object): Buffer {
  const json = JSON.stringify(message);
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(HEADER + length);
  frame[0] = 0x41;
  frame[1] = 0x48;
  frame.writeUInt32BE(length, 2);
  frame.write(json, HEADER, 'utf8');
  return frame;
}

/** Calls `onMessage` for every complete frame of the stream, whatever the chunking. */
export function ahReader(onMessage: (msg: Record<string, unknown>) => void): (chunk: Buffer) => void {
  let rest: Buffer | null = null;
  return (chunk) => {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    let pos = 0;
    while (buf.length - pos >= HEADER) {
      if (buf[pos] !== 0x41 || buf[pos + 1] !== 0x48) throw new Error('bad magic');
      const length = buf.readUInt32BE(pos + 2);
      if (buf.length - pos < HEADER + length) break;
      onMessage(JSON.parse(buf.toString('utf8', pos + HEADER, pos + HEADER + length)));
      pos += HEADER + length;
    }
    rest = pos === buf.length ? null : buf.subarray(pos);
  };
}

/** The raw echo server: answers `{message_id, function, args}` with `{message_id, reply: true, result: args}`. */
export function listenRawEcho(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.on('data', ahReader((msg) => {
      socket.write(encodeAh({ message_id: msg.message_id, reply: true, result: msg.args ?? null }));
    }));
  });
  return new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, () => resolve(server)));
}

/** The raw client: numbered requests, replies matched through a Map of pending ids. */
export class RawAhClient {
  private readonly socket: net.Socket;
  private readonly pending = new Map<number, (value: unknown) => void>();
  private nextId = 1;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', ahReader((msg) => {
      const id = msg.message_id as number;
      const resolve = this.pending.get(id);
      if (resolve) { this.pending.delete(id); resolve(msg.result); }
    }));
  }

  static async connect(port: number): Promise<RawAhClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    return new RawAhClient(socket);
  }

  call(fn: string, args: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.write(encodeAh({ message_id: id, function: fn, args }));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * The two-hop floor: a raw relay that forwards each request to `targetPort` under its own message id
 * and the reply back under the client's (parse and re-encode per frame, as the raw echo does). Any hub
 * does at least this much; it routes nothing and checks nothing.
 */
export function listenRawRelay(targetPort: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    upstream.setNoDelay(true);
    const waiting = new Map<number, unknown>();
    let nextId = 1;
    const closeBoth = () => { socket.destroy(); upstream.destroy(); };
    socket.on('error', closeBoth);
    upstream.on('error', closeBoth);
    socket.on('close', closeBoth);
    socket.on('data', ahReader((msg) => {
      const id = nextId++;
      waiting.set(id, msg.message_id);
      upstream.write(encodeAh({ ...msg, message_id: id }));
    }));
    upstream.on('data', ahReader((msg) => {
      const id = msg.message_id as number;
      const callerId = waiting.get(id);
      waiting.delete(id);
      socket.write(encodeAh({ ...msg, message_id: callerId }));
    }));
  });
  return new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, () => resolve(server)));
}
