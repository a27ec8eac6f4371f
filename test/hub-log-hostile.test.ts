/**
 * Issue 21 item 12: the hub log under hostile peers. A peer's newline cannot start a line (forged or indented),
 * direction marks like U+202E are written visibly escaped, and refused connections are logged at most a few
 * times per source, then summed up in one line ("N more connections refused from X").
 */
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Hub } from '../kit/hub/server.ts';
import { RotatingLog } from '../kit/hub/log.ts';
import { encodeFrame } from '../kit/protocol/frame.ts';
import { withTimeout } from './support/raw.ts';
import { PATIENCE_MS } from './support/patience.ts';

const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info |warn |error) \S/;

async function hubWithLog(t: { teardown(fn: () => unknown): void }): Promise<{ hub: Hub; log: RotatingLog }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-hostile-log-'));
  const log = new RotatingLog(path.join(dir, 'hub.log'));
  const hub = new Hub({ pingInterval: 0, helloTimeout: 600_000, stallTimeout: 600_000, log });
  await hub.listen();
  t.teardown(async () => { await hub.stop('test over'); log.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  return { hub, log };
}

/** Connects, sends one frame, resolves when the hub has closed the connection. */
async function refusedFrame(port: number, frame: object): Promise<void> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.resume(); // read the refusal, so the close is seen
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(encodeFrame(frame));
  await closed;
}

test('a peer\'s newline and direction marks are escaped: every line of the log is a record of the hub', async (t) => {
  const { hub, log } = await hubWithLog(t);
  const forged = 'x\n2026-01-01T00:00:00.000Z error forged by a peer\r\u202egnp.exe\u2066\t\u0085';
  await withTimeout(refusedFrame(hub.port, { message_id: 1, request: forged }), PATIENCE_MS, 'the refusal');
  await hub.stop('test over');
  const text = fs.readFileSync(log.file, 'utf8');
  t.log(text);
  t.regex(text, /refused: first frame must be a hello request \(got request "x\\n2026-01-01T00:00:00\.000Z error forged by a peer\\r\\u202egnp\.exe\\u2066\\t\\x85"\)/);
  for (const line of text.split('\n').filter(Boolean)) t.regex(line, LINE);
  t.false(/[\u202e\u2066\u0085\r\t]/.test(text), 'no raw direction mark or control character');
});

test('refused connections are logged a few times per source, then counted in one summary line', async (t) => {
  const { hub, log } = await hubWithLog(t);
  const N = 300;
  for (let i = 0; i < N; i += 50) {
    await withTimeout(Promise.all(Array.from({ length: 50 }, () => refusedFrame(hub.port, { message_id: 1, request: 'not-a-hello' }))), PATIENCE_MS, 'refusals');
  }
  await hub.stop('test over');
  const text = fs.readFileSync(log.file, 'utf8');
  const refusedLines = text.split('\n').filter((l) => l.includes('refused: first frame'));
  t.true(refusedLines.length <= 20, `${refusedLines.length} refusal lines for ${N} connections`);
  const summaries = [...text.matchAll(/(\d+) more connections refused from 127\.0\.0\.1 in \d+ s/g)].map((m) => Number(m[1]));
  t.true(summaries.length >= 1, text.slice(-500));
  t.is(refusedLines.length + summaries.reduce((a, b) => a + b, 0), N, 'every refusal is logged or counted');
});
