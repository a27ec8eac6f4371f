import test from 'ava';
import net from 'node:net';
import { connectSocket } from '../kit/protocol/socket.ts';
import { encodeFrame, FrameDecoder } from '../kit/protocol/frame.ts';
import { withTimeout } from './support/raw.ts';
import { PATIENCE_MS } from './support/patience.ts';

/** A server that answers each request with its args, written in pieces, after `greeting` sent at connection. */
async function echoServer(t: { teardown(fn: () => unknown): void }, greeting?: object) {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    if (greeting) s.write(encodeFrame(greeting));
    const decoder = new FrameDecoder();
    s.on('data', (chunk) => {
      for (const m of decoder.push(chunk) as { message_id: number; args: unknown; reply?: boolean }[]) {
        if (m.reply) continue; // the answer to the greeting
        const frame = encodeFrame({ message_id: m.message_id, reply: true, result: m.args });
        // Cut into odd pieces so reads end mid-header and mid-body.
        for (let i = 0; i < frame.length; i += 7919) s.write(frame.subarray(i, i + 7919));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => { for (const s of sockets) s.destroy(); server.close(); });
  return { port: (server.address() as net.AddressInfo).port, sockets };
}

test('a peer on connectSocket: bytes read before it exists reach it, large and split replies arrive whole, calls overlap', async (t) => {
  const server = await echoServer(t, { message_id: 1, request: 'ping' });
  const pending = connectSocket({ host: '127.0.0.1', port: server.port });
  await new Promise((r) => pending.socket.once('connect', r));
  // The greeting is read before the peer exists.
  await withTimeout(new Promise<void>((r) => { const check = () => (pending.socket.bytesRead > 0 ? r() : setTimeout(check, 5)); check(); }), PATIENCE_MS, 'the greeting');
  const pings: unknown[] = [];
  const peer = pending.peer({ label: 'test', onRequest: (msg) => { pings.push(msg.request); return 'pong'; } });
  t.teardown(() => peer.close('test over'));
  await withTimeout(new Promise<void>((r) => { const check = () => (pings.length ? r() : setTimeout(check, 5)); check(); }), PATIENCE_MS, 'the early request');
  t.deepEqual(pings, ['ping']);
  const big = 'é'.repeat(700_000);
  const results = await Promise.all([
    peer.call({ function: 'echo', args: big }),
    ...Array.from({ length: 50 }, (_, i) => peer.call({ function: 'echo', args: { i } })),
  ]);
  t.is(results[0], big);
  t.deepEqual(results.slice(1), Array.from({ length: 50 }, (_, i) => ({ i })));
});

test('a peer on connectSocket sees the connection end: pending calls fail with the reason', async (t) => {
  const silent = net.createServer((s) => { s.on('data', () => {}); setTimeout(() => s.destroy(), 100); });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.teardown(() => silent.close());
  const pending = connectSocket({ host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port });
  await new Promise((r) => pending.socket.once('connect', r));
  const peer = pending.peer({ label: 'test' });
  const err = await t.throwsAsync(peer.call({ function: 'never' }, { timeout: PATIENCE_MS }));
  t.regex(err!.message, /connection (lost|closed)/);
  t.true(peer.closed);
});

test('a handler may answer with a DeferredReply: settled before it is returned or later, the first settle wins', async (t) => {
  const { RpcPeer, DeferredReply } = await import('../kit/protocol/peer.ts');
  const later: InstanceType<typeof DeferredReply>[] = [];
  const server = net.createServer((s) => {
    new RpcPeer(s, {
      label: 'server',
      onRequest: (msg) => {
        const reply = new DeferredReply();
        if (msg.function === 'early') { reply.resolve('early'); reply.reject(new Error('ignored')); }
        else if (msg.function === 'fails') setTimeout(() => { reply.reject(new TypeError('it failed')); reply.resolve('ignored'); }, 10);
        else later.push(reply);
        return reply;
      },
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const pending = connectSocket({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
  await new Promise((r) => pending.socket.once('connect', r));
  const peer = pending.peer({ label: 'client' });
  t.teardown(() => peer.close('test over'));
  t.is(await peer.call({ function: 'early' }), 'early');
  await t.throwsAsync(peer.call({ function: 'fails' }), { message: /it failed/ });
  const slow = peer.call({ function: 'slow' });
  await until(() => later.length === 1);
  later[0]!.resolve({ done: true });
  t.deepEqual(await slow, { done: true });
});

async function until(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
