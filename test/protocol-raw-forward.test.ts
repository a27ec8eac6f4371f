import test from 'ava';
import net from 'node:net';
import { RawJson, skimMessage, materialise } from '../kit/protocol/raw-json.ts';
import { FrameDecoder, encodeFrame, encodeFrameWithRaw, toJson } from '../kit/protocol/frame.ts';
import { RpcPeer } from '../kit/protocol/peer.ts';
import { PROTOCOL_VERSION } from '../kit/protocol/messages.ts';
import { Hub } from '../kit/hub/server.ts';
import { connectHub } from '../kit/hub/client.ts';
import { connectFakeDcc } from './support/fake-dcc.ts';
import { rawConnect, withTimeout } from './support/raw.ts';
import { PATIENCE_MS } from './support/patience.ts';

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

/** `bytes` cut at random points, each piece at a random alignment in its own buffer. */
function cut(bytes: Buffer, rnd: (n: number) => number, maxPiece: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let pos = 0; pos < bytes.length;) {
    const n = Math.min(bytes.length - pos, 1 + rnd(maxPiece));
    const offset = rnd(4);
    const home = Buffer.alloc(n + offset);
    bytes.copy(home, offset, pos, pos + n);
    parts.push(home.subarray(offset));
    pos += n;
  }
  return parts;
}

const awkward = ['', 'plain', 'q"uote', 'back\\slash', 'line\nfeed', '\u0001\u001f', 'é✓𝄞', '\u2028', '/', 'args', 'x'.repeat(700)];

function sample(rnd: (n: number) => number, depth = 0): unknown {
  switch (rnd(depth > 2 ? 4 : 6)) {
    case 0: return [0, -1, 12.5, -0.25e-7, 1e300, 123456789][rnd(6)];
    case 1: return awkward[rnd(awkward.length)];
    case 2: return [true, false, null][rnd(3)];
    case 3: return awkward[rnd(awkward.length)].repeat(1 + rnd(20));
    case 4: return Array.from({ length: rnd(5) }, () => sample(rnd, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rnd(5); i > 0; i--) o[['args', 'result', 'a', 'é', 'x"y', ''][rnd(6)]] = sample(rnd, depth + 1);
      return o;
    }
  }
}

test('skimming gives what JSON.parse gives, however the payload is cut and spaced', (t) => {
  const rnd = random(7);
  let rawSeen = 0;
  for (let round = 0; round < 1500; round++) {
    const message: Record<string, unknown> = { message_id: round, reply: true, result: sample(rnd), args: { session: 's', args: sample(rnd), timeout: 5 } };
    const text = JSON.stringify(message, null, rnd(2) ? undefined : rnd(2) ? 2 : '\t');
    const skimmed = skimMessage(cut(Buffer.from(text), rnd, rnd(2) ? 7 : 3000), 1 + rnd(40));
    t.truthy(skimmed);
    if (skimmed!.result instanceof RawJson || (skimmed!.args as Record<string, unknown>).args instanceof RawJson) rawSeen++;
    materialise(skimmed!);
    t.deepEqual(skimmed, JSON.parse(text));
  }
  t.true(rawSeen > 100, 'large values were kept raw');
});

test('only a large reply result or request args.args stays raw, as views of the received bytes', (t) => {
  const big = 'z'.repeat(5000);
  const payload = Buffer.from(JSON.stringify({ message_id: 3, result: big, other: big, args: { args: big, keep: big } }));
  const skimmed = skimMessage([payload], 1000)!;
  t.true(skimmed.result instanceof RawJson);
  t.true((skimmed.args as Record<string, unknown>).args instanceof RawJson);
  t.is(skimmed.other, big);
  t.is((skimmed.args as Record<string, unknown>).keep, big);
  t.is((skimmed.result as RawJson).parts[0].buffer, payload.buffer, 'not copied');
  const small = skimMessage([Buffer.from('{"result":"tiny","__proto__":{"polluted":1}}')], 1000)!;
  t.is(small.result, 'tiny');
  t.deepEqual(Object.keys(small), ['result', '__proto__']);
  t.is(Object.getPrototypeOf(small), Object.prototype);
});

