/**
 * A stand-in DCC peer for hub tests: connects with role "dcc", says hello, and serves function calls
 * from a fixed table (it never evaluates code), named requests, and a few behaviours tests need
 * (never answering, dying mid-call).
 */
import net from 'node:net';
import { RpcPeer } from '../../kit/protocol/peer.ts';
import { PROTOCOL_VERSION, type HelloResult } from '../../kit/protocol/messages.ts';

export type FakeFunction = (args: unknown) => unknown;

export const defaultFunctions: Record<string, FakeFunction> = {
  'echo': (a) => a,
  'add': (a) => (a as number[]).reduce((x, y) => x + y, 0),
  'fail': () => { const e = new TypeError('deliberate failure in the DCC'); throw e; },
  'never': () => new Promise(() => {}),
  'big': (n) => 'x'.repeat(Number(n)),
};

export interface FakeDccOptions {
  port: number;
  token: string;
  dcc?: string;
  pid?: number;
  scene?: string;
  functions?: Record<string, FakeFunction>;
  requests?: Record<string, FakeFunction>;
}

export async function connectFakeDcc(opts: FakeDccOptions): Promise<{ peer: RpcPeer; hello: HelloResult; scripts: string[] }> {
  const socket = net.connect({ host: '127.0.0.1', port: opts.port });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const functions = { ...defaultFunctions, ...opts.functions };
  const scripts: string[] = [];
  const peer = new RpcPeer(socket, { label: 'fake dcc', errorStacks: true });
  peer.onRequest = (msg) => {
    if (typeof msg.function === 'string') {
      const fn = functions[msg.function];
      if (!fn) throw new ReferenceError(`${msg.function} is not defined`);
      return fn(msg.args);
    }
    if (typeof msg.script === 'string') { scripts.push(msg.script); return null; }
    if (msg.request === 'ping') return 'pong';
    const handler = opts.requests?.[String(msg.request)];
    if (!handler) throw new Error(`unknown request ${String(msg.request)}`);
    return handler(msg.args);
  };
  const hello = await peer.request('hello', {
    protocol: PROTOCOL_VERSION, token: opts.token, role: 'dcc', dcc: opts.dcc ?? 'fakedcc',
    pid: opts.pid ?? process.pid, version: '1.0', scene: opts.scene ?? '/tmp/scene.fake',
  }) as HelloResult;
  return { peer, hello, scripts };
}
