/**
 * Hostile peers before their hello (issue 15): memory held, control bytes logged, headers that can never
 * be valid. The memory case runs against a real hub process and reads its RSS from /proc.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Hub } from '../kit/hub/server.ts';
import { RotatingLog } from '../kit/hub/log.ts';
import { connectHub } from '../kit/hub/client.ts';
import { FrameDecoder, FrameError } from '../kit/protocol/frame.ts';
import { sandbox } from './support/cli.ts';
import { withTimeout } from './support/raw.ts';
import { PATIENCE_MS } from './support/patience.ts';

const MiB = 1024 * 1024;

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => { /* the hub resets us: expected */ });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  return socket;
}

/** Sends `bytes` of spaces after a header announcing `announced` bytes; resolves when sent or when the hub closed us. */
async function announceAndSend(socket: net.Socket, announced: number, bytes: number): Promise<void> {
  const header = Buffer.alloc(6);
  header.write('AH', 0, 'latin1');
  header.writeUInt32BE(announced, 2);
  socket.write(header);
  const piece = Buffer.alloc(64 * 1024, 0x20);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let sent = 0;
  while (sent < bytes && !socket.destroyed) {
    sent += piece.length;
    if (!socket.write(piece)) await Promise.race([new Promise((r) => socket.once('drain', r)), closed]);
  }
  if (!socket.destroyed) await Promise.race([new Promise<void>((r) => socket.write('', () => r())), closed]);
}

function tempLog(t: { teardown(fn: () => unknown): void }): RotatingLog {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-hardening-'));
  const log = new RotatingLog(path.join(dir, 'hub.log'));
  t.teardown(() => { log.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  return log;
}

test('connections announcing 64 MiB without a hello are closed early and the hub process does not hold their bytes', async (t) => {
  if (process.platform !== 'linux') { t.pass('RSS is read from /proc'); return; }
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const hub = await sb.json<{ pid: number; port: number }>(['hub', 'start', '--json']);
  const idle = rssOf(hub.pid);
  const CONNECTIONS = 16;
  const SENT = 6 * MiB;
  const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => connect(hub.port)));
  const closedByHub = sockets.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
  await Promise.all(sockets.map((s) => announceAndSend(s, 64 * MiB, SENT)));
  const during = rssOf(hub.pid);
  // Without a hello, a frame over a few KiB closes the connection: every one of them is closed by the hub.
  await withTimeout(Promise.all(closedByHub), PATIENCE_MS, 'the hub closing connections that sent a 64 MiB header before hello');
  t.log(`hub RSS idle ${(idle / MiB).toFixed(1)} MiB, after ${CONNECTIONS} x ${SENT / MiB} MiB sent: ${(during / MiB).toFixed(1)} MiB`);
  t.true(during - idle < 32 * MiB, `the hub grew by ${((during - idle) / MiB).toFixed(1)} MiB for ${CONNECTIONS * SENT / MiB} MiB sent before hello`);
  await until('the hub RSS back near idle', () => rssOf(hub.pid) - idle < 32 * MiB);
  const status = await sb.run(['hub', 'status', '--json']);
  t.is(status.code, 0);
});

// The cap on connections waiting for a hello (bursts pass, floods stay bounded): test/hub-prehello.test.ts.

test('a header whose length can never be valid is refused at the first bad byte, not at the hello timeout', async (t) => {
  const hub = new Hub({ pingInterval: 0, helloTimeout: 600_000, stallTimeout: 600_000, log: tempLog(t) });
  await hub.listen();
  t.teardown(() => hub.stop('test over'));
  const socket = await connect(hub.port);
  t.teardown(() => socket.destroy());
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(Buffer.from([0x41, 0x48, 0xff, 0xff, 0xff, 0xff]));
  await withTimeout(closed, PATIENCE_MS, 'the hub refusing AH ff ff ff ff');
  // The decoder refuses a non-hex text length as soon as the byte is there.
  t.throws(() => new FrameDecoder().push(Buffer.from('AH0z')), { instanceOf: FrameError, message: /bad text-form frame length "0z"/ });
  t.throws(() => new FrameDecoder().push(Buffer.from([0x41, 0x48, 0xff])), { instanceOf: FrameError });
});

test('peer bytes reach the hub log escaped: no ESC, carriage return or line of their own', async (t) => {
  const log = tempLog(t);
  const hub = new Hub({ pingInterval: 0, helloTimeout: 600_000, stallTimeout: 600_000, log });
  await hub.listen();
  t.teardown(() => hub.stop('test over'));
  const hostile = [
    Buffer.concat([Buffer.from('AH0'), Buffer.from('\x1b[2J\n2026-01-01T00:00:00.000Z error forged\r', 'latin1')]),
    (() => {
      const body = Buffer.from('{"request":\n"\x1b[31mhello\u0007\r', 'latin1');
      const header = Buffer.alloc(6);
      header.write('AH', 0, 'latin1');
      header.writeUInt32BE(body.length, 2);
      return Buffer.concat([header, body]);
    })(),
  ];
  for (const bytes of hostile) {
    const socket = await connect(hub.port);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(bytes);
    await withTimeout(closed, PATIENCE_MS, 'the hub dropping a hostile frame');
  }
  await until('two refusals logged', () => (fs.readFileSync(log.file, 'utf8').match(/dropped:/g) ?? []).length >= 2);
  const text = fs.readFileSync(log.file, 'utf8');
  t.log(text);
  t.false(/[\x00-\x08\x0b-\x1f\x7f]/.test(text), 'no control byte other than newline in the log');
  for (const line of text.split('\n').filter(Boolean)) t.regex(line, /^(\d{4}-\d\d-\d\dT\S+ (debug|info |warn |error) |    )/);
  t.false(/^2026-01-01T00:00:00\.000Z error forged/m.test(text), 'a peer cannot write a line of its own');
});

test('a frame body grows as its bytes arrive: announcing 64 MiB and sending 1 KiB holds far less than 64 MiB', (t) => {
  const decoders: FrameDecoder[] = [];
  const before = process.memoryUsage().arrayBuffers;
  // What an authenticated peer can do after its hello: announce the largest frame allowed, then send little.
  for (let i = 0; i < 8; i++) {
    const decoder = new FrameDecoder(64 * MiB);
    const header = Buffer.alloc(6);
    header.write('AH', 0, 'latin1');
    header.writeUInt32BE(64 * MiB, 2);
    t.deepEqual(decoder.push(header), []);
    t.deepEqual(decoder.push(Buffer.alloc(1024, 0x20)), []);
    decoders.push(decoder);
  }
  const held = process.memoryUsage().arrayBuffers - before;
  t.true(held < 8 * MiB, `8 decoders waiting for 64 MiB bodies hold ${(held / MiB).toFixed(1)} MiB after 1 KiB each`);
  t.is(decoders[0].pendingBytes, 6 + 1024);
});
