/**
 * Issue 21 item 9: the cap on connections waiting to say hello lets legitimate bursts through (100 DCCs or tools
 * connecting at once all get in), while a flood of idle pre-hello sockets stays bounded and a peer that says
 * hello still gets in during it.
 */
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import { PRE_HELLO_HARD_CAP } from '../kit/hub/server.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { connectHub } from '../kit/hub/client.ts';
import { encodeFrame, FrameDecoder } from '../kit/protocol/frame.ts';
import { PROTOCOL_VERSION } from '../kit/protocol/messages.ts';
import { sandbox } from './support/cli.ts';
import { withTimeout } from './support/raw.ts';
import { PATIENCE_MS } from './support/patience.ts';

interface HubProcess { port: number; token: string; stats(): Promise<Record<string, unknown>> }

/** A real hub process (`dcc-kit hub start`), as DCCs and tools meet it. */
async function startHub(t: { teardown(fn: () => unknown): void }): Promise<HubProcess> {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { port } = await sb.json<{ port: number }>(['hub', 'start', '--json']);
  const { token } = JSON.parse(fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).runtimeFile, 'utf8')) as { token: string };
  const client = await connectHub({ port, token });
  t.teardown(() => client.close());
  return { port, token, stats: () => client.stats() as Promise<Record<string, unknown>> };
}

function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => { /* closed by the hub: counted by the caller */ });
  return new Promise((resolve, reject) => { socket.once('connect', () => resolve(socket)); socket.once('error', reject); });
}

/** Says hello on a connected socket; resolves with the hub's answer, or with "closed" when the hub closed it first. */
function hello(socket: net.Socket, token: string): Promise<{ session?: string } | 'closed'> {
  const decoder = new FrameDecoder();
  return new Promise((resolve) => {
    socket.on('data', (chunk) => {
      for (const msg of decoder.push(chunk) as { reply?: boolean; result?: { session?: string } }[]) if (msg.reply) resolve(msg.result ?? {});
    });
    socket.once('close', () => resolve('closed'));
    socket.write(encodeFrame({ message_id: 1, request: 'hello', args: { protocol: PROTOCOL_VERSION, token, role: 'tool', pid: process.pid } }));
  });
}

/** `n` sockets all connected before any of them says hello, then all saying hello: how many got a session. */
async function burst(hub: HubProcess, n: number, t: { teardown(fn: () => unknown): void }): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: n }, () => connect(hub.port)));
  t.teardown(() => { for (const s of sockets) s.destroy(); });
  const answers = await withTimeout(Promise.all(sockets.map((s) => hello(s, hub.token))), PATIENCE_MS, `${n} hellos answered`);
  return answers.filter((a) => a !== 'closed' && typeof a.session === 'string').length;
}

test('100 connections to a hub process opened at once, then all saying hello: every one gets in', async (t) => {
  const hub = await startHub(t);
  t.is(await burst(hub, 100, t), 100);
  t.is(await burst(hub, 200, t), 200, 'a second, larger burst too');
});

test('a flood of idle pre-hello sockets stays bounded, and peers saying hello still get in during it', async (t) => {
  const hub = await startHub(t);
  const FLOOD = PRE_HELLO_HARD_CAP + 200;
  const flood: net.Socket[] = [];
  let closedByHub = 0;
  t.teardown(() => { for (const s of flood) s.destroy(); });
  for (let i = 0; i < FLOOD; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, FLOOD - i) }, () => connect(hub.port)));
    for (const s of batch) { s.once('close', () => { closedByHub++; }); flood.push(s); }
  }
  const waiting = async () => (await hub.stats()).waitingForHello as number;
  const during = await waiting();
  t.true(during <= PRE_HELLO_HARD_CAP, `${during} connections waiting for a hello`);
  await withTimeout((async () => { while (closedByHub < FLOOD - PRE_HELLO_HARD_CAP) await new Promise((r) => setImmediate(r)); })(), PATIENCE_MS, 'the oldest flood sockets closed');
  t.is(await burst(hub, 100, t), 100, 'a burst of real hellos during the flood all get in');
  const client = await connectHub({ port: hub.port, token: hub.token });
  t.teardown(() => client.close());
  t.truthy(await client.stats());
  t.true(await waiting() <= PRE_HELLO_HARD_CAP);
});
