/**
 * A bench-side echo peer, run as its own process by bench/support/processes.ts:
 *   raw      the raw node:net AH echo server (the baseline); reports `port`
 *   peer     an RpcPeer server answering every request with its args; reports `port`
 *   servers  both of them, each on its own port (`rawPort`, `rpcPort`). One process for both, so two
 *            cases compared share the same process placement on the CPUs (which swings latency by 4x).
 *   relay    a raw AH relay to the raw echo server at `port` (the two-hop floor); reports `port`
 *   dcc      a DCC-role RpcPeer connected to a hub, answering function "echo" with its args; reports `session`
 * It reports `{ready: true, ...}` over the IPC channel and exits when that channel closes.
 */
import net from 'node:net';
import { RpcPeer } from '../../kit/protocol/peer.ts';
import { connectSocket } from '../../kit/protocol/socket.ts';
import { PROTOCOL_VERSION, type HelloResult } from '../../kit/protocol/messages.ts';
import { listenRawEcho, listenRawRelay } from './raw-ah.ts';

function report(message: Record<string, unknown>): void {
  process.send!({ ready: true, ...message });
}

async function listenRpcEcho(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const peer = new RpcPeer(socket, { label: 'bench echo', onRequest: (msg) => msg.args ?? null });
    peer.on('close', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  return server;
}

async function serveDccEcho(port: number, token: string, maxFrameBytes: number): Promise<void> {
  // Connected as the kit's clients connect (connectSocket: reads without the stream machinery).
  const pending = connectSocket({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => { pending.socket.once('connect', resolve); pending.socket.once('error', reject); });
  const peer = pending.peer({ label: 'bench dcc', maxFrameBytes });
  peer.onRequest = (msg) => {
    if (msg.function === 'echo') return msg.args ?? null;
    if (msg.request === 'ping') return 'pong';
    throw new ReferenceError(`${String(msg.function ?? msg.request)} is not defined`);
  };
  peer.on('close', (reason: string) => { console.error(`bench dcc: hub connection closed (${reason})`); process.exit(1); });
  const hello = await peer.request('hello', {
    protocol: PROTOCOL_VERSION, token, role: 'dcc', dcc: 'benchdcc', pid: process.pid, version: '1.0',
  }) as HelloResult;
  report({ session: hello.session });
}

async function main(): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  const [mode, port, token, maxFrameBytes] = process.argv.slice(2);
  const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;
  if (mode === 'raw') {
    report({ port: portOf(await listenRawEcho()) });
  } else if (mode === 'peer') {
    report({ port: portOf(await listenRpcEcho()) });
  } else if (mode === 'servers') {
    const raw = await listenRawEcho();
    const rpc = await listenRpcEcho();
    report({ rawPort: portOf(raw), rpcPort: portOf(rpc) });
  } else if (mode === 'relay') {
    report({ port: portOf(await listenRawRelay(Number(port))) });
  } else if (mode === 'dcc') {
    await serveDccEcho(Number(port), token, Number(maxFrameBytes));
  } else {
    throw new Error(`unknown mode "${mode}" (raw, peer, servers, relay or dcc)`);
  }
}

main().catch((err) => { console.error(`bench echo process: ${(err as Error).stack ?? String(err)}`); process.exit(1); });