test('skimming refuses exactly what JSON.parse refuses, inside values kept raw too', (t) => {
  // Raw values are never parsed by the hub, so the scanner alone must refuse these.
  const badValues = [
    '"ctrl\u0001char"', '"\\x"', '"\\u12G4"', '[1,2,]', '{"a":1,}', '01', '-', '1.', '.5', '1e', '1e+',
    'tru', 'nulL', '{"a" 1}', '"open', '[1,2}', '{"b":1]', '{a:1}', '[' + '1,'.repeat(50) + ']', '[1 2]', '"a"b',
  ];
  const bad = badValues.flatMap((v) => [`{"result":${v}}`, `{"message_id":1,"args":{"session":"s","args":${v}}}`]);
  bad.push('{"result":1} x', '{"result":1}}', '{"result":1', '{', '{"result":1,}');
  for (const text of bad) {
    t.throws(() => JSON.parse(text), undefined, text);
    t.throws(() => skimMessage(cut(Buffer.from(text), random(text.length), 3), 1), undefined, text);
    t.throws(() => skimMessage([Buffer.from(text)], 1), undefined, text);
  }
  const good = ['{}', ' {"a" : [ ] , "b":{ } } ', '{"result":-0.5E+3,"b":0,"c":[true,false,null]}', '{"result":"\\u00e9\\n\\/"}', '{"result":0}'];
  for (const text of good) {
    const skimmed = skimMessage(cut(Buffer.from(text), random(3), 2), 1)!;
    materialise(skimmed);
    t.deepEqual(skimmed, JSON.parse(text), text);
  }
  t.is(skimMessage([Buffer.from('[1]')], 1), undefined, 'not an object: left to the ordinary parse');
});

test('a decoder with a raw threshold keeps large frames as received chunks and counts them pending until whole', (t) => {
  const big = { message_id: 9, reply: true, result: { list: Array.from({ length: 3000 }, (_, i) => `item ${i} é`) } };
  const frame = encodeFrame(big);
  const decoder = new FrameDecoder();
  decoder.rawThreshold = 4096;
  const out: object[] = [];
  for (let i = 0; i < frame.length; i += 1000) {
    out.push(...decoder.push(frame.subarray(i, i + 1000)));
    if (i + 1000 < frame.length) t.true(decoder.pendingBytes > 0);
  }
  t.is(out.length, 1);
  t.is(decoder.pendingBytes, 0);
  const message = out[0] as Record<string, unknown>;
  t.true(message.result instanceof RawJson);
  // Written on, the raw bytes make a frame any decoder reads back to the same value.
  const forwarded = Buffer.concat(encodeFrameWithRaw({ message_id: 1, reply: true, result: message.result }, 'result', message.result as RawJson));
  t.deepEqual(new FrameDecoder().push(forwarded), [{ message_id: 1, reply: true, result: big.result }]);
  // A RawJson that reaches JSON.stringify is written as its value, ASCII escapes included.
  t.is(toJson({ v: new RawJson([Buffer.from('"é"')]) }, true), '{"v":"\\u00e9"}');
});

async function startHub(t: { teardown(fn: () => unknown): void }) {
  const hub = new Hub({ pingInterval: 0 });
  await hub.listen();
  t.teardown(() => hub.stop('test over'));
  return hub;
}

test('large payloads go through the hub both ways and arrive as values', async (t) => {
  const hub = await startHub(t);
  const seen: unknown[] = [];
  const dcc = await connectFakeDcc({ port: hub.port, token: hub.token, functions: { keep: (a) => { seen.push(a); return { echoed: a }; } } });
  t.teardown(() => dcc.peer.close());
  const c = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => c.close());
  const payload = { text: 'scène ✓ '.repeat(60_000), list: Array.from({ length: 20_000 }, (_, i) => i) };
  t.deepEqual(await c.call('fakedcc', 'keep', payload), { echoed: payload });
  t.deepEqual(seen, [payload], 'the DCC got a parsed value, not raw bytes');
  t.is(await c.call('fakedcc', 'big', 1_000_000).then((s) => (s as string).length), 1_000_000);
  t.is(await c.call('fakedcc', 'add', [1, 2]), 3, 'small calls still work on the same connections');
});

