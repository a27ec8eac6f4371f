/** Raw socket helpers for protocol tests: send exact bytes, read frames, see when the hub closes us. */
import net from 'node:net';
import { FrameDecoder, encodeFrame } from '../../kit/protocol/frame.ts';
import { PATIENCE_MS } from './patience.ts';

export interface RawPeer {
  socket: net.Socket;
  frames: object[];
  closed: Promise<void>;
  isClosed(): boolean;
  send(msg: object): void;
  next(timeout?: number): Promise<object>;
}

export async function rawConnect(port: number): Promise<RawPeer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const decoder = new FrameDecoder();
  const frames: object[] = [];
  const waiters: ((f: object) => void)[] = [];
  let closedFlag = false;
  socket.on('data', (chunk) => {
    for (const f of decoder.push(chunk)) {
      const w = waiters.shift();
      if (w) w(f); else frames.push(f);
    }
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => { closedFlag = true; resolve(); }));
  return {
    socket, frames, closed,
    isClosed: () => closedFlag,
    send: (msg) => socket.write(encodeFrame(msg)),
    next: (timeout = PATIENCE_MS) => new Promise((resolve, reject) => {
      const f = frames.shift();
      if (f) return resolve(f);
      const timer = setTimeout(() => reject(new Error('no frame within timeout')), timeout);
      waiters.push((frame) => { clearTimeout(timer); resolve(frame); });
    }),
  };
}

/** `p`, or a rejection naming `what` after `ms`. The timer is cleared when `p` settles, so it never keeps a test process alive. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
