/**
 * Opening a tool connection to a hub: the socket and the hello. Shared by the client (connectHub) and the
 * hub starter (probing whether a hub answers), which therefore do not import each other.
 */
import type { RpcPeer } from '../protocol/peer.ts';
import { connectSocket, type PendingSocket } from '../protocol/socket.ts';
import { FrameError } from '../protocol/frame.ts';
import { PROTOCOL_VERSION, type HelloResult } from '../protocol/messages.ts';
import { DccKitError } from '../errors.ts';

export class HubNotRunningError extends DccKitError {
  constructor(message: string) { super(message, 'HUB_NOT_RUNNING'); }
}

export class NotAHubError extends DccKitError {
  constructor(message: string) { super(message, 'NOT_A_HUB'); }
}

export interface OpenPeerOptions {
  timeout?: number;
  callTimeout?: number;
  role?: 'tool';
  /** The hub's local socket (its runtime file's `socket`): tried first, the TCP port when it cannot be reached. */
  socket?: string;
}

/** Opens a socket and says hello as a tool. Rejects with NotAHubError when something else answers on the port. */
export async function openPeer(port: number, token: string, opts: OpenPeerOptions = {}): Promise<{ peer: RpcPeer; hello: HelloResult }> {
  const timeout = opts.timeout ?? 5000;
  const local = opts.socket ? await connectLocal(opts.socket, timeout) : null;
  const pending = local ?? await new Promise<PendingSocket>((resolve, reject) => {
    const pendingSocket = connectSocket({ host: '127.0.0.1', port });
    const s = pendingSocket.socket;
    const timer = setTimeout(() => { s.destroy(); reject(new HubNotRunningError(`connecting to 127.0.0.1:${port} timed out`)); }, timeout);
    s.once('connect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(pendingSocket); });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ECONNREFUSED'
        ? new HubNotRunningError(`no hub is listening on 127.0.0.1:${port}. Start it with: dcc-kit hub start`)
        : err);
    });
  });
  const socket = pending.socket;
  const peer = pending.peer({ callTimeout: opts.callTimeout ?? 30_000, label: local ? `hub ${opts.socket}` : `hub 127.0.0.1:${port}` });
  let protocolError: string | undefined;
  peer.on('protocol-error', (reason: string) => { protocolError = reason; });
  try {
    const hello = await peer.request('hello', { protocol: PROTOCOL_VERSION, token, role: opts.role ?? 'tool', pid: process.pid }, { timeout }) as HelloResult;
    if (!hello || typeof hello.session !== 'string') throw new NotAHubError(`127.0.0.1:${port} answered the hello without a session`);
    return { peer, hello };
  } catch (err) {
    peer.close('hello failed');
    socket.destroy();
    if (protocolError || err instanceof FrameError) {
      throw new NotAHubError(`127.0.0.1:${port} is not a dcc-kit hub (it answered: ${protocolError ?? (err as Error).message}). Another program uses this port: change hub.port in .dcckitrc or stop that program`);
    }
    if ((err as DccKitError).code === 'CALL_TIMEOUT') {
      throw new NotAHubError(`127.0.0.1:${port} accepted a connection but did not answer the hello: it is not a dcc-kit hub, or the hub is stuck. Change hub.port in .dcckitrc or stop that program`);
    }
    throw err;
  }
}

/** The local socket, or null when it is not there or nobody listens on it (a hub that died left it). */
function connectLocal(file: string, timeout: number): Promise<PendingSocket | null> {
  return new Promise((resolve) => {
    const pending = connectSocket({ path: file });
    const s = pending.socket;
    const timer = setTimeout(() => { s.destroy(); resolve(null); }, timeout);
    s.once('connect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(pending); });
    s.once('error', () => { clearTimeout(timer); s.destroy(); resolve(null); });
  });
}