test('a malformed large reply closes the DCC connection only: the tool gets an error, not a broken frame', async (t) => {
  const hub = await startHub(t);
  const dcc = await rawConnect(hub.port);
  dcc.send({ message_id: 1, request: 'hello', args: { protocol: PROTOCOL_VERSION, token: hub.token, role: 'dcc', dcc: 'rawdcc', pid: process.pid } });
  await dcc.next();
  const c = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => c.close());
  const pending = c.call('rawdcc', 'echo', 'x'.repeat(400_000), { timeout: PATIENCE_MS });
  const request = await dcc.next() as { message_id: number; args: string };
  t.is(request.args.length, 400_000);
  const text = `{"message_id":${request.message_id},"reply":true,"result":"${'y'.repeat(400_000)}\u0001"}`;
  const body = Buffer.from(text);
  const header = Buffer.alloc(6);
  header.write('AH', 0, 'latin1');
  header.writeUInt32BE(body.length, 2);
  dcc.socket.write(Buffer.concat([header, body]));
  await t.throwsAsync(pending, { message: /connection lost|not connected|closed/ });
  await dcc.closed;
  t.is(await c.ping(), 'pong', 'the tool connection is fine');
});

test('a raw payload to a peer that must write ASCII is written as escaped JSON', async (t) => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const socket = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  const far = await accepted;
  // Read until the whole frame has arrived (however the write was cut), not for a fixed time.
  const arrived = new Promise<{ written: Buffer; messages: unknown[] }>((resolve) => {
    const chunks: Buffer[] = [];
    far.on('data', (d: Buffer) => {
      chunks.push(d);
      const written = Buffer.concat(chunks);
      const messages = new FrameDecoder().push(written);
      if (messages.length) resolve({ written, messages });
    });
  });
  const peer = new RpcPeer(socket, { ascii: true, callTimeout: 0 });
  t.teardown(() => { peer.close(); far.destroy(); });
  void peer.call({ function: 'f', args: new RawJson([Buffer.from('{"s":"é'), Buffer.from('✓"}')]) }).catch(() => {});
  const { written, messages } = await withTimeout(arrived, PATIENCE_MS, 'the frame');
  t.true([...written].every((b) => b < 0x80));
  t.deepEqual(messages, [{ message_id: 1, function: 'f', args: { s: 'é✓' } }]);
});

test('call timeouts share one timer: a short one expires on time behind a long one, and later ones still fire', async (t) => {
  const server = net.createServer((socket) => { socket.on('data', () => {}); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const socket = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  await new Promise((resolve) => socket.once('connect', resolve));
  const peer = new RpcPeer(socket, { label: 'silent' });
  t.teardown(() => peer.close());
  const long = peer.request('slow', undefined, { timeout: 600_000 });
  long.catch(() => {});
  // Were the shared timer left on the later deadline, these would hang past the guard.
  await t.throwsAsync(withTimeout(peer.request('quick', undefined, { timeout: 80 }), PATIENCE_MS, 'quick timeout'), { message: /no reply to request "quick" within 80 ms/ });
  await t.throwsAsync(withTimeout(peer.call({ function: 'a.b' }, { timeout: 40 }), PATIENCE_MS, 'second timeout'), { message: /function a.b within 40 ms/ });
  t.is(peer.pendingCalls, 1);
  peer.close('done');
  await t.throwsAsync(long, { message: /connection lost while waiting for request "slow"/ });
});

test('a decoder fed one reused read buffer (connectSocket) copies what it keeps: frames cut anywhere decode whole', (t) => {
  const big = { message_id: 7, reply: true, result: { list: Array.from({ length: 2000 }, (_, i) => `item ${i} é`) } };
  const messages = [
    { message_id: 1, function: 'node.subNodes', args: 'Top' },
    big,
    { message_id: 2, reply: true, result: 'scène' },
    { message_id: 3, request: 'hub.call', args: { session: 'x', function: 'f', args: { list: big.result.list } } },
  ];
  const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));
  for (const seed of [1, 2, 3, 4, 5]) {
    const next = random(seed);
    for (const threshold of [Infinity, 4096]) {
      const decoder = new FrameDecoder();
      decoder.rawThreshold = threshold;
      const reused = Buffer.alloc(8192);
      const out: object[] = [];
      for (let pos = 0; pos < stream.length;) {
        const n = Math.min(stream.length - pos, 1 + next(reused.length));
        stream.copy(reused, 0, pos, pos + n);
        out.push(...decoder.push(reused.subarray(0, n), true));
        reused.fill(0x7b); // the next read overwrites it
        pos += n;
      }
      t.is(decoder.pendingBytes, 0);
      const values = out.map((m) => { materialise(m as Record<string, unknown>); return m; });
      t.deepEqual(values, messages, `seed ${seed}, threshold ${threshold}`);
    }
  }
});
