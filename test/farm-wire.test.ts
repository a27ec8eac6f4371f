import test from 'ava';
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  FarmConnectionError,
  FarmNoReplyError,
  FarmProtocolError,
  FarmTimeoutError,
} from '../kit/farm/errors.ts';
import { encodeRequest, exchange, parseReplyHeader } from '../kit/farm/wire.ts';

/** A one-off TCP server whose behaviour per connection the test scripts. */
async function scriptedServer(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close: () => Promise<void>; sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a request is the header and the body in one buffer, exactly as afserver expects', (t) => {
  const bytes = encodeRequest({ get: { type: 'jobs' } });
  t.is(bytes.toString('latin1'), 'AFANASY 23 JSON{"get":{"type":"jobs"}}');
  t.is(bytes.length, 38);
});

test('the declared length counts UTF-8 bytes, not characters', (t) => {
  const body = { job: { name: 'シーン_über' } };
  const bytes = encodeRequest(body);
  const json = JSON.stringify(body);
  const header = bytes.toString('latin1', 0, bytes.indexOf('JSON') + 4);
  t.is(header, `AFANASY ${Buffer.byteLength(json)} JSON`);
  t.not(Buffer.byteLength(json), json.length);
  t.is(bytes.subarray(header.length).toString('utf8'), json);
});

test('reply headers: complete, incomplete and foreign', (t) => {
  t.deepEqual(parseReplyHeader(Buffer.from('AFANASY 22 JSON{')), { kind: 'header', bodyLength: 22, headerBytes: 15 });
  t.deepEqual(parseReplyHeader(Buffer.from('AFAN')), { kind: 'incomplete' });
  t.deepEqual(parseReplyHeader(Buffer.from('AFANASY 22 JS')), { kind: 'incomplete' });
  t.is(parseReplyHeader(Buffer.from('HTTP/1.1 400 Bad Request\r\n')).kind, 'invalid');
  t.is(parseReplyHeader(Buffer.from('AFANASY x JSON{}')).kind, 'invalid');
  t.is(parseReplyHeader(Buffer.from('AFANASY 99999999999 JSON{')).kind, 'invalid');
});

test('reads exactly the declared reply, split in pieces, ignores the padding and closes first', async (t) => {
  let clientEnded = false;
  let padding: NodeJS.Timeout | undefined;
  const server = await scriptedServer((socket) => {
    socket.once('data', async () => {
      const reply = Buffer.from('AFANASY 22 JSON{\n"id":2,\n"serial":1\n}');
      // Deliver the reply a few bytes at a time, then probe with spaces like afserver, never closing.
      for (let i = 0; i < reply.length; i += 5) {
        socket.write(reply.subarray(i, i + 5));
        await sleep(2);
      }
      padding = setInterval(() => {
        if (socket.writable) socket.write(' ');
        else clearInterval(padding);
      }, 5);
    });
    socket.on('end', () => {
      clientEnded = true;
      clearInterval(padding);
    });
    socket.on('close', () => clearInterval(padding));
  });
  t.teardown(server.close);
  const reply = await exchange({ host: '127.0.0.1', port: server.port, timeoutMs: 15_000 }, { job: {} });
  t.deepEqual(reply, { id: 2, serial: 1 });
  while (server.sockets.size > 0) await sleep(5);
  t.true(clientEnded, 'the client closed the connection, the server never did');
});

test('a connection closed without a reply is a FarmNoReplyError naming host:port', async (t) => {
  const server = await scriptedServer((socket) => socket.once('data', () => socket.destroy()));
  t.teardown(server.close);
  const err = await t.throwsAsync(exchange({ host: '127.0.0.1', port: server.port, timeoutMs: 15_000 }, { job: {} }), { instanceOf: FarmNoReplyError });
  t.is(err.received, 0);
  t.true(err.message.includes(`127.0.0.1:${server.port}`));
  t.regex(err.message, /without replying/);
  t.is(err.code, 'FARM_NO_REPLY');
});

test('a reply cut short is a FarmNoReplyError saying how much arrived', async (t) => {
  const server = await scriptedServer((socket) => socket.once('data', () => socket.end('AFANASY 22 JSON{\n"id"')));
  t.teardown(server.close);
  const err = await t.throwsAsync(exchange({ host: '127.0.0.1', port: server.port, timeoutMs: 15_000 }, { job: {} }), { instanceOf: FarmNoReplyError });
  t.is(err.received, 21);
  t.regex(err.message, /after 21 of 37 reply bytes/);
});

test('a refused connection is a FarmConnectionError naming host:port', async (t) => {
  const port = await closedPort();
  const err = await t.throwsAsync(exchange({ host: '127.0.0.1', port, timeoutMs: 15_000 }, { get: { type: 'jobs' } }), { instanceOf: FarmConnectionError });
  t.is(err.reason, 'ECONNREFUSED');
  t.true(err.message.includes(`127.0.0.1:${port}`));
  t.regex(err.message, /refused/);
});

test('a server that accepts but never answers is a FarmTimeoutError', async (t) => {
  const server = await scriptedServer(() => {});
  t.teardown(server.close);
  // A timeout a busy machine cannot miss while connecting: the test is about the reply that never comes.
  const err = await t.throwsAsync(exchange({ host: '127.0.0.1', port: server.port, timeoutMs: 3000 }, { get: { type: 'jobs' } }), { instanceOf: FarmTimeoutError });
  t.is(err.phase, 'reply');
  t.true(err.message.includes(`127.0.0.1:${server.port}`));
  t.regex(err.message, /3000 ms/);
});

test('a reply body that is not JSON is a FarmProtocolError', async (t) => {
  const server = await scriptedServer((socket) => socket.once('data', () => socket.write('AFANASY 11 JSONhello world   ')));
  t.teardown(server.close);
  const err = await t.throwsAsync(exchange({ host: '127.0.0.1', port: server.port, timeoutMs: 15_000 }, { get: { type: 'jobs' } }), { instanceOf: FarmProtocolError });
  t.regex(err.message, /not JSON/);
  t.true(err.message.includes(`127.0.0.1:${server.port}`));
});

test('a reply from something that is not afserver is a FarmProtocolError', async (t) => {
  const server = await scriptedServer((socket) => socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n')));
  t.teardown(server.close);
  const err = await t.throwsAsync(exchange({ host: '127.0.0.1', port: server.port, timeoutMs: 15_000 }, { get: { type: 'jobs' } }), { instanceOf: FarmProtocolError });
  t.regex(err.message, /HTTP\/1\.1 400/);
});

test('non-ASCII replies are read by byte length', async (t) => {
  const body = Buffer.from('{"name":"ショット_ü"}', 'utf8');
  const server = await scriptedServer((socket) => socket.once('data', () => socket.write(Buffer.concat([Buffer.from(`AFANASY ${body.length} JSON`), body, Buffer.from('   ')]))));
  t.teardown(server.close);
  t.deepEqual(await exchange({ host: '127.0.0.1', port: server.port, timeoutMs: 15_000 }, { get: { type: 'jobs' } }), { name: 'ショット_ü' });
});
