/**
 * The hub: one per user and machine, on 127.0.0.1 only. Authenticates every peer with a hello,
 * keeps the session registry, serves named requests, and routes tool calls into DCC sessions.
 */
import net from 'node:net';
import fsp from 'node:fs/promises';
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { RpcPeer, DeferredReply } from '../protocol/peer.ts';
import { PROTOCOL_VERSION, type HelloArgs, type RequestMessage, type RequestBody } from '../protocol/messages.ts';
import { SessionClosedError } from '../protocol/errors.ts';
import { DccKitError } from '../errors.ts';
import { SessionRegistry, describe, shortPrefixHint, startHint, type Session, type SessionEvent } from './sessions.ts';
import { schedulingName, schedulingPolicyOf } from '../scheduling.ts';
import { builtInAdapterNames, type AdapterRegistry, type HubServices, type LegacyProtocol, type SessionInfo } from '../adapter.ts';
import { SourceLimitedLog, silentLog, type Logger } from './log.ts';
import { KIT_VERSION } from '../version.ts';
import { own } from '../own.ts';

export interface HubOptions {
  port?: number;
  token?: string;
  callTimeout?: number;
  pingInterval?: number;
  maxFrameBytes?: number;
  /** A connection must say hello within this many ms. */
  helloTimeout?: number;
  /** An incomplete frame older than this closes its connection. */
  stallTimeout?: number;
  /** How long a disconnected DCC session is kept for its reconnection. */
  reconnectGrace?: number;
  adapters?: AdapterRegistry;
  log?: Logger;
  config?: unknown;
  home?: string;
  /** Also listen on this Unix socket, for tools on this machine (hubPaths().socketFile). */
  socketPath?: string | null;
}

export class HubError extends DccKitError {}

export class UnknownRequestError extends DccKitError {
  constructor(name: string, known: string[]) {
    super(`unknown request "${name}" (this peer may call: ${known.join(', ')})`, 'UNKNOWN_REQUEST');
    this.name = 'UnknownRequestError';
  }
}

interface ToolState { subscribed: boolean; inflight: Set<(err: Error) => void> }

/** A routed payload at least this large is forwarded as the bytes received, without parsing it (raw-json.ts). */
const RAW_FORWARD_BYTES = 256 * 1024;

/** Until its hello, a connection may send frames of at most this many bytes (a hello is a few hundred). */
export const PRE_HELLO_FRAME_BYTES = 16 * 1024;
/**
 * Connections waiting to say hello. A DCC or tool says hello within milliseconds of connecting, so a burst of
 * hundreds of them (a farm of DCCs starting, a script opening many tools) passes as long as few connections sit
 * idle. Beyond PRE_HELLO_SOFT_CAP, a new connection closes the oldest waiting one that has been idle longer than
 * PRE_HELLO_GRACE_MS (no legitimate peer waits that long); beyond PRE_HELLO_HARD_CAP it closes the oldest
 * whatever its age. A flood of idle sockets therefore holds at most the hard cap (16 KiB each at most), and a
 * peer that connects and says hello at once always gets in: the newest connection is never the one closed.
 */
export const PRE_HELLO_SOFT_CAP = 256;
export const PRE_HELLO_HARD_CAP = 1024;
export const PRE_HELLO_GRACE_MS = 2000;
/** @deprecated the soft cap (kept for code that imported it). */
export const MAX_CONNECTIONS_BEFORE_HELLO = PRE_HELLO_SOFT_CAP;

const CORE_TOOL_REQUESTS = ['ping', 'hub.stats', 'hub.sessions', 'hub.call', 'hub.adapter', 'hub.subscribe', 'hub.stop'];

function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export class Hub extends EventEmitter {
  readonly token: string;
  readonly sessions: SessionRegistry;
  readonly log: Logger;
  /** Refused connections, logged up to 10 per source per 10 s, then counted. */
  private readonly refusals: SourceLimitedLog;
  private readonly opts: Required<Pick<HubOptions, 'callTimeout' | 'pingInterval' | 'maxFrameBytes' | 'helloTimeout' | 'stallTimeout'>>;
  private readonly server: net.Server;
  /** Connections open that have not said hello yet, with when they connected (bounded: see PRE_HELLO_SOFT_CAP). */
  private readonly awaitingHello = new Map<RpcPeer, number>();
  private readonly peers = new Set<RpcPeer>();
  private readonly tools = new Map<RpcPeer, ToolState>();
  private readonly dccPeers = new Map<RpcPeer, Session>();
  private readonly adapters: AdapterRegistry | undefined;
  private readonly requestedPort: number;
  private readonly socketPath: string | null;
  private localServer: net.Server | null = null;
  /** Names connections on the local socket, which have no remote port. */
  private localConnections = 0;
  /** A connection's remote port, or local-N on the local socket: its name in labels and tool session ids. */
  private readonly connectionNames = new WeakMap<RpcPeer, number | string>();
  /** The Unix socket the hub listens on (null: TCP only). */
  localSocket: string | null = null;
  private readonly tokenHash: Buffer;
  private startedAt = Date.now();
  private stopping = false;
  private readonly stopped = new AbortController();
  private closedPeerStats = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  readonly services: HubServices;
  port = 0;

  constructor(opts: HubOptions = {}) {
    super();
    this.token = opts.token ?? randomBytes(32).toString('hex');
    this.tokenHash = tokenDigest(this.token);
    this.requestedPort = opts.port ?? 0;
    this.socketPath = opts.socketPath ?? null;
    this.opts = {
      callTimeout: opts.callTimeout ?? 30_000,
      pingInterval: opts.pingInterval ?? 15_000,
      maxFrameBytes: opts.maxFrameBytes ?? 64 * 1024 * 1024,
      helloTimeout: opts.helloTimeout ?? 10_000,
      stallTimeout: opts.stallTimeout ?? 60_000,
    };
    this.log = opts.log ?? silentLog;
    this.refusals = new SourceLimitedLog(this.log);
    this.adapters = opts.adapters;
    this.sessions = new SessionRegistry(opts.reconnectGrace);
    this.sessions.on('event', (ev: SessionEvent) => this.onSessionEvent(ev));
    this.server = net.createServer((socket) => this.onConnection(socket));
    this.server.on('error', (err) => this.log.error(`listener error: ${err.message}`));
    const hub = this;
    this.services = {
      call: (session, body, o) => hub.callSession(session, body, o?.timeout),
      sessions: () => hub.sessions.list().map(describe),
      annotate: (id, notes) => {
        const s = hub.sessions.list().find((x) => x.id === id);
        if (s) s.notes = { ...(s.notes ?? {}), ...notes };
      },
      emit: (event, data) => hub.broadcast(event, data),
      config: opts.config,
      home: opts.home ?? '',
      log: this.log,
      stopping: this.stopped.signal,
    };
  }

  /** Binds 127.0.0.1 (and the local socket). Rejects with the listen error (EADDRINUSE for a taken fixed port). */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ port: this.requestedPort, host: '127.0.0.1', exclusive: true }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.startedAt = Date.now();
    if (this.socketPath) await this.listenLocal(this.socketPath);
    this.log.info(`hub listening on 127.0.0.1:${this.port}${this.localSocket ? ` and ${this.localSocket}` : ''} (pid ${process.pid})`);
    return this.port;
  }

  /**
   * The local socket for tools. The caller holds the hub lock, so a file already there is left by a hub that
   * died. A socket that cannot be made leaves the hub on TCP alone: tools fall back to the port.
   */
  private async listenLocal(file: string): Promise<void> {
    try {
      await fsp.rm(file, { force: true });
      const server = net.createServer((socket) => this.onConnection(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(file, () => { server.off('error', reject); resolve(); });
      });
      server.on('error', (err) => this.log.error(`local socket error: ${err.message}`));
      await fsp.chmod(file, 0o600);
      this.localServer = server;
      this.localSocket = file;
    } catch (err) {
      this.log.warn(`no local socket at ${file} (${(err as Error).message}): tools connect over TCP`);
    }
  }

  stats(): Record<string, unknown> {
    const totals = { ...this.closedPeerStats };
    for (const p of this.peers) {
      const s = p.stats();
      totals.framesIn += s.framesIn; totals.framesOut += s.framesOut;
      totals.bytesIn += s.bytesIn; totals.bytesOut += s.bytesOut;
    }
    return {
      pid: process.pid,
      port: this.port,
      socket: this.localSocket,
      version: KIT_VERSION,
      uptimeMs: Date.now() - this.startedAt,
      sessions: this.sessions.list().length,
      connections: this.peers.size,
      /** Connections that have not said hello yet (bounded: PRE_HELLO_HARD_CAP). */
      waitingForHello: this.awaitingHello.size,
      tools: this.tools.size,
      /** Open web pages (each holds one event stream). */
      pages: this.listenerCount('broadcast'),
      ...totals,
      rssBytes: process.memoryUsage().rss,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      scheduling: schedulingName(schedulingPolicyOf(process.pid)),
    };
  }

  private onConnection(socket: net.Socket): void {
    if (this.stopping) { socket.destroy(); return; }
    const connectionName = socket.remotePort ?? `local-${++this.localConnections}`;
    const peer = new RpcPeer(socket, {
      maxFrameBytes: this.opts.maxFrameBytes,
      callTimeout: this.opts.callTimeout,
      stallTimeout: this.opts.stallTimeout,
      label: `peer ${connectionName}`,
      rawThreshold: RAW_FORWARD_BYTES,
    });
    this.peers.add(peer);
    this.connectionNames.set(peer, connectionName);
    let greeted = false;
    // Before the hello only small frames: an unauthenticated peer must not make the hub hold megabytes.
    peer.limitIncomingFrames(Math.min(PRE_HELLO_FRAME_BYTES, this.opts.maxFrameBytes), 'the limit before a hello');
    this.makeRoomBeforeHello();
    this.awaitingHello.set(peer, Date.now());
    const greet = () => {
      if (greeted) return;
      greeted = true;
      this.awaitingHello.delete(peer);
      peer.limitIncomingFrames(this.opts.maxFrameBytes, 'hub.maxFrameBytes');
    };
    const helloTimer = setTimeout(() => {
      if (!greeted) this.reject(peer, `no hello within ${this.opts.helloTimeout} ms`);
    }, this.opts.helloTimeout);
    peer.on('protocol-error', (reason: string) => {
      if (greeted) this.log.warn(`${peer.label}: dropped: ${reason}`);
      else this.refusals.warn(this.sourceOf(peer), 'connections refused', `${peer.label}: dropped: ${reason}`);
    });
    peer.on('unmatched-reply', () => {
      if (!greeted) this.reject(peer, 'a reply arrived before hello');
    });
    peer.once('close', (reason: string) => {
      clearTimeout(helloTimer);
      this.awaitingHello.delete(peer);
      this.peers.delete(peer);
      const s = peer.stats();
      this.closedPeerStats.framesIn += s.framesIn; this.closedPeerStats.framesOut += s.framesOut;
      this.closedPeerStats.bytesIn += s.bytesIn; this.closedPeerStats.bytesOut += s.bytesOut;
      const tool = this.tools.get(peer);
      if (tool) {
        this.tools.delete(peer);
        for (const cancel of tool.inflight) cancel(new SessionClosedError('the tool disconnected'));
      }
      this.dccPeers.delete(peer);
      if (greeted) this.log.info(`${peer.label}: closed (${reason})`);
    });
    peer.onRequest = (msg) => {
      if (greeted) return undefined;
      const legacy = this.matchLegacy(msg);
      if (legacy) {
        greet();
        clearTimeout(helloTimer);
        this.acceptLegacy(peer, legacy.dcc, legacy.protocol, legacy.hello);
        return undefined;
      }
      if (msg.request !== 'hello') {
        this.reject(peer, `first frame must be a hello request (got ${describeFrame(msg)})`);
        throw new HubError('the first frame must be {"request": "hello", "args": {"protocol": 1, "token": ..., "role": ...}}', 'HELLO_REQUIRED');
      }
      const result = this.hello(peer, msg.args);
      greet();
      clearTimeout(helloTimer);
      return result;
    };
  }

  /** See PRE_HELLO_SOFT_CAP: the oldest waiting connections go, idle ones first, never the newest. */
  private makeRoomBeforeHello(): void {
    const waiting = this.awaitingHello.size;
    if (waiting < PRE_HELLO_SOFT_CAP) return;
    const [oldest, since] = this.awaitingHello.entries().next().value!;
    const idleMs = Date.now() - since;
    if (waiting < PRE_HELLO_HARD_CAP && idleMs < PRE_HELLO_GRACE_MS) return;
    this.awaitingHello.delete(oldest);
    this.reject(oldest, `${waiting} connections were waiting to say hello; this one the longest (${idleMs} ms)`);
  }

  /** Where a connection comes from, for the per-source limit on logged refusals. */
  private sourceOf(peer: RpcPeer): string {
    return peer.socket.remoteAddress ?? 'the local socket';
  }

  private reject(peer: RpcPeer, reason: string): void {
    this.refusals.warn(this.sourceOf(peer), 'connections refused', `${peer.label}: refused: ${reason}`);
    setImmediate(() => { peer.close(`refused: ${reason}`); peer.socket.destroy(); });
  }

  private hello(peer: RpcPeer, rawArgs: unknown) {
    const args = (rawArgs ?? {}) as Partial<HelloArgs>;
    const token = typeof args.token === 'string' ? args.token : '';
    if (!timingSafeEqual(tokenDigest(token), this.tokenHash)) {
      this.reject(peer, token ? 'wrong token' : 'hello without a token');
      throw new HubError('authentication failed: wrong or missing token (read it from the hub runtime file or DCC_KIT_TOKEN)', 'AUTH');
    }
    if (args.protocol !== PROTOCOL_VERSION) {
      this.reject(peer, `protocol ${String(args.protocol)} not supported`);
      throw new HubError(`protocol version ${String(args.protocol)} is not supported (this hub speaks ${PROTOCOL_VERSION})`, 'PROTOCOL');
    }
    const hub = { pid: process.pid, version: KIT_VERSION, protocol: PROTOCOL_VERSION };
    if (args.role === 'dcc') {
      if (typeof args.dcc !== 'string' || !/^[a-z][a-z0-9-]*$/.test(args.dcc)) {
        this.reject(peer, 'dcc hello without a valid dcc name');
        throw new HubError('a dcc hello must name its dcc (lower-case, e.g. "harmony")', 'HELLO');
      }
      const { session, resumed } = this.sessions.attach(peer, {
        dcc: args.dcc,
        pid: Number.isInteger(args.pid) ? args.pid as number : null,
        instance: typeof args.instance === 'string' && args.instance ? args.instance : null,
        version: typeof args.version === 'string' ? args.version : null,
        scene: typeof args.scene === 'string' && args.scene ? args.scene : null,
      });
      this.setupDccPeer(peer, session);
      return { session: session.id, hub, resumed };
    }
    if (args.role === 'tool') {
      const name = this.connectionNames.get(peer);
      peer.label = `tool ${name}`;
      this.tools.set(peer, { subscribed: false, inflight: new Set() });
      peer.onRequest = (msg) => this.onToolRequest(peer, msg);
      peer.keepRaw = (msg) => msg.request === 'hub.call';
      peer.startKeepalive(this.opts.pingInterval);
      this.log.info(`${peer.label}: tool connected`);
      return { session: `tool-${name}`, hub };
    }
    this.reject(peer, `unknown role ${String(args.role)}`);
    throw new HubError('hello role must be "dcc" or "tool"', 'HELLO');
  }

  private setupDccPeer(peer: RpcPeer, session: Session, legacy?: LegacyProtocol): void {
    peer.label = `${session.dcc} ${session.pid ?? '?'}`;
    this.dccPeers.set(peer, session);
    peer.onRequest = (msg) => this.onDccRequest(peer, session, msg, legacy);
    if (!legacy) peer.startKeepalive(this.opts.pingInterval);
    this.log.info(`${peer.label}: session ${session.id} connected${session.scene ? ` (${session.scene})` : ''}`);
  }

  private matchLegacy(msg: RequestMessage): { dcc: string; protocol: LegacyProtocol; hello: { version?: string; scene?: string } } | null {
    if (!this.adapters || msg.request !== undefined) return null;
    for (const adapter of this.adapters.loadedAdapters()) {
      const legacy = adapter.legacy;
      if (!legacy || !legacy.enabled(this.services.config)) continue;
      const hello = legacy.matchHello(msg);
      if (hello) return { dcc: adapter.name, protocol: legacy, hello };
    }
    return null;
  }

  private acceptLegacy(peer: RpcPeer, dcc: string, protocol: LegacyProtocol, hello: { version?: string; scene?: string }): void {
    peer.ascii = protocol.asciiOnly;
    peer.interpretReply = (r) => protocol.interpretReply(r);
    // Its requests (menu items) are served without an answer: the client ignores answers, and one arriving
    // in the same read as a call frame strands that call in its buffer (AYON's B1). Only calls go to it.
    peer.answerRequests = false;
    const { session } = this.sessions.attach(peer, {
      dcc, pid: null, version: hello.version ?? null, scene: hello.scene ?? null, compat: protocol.name,
    });
    this.log.warn(`${peer.label}: accepted an unauthenticated legacy ${session.dcc} client (compatibility mode is on)`);
    this.setupDccPeer(peer, session, protocol);
  }

  private async onDccRequest(peer: RpcPeer, session: Session, msg: RequestMessage, legacy?: LegacyProtocol): Promise<unknown> {
    let name = msg.request;
    let args = msg.args;
    if (legacy && name === undefined) {
      const mapped = legacy.mapRequest(msg);
      if (!mapped) {
        this.log.warn(`${peer.label}: refused legacy request ${describeFrame(msg)}`);
        throw new HubError(`request ${describeFrame(msg)} is not allowed`, 'REFUSED');
      }
      name = mapped.request;
      args = mapped.args;
    }
    if (typeof name !== 'string') throw new HubError(`a DCC may only send named requests (got ${describeFrame(msg)})`, 'REFUSED');
    switch (name) {
      case 'ping': return 'pong';
      case 'hub.stats': return this.stats();
      case 'session.event': {
        const ev = (args ?? {}) as { type?: string; scene?: string | null };
        if (ev.type === 'scene.changed' || typeof ev.scene === 'string') this.sessions.setScene(session, ev.scene ?? null);
        this.broadcast('session.event', { session: describe(session), event: ev as Record<string, unknown> });
        return null;
      }
    }
    const adapter = this.adapters ? await this.adapters.find(session.dcc) : null;
    const endpoint = own(adapter?.endpoints, name);
    if (!endpoint) {
      const known = ['ping', 'hub.stats', 'session.event', ...Object.keys(adapter?.endpoints ?? {})];
      throw new UnknownRequestError(name, known);
    }
    if (!legacy) return endpoint(args, { session: describe(session), hub: this.services });
    try {
      return await endpoint(args, { session: describe(session), hub: this.services });
    } catch (err) {
      // A legacy client ignores replies: the log is the only place this answer can be seen.
      this.log.warn(`${peer.label}: ${name} failed: ${(err as Error).message}`);
      throw err;
    }
  }

  private onToolRequest(peer: RpcPeer, msg: RequestMessage): unknown {
    const name = msg.request;
    if (typeof name !== 'string') throw new HubError('tools may only send named requests; use hub.call to reach a DCC', 'REFUSED');
    const args = (msg.args && typeof msg.args === 'object' ? msg.args : {}) as Record<string, unknown>;
    switch (name) {
      case 'hub.call': return this.routeCall(peer, args);
      case 'hub.adapter': return this.callAdapter(args);
      case 'ping': return 'pong';
      case 'hub.stats': return this.stats();
      case 'hub.sessions': return this.sessions.list().map(describe);
      case 'hub.subscribe': this.tools.get(peer)!.subscribed = true; return this.sessions.list().map(describe);
      case 'hub.stop': setImmediate(() => this.emit('stop-requested')); return { stopping: true, pid: process.pid };
    }
    const extra = this.toolRequests.get(name);
    if (extra) return extra(args);
    throw new UnknownRequestError(name, [...CORE_TOOL_REQUESTS, ...this.toolRequests.keys()]);
  }

  /** hub.call: forwards a tool's call to a session; the tool's disconnection or the hub's stop answers it early. */
  private routeCall(tool: RpcPeer, a: Record<string, unknown>): unknown {
    if (this.stopping) throw new HubError('the hub is stopping', 'HUB_STOPPING');
    const selector = a.session;
    if (typeof selector !== 'string' || !selector) throw new HubError('hub.call needs args.session (a session id or a DCC name)', 'BAD_ARGS');
    let body: RequestBody;
    if (typeof a.function === 'string') body = a.args === undefined ? { function: a.function } : { function: a.function, args: a.args };
    else if (typeof a.script === 'string') body = { script: a.script };
    else if (typeof a.request === 'string') body = a.args === undefined ? { request: a.request } : { request: a.request, args: a.args };
    else throw new HubError('hub.call needs one of args.function, args.script or args.request', 'BAD_ARGS');
    const timeout = typeof a.timeout === 'number' && a.timeout > 0 ? a.timeout : undefined;
    // A large args.args arrives as RawJson and the DCC's large result comes back as one: both are
    // forwarded as bytes. Nothing here may keep `body` alive once it is sent (it can be 64 MiB).
    const session = this.findSession(selector);
    const ready = this.readying.get(session.id);
    const peer = session.peer;
    const state = this.tools.get(tool);
    if (!ready && !session.compat && peer && !peer.closed && state) return this.routeNow(tool, state, peer, body, timeout);
    // A session whose adapter hook is still running (e.g. injecting studio scripts) is called once it is done.
    if (ready) return this.cancellable(tool, ready.then(() => this.forwardCall(selector, body, timeout, tool, true)));
    return this.cancellable(tool, this.forwardCall(selector, body, timeout, tool, true));
  }

  /**
   * The common case, a connected session: the DCC's reply is written to the tool from the read that brought
   * it, without promise jobs in between (DeferredReply). The closures kept until the reply are made here,
   * where none of them refers to `body`: made in routeCall they would share its scope with the closure that
   * sends `body` later, and keep a 64 MiB argument alive until the DCC answers.
   */
  private routeNow(tool: RpcPeer, state: ToolState, peer: RpcPeer, body: RequestBody, timeout: number | undefined): DeferredReply {
    const reply = new DeferredReply();
    const cancel = (err: Error) => { state.inflight.delete(cancel); reply.reject(err); };
    state.inflight.add(cancel);
    this.sendToPeer(peer, body, timeout, tool, true, (value) => { state.inflight.delete(cancel); reply.resolve(value); }, cancel);
    return reply;
  }

  /** Settles with `call`, or early with the error passed to the tool's cancel (tool gone, hub stopping). */
  private cancellable(tool: RpcPeer, call: Promise<unknown>): Promise<unknown> {
    const state = this.tools.get(tool);
    if (!state) return call;
    return new Promise((resolve, reject) => {
      const cancel = (err: Error) => { state.inflight.delete(cancel); reject(err); };
      state.inflight.add(cancel);
      call.then((value) => { state.inflight.delete(cancel); resolve(value); }, cancel);
    });
  }

  /** A tool endpoint of an adapter, run inside the hub (e.g. a background workfile save). */
  private async callAdapter(a: Record<string, unknown>): Promise<unknown> {
    if (typeof a.adapter !== 'string' || typeof a.endpoint !== 'string') throw new HubError('hub.adapter needs args.adapter and args.endpoint', 'BAD_ARGS');
    return this.adapterCall(a.adapter, a.endpoint, a.args);
  }

  /** Runs an adapter's tool endpoint in the hub (the hub.adapter request; the web page calls it in-process). */
  async adapterCall(adapterName: string, endpointName: string, args: unknown): Promise<unknown> {
    if (!this.adapters) throw new HubError('this hub has no adapters', 'NO_ADAPTER');
    const adapter = await this.adapters.get(adapterName);
    const endpoint = own(adapter.toolEndpoints, endpointName);
    if (!endpoint) throw new UnknownRequestError(`${adapterName}/${endpointName}`, Object.keys(adapter.toolEndpoints ?? {}).map((k) => `${adapterName}/${k}`));
    return endpoint(args, { session: null, hub: this.services });
  }

  /** Named tool requests added by hub components (e.g. `web.url` from the web page). */
  readonly toolRequests = new Map<string, (args: Record<string, unknown>) => unknown>();

  /** Calls into a session, waiting briefly for a DCC that is reconnecting (scene switch). */
  async callSession(selector: string, body: RequestBody, timeout?: number, source?: RpcPeer): Promise<unknown> {
    return this.forwardCall(selector, body, timeout, source, false);
  }

  private findSession(selector: string): Session {
    const session = this.sessions.resolve(selector);
    if (session) return session;
    const live = this.sessions.list().map((s) => `${s.dcc} ${s.id}`).join(', ') || 'none';
    throw new HubError(`no session "${selector}" is connected${shortPrefixHint(this.sessions.list(), selector)} (sessions: ${live}). ${startHint(selector, [...builtInAdapterNames(), ...this.sessions.list().map((s) => s.dcc)])}`, 'NO_SESSION');
  }

  /** callSession without an async frame when the DCC is connected (the common case); throws what it cannot route. */
  private forwardCall(selector: string, body: RequestBody, timeout: number | undefined, source: RpcPeer | undefined, raw: boolean): Promise<unknown> {
    const session = this.findSession(selector);
    const run = (): Promise<unknown> => {
      const connected = session.peer && !session.peer.closed ? session.peer : null;
      if (!connected) {
        return this.sessions.connection(session, Math.min(timeout ?? this.opts.callTimeout, this.sessions.graceMs)).then((peer) => {
          if (!peer) throw new SessionClosedError(`${session.dcc} session ${session.id} is not connected (it closed or did not reconnect in time)`);
          return this.callPeer(peer, body, timeout, source, raw);
        });
      }
      return this.callPeer(connected, body, timeout, source, raw);
    };
    if (!session.compat) return run();
    // Legacy clients (AYON's) mis-read coalesced frames: give them one call at a time, as AYON's server does.
    const result = (session.serial ?? Promise.resolve()).then(run, run);
    session.serial = result.catch(() => undefined);
    return result;
  }

  private callPeer(peer: RpcPeer, body: RequestBody, timeout: number | undefined, source: RpcPeer | undefined, raw: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => this.sendToPeer(peer, body, timeout, source, raw, resolve, reject));
  }

  private sendToPeer(peer: RpcPeer, body: RequestBody, timeout: number | undefined, source: RpcPeer | undefined, raw: boolean,
    resolve: (value: unknown) => void, reject: (err: Error) => void): void {
    peer.sendCall(body, { timeout: timeout ?? this.opts.callTimeout, raw }, resolve, reject);
    if (source && peer.congested) {
      // The DCC is not keeping up: stop reading the caller until it does, so memory stays bounded.
      source.socket.pause();
      void peer.writable().then(() => source.socket.resume());
    }
  }

  private onSessionEvent(ev: SessionEvent): void {
    const what = ev.type === 'left' ? `${ev.type} (${ev.reason})` : ev.type;
    this.log.info(`session ${ev.session.id} (${ev.session.dcc} ${ev.session.pid ?? '?'}) ${what}`);
    this.emit('session', ev);
    this.broadcast(`session.${ev.type}`, { session: ev.session, ...(ev.type === 'left' ? { reason: ev.reason } : {}) });
    if ((ev.type === 'joined' || ev.type === 'resumed') && this.adapters) this.sessionReady(ev.session, ev.type === 'resumed');
  }

  /**
   * Sessions whose adapter hook runs: tools' calls to them wait for it (at most callTimeout), and fail at
   * once if the DCC quits meanwhile, as a call already sent to it would.
   */
  private readonly readying = new Map<string, Promise<void>>();

  /** Lets the session's adapter act on a (re)connected session, after the hello reply has gone out. */
  private sessionReady(session: SessionInfo, resumed: boolean): void {
    const peer = this.sessions.list().find((s) => s.id === session.id)?.peer ?? null;
    let done!: () => void;
    let quit!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => { done = resolve; quit = reject; });
    const onClose = (reason: string) => quit(new SessionClosedError(`${session.dcc} session ${session.id}: connection lost before the call was sent (${reason})`));
    peer?.once('close', onClose);
    const limit = setTimeout(done, this.opts.callTimeout);
    this.readying.set(session.id, ready);
    const settled = () => {
      clearTimeout(limit);
      peer?.off('close', onClose);
      if (this.readying.get(session.id) === ready) this.readying.delete(session.id);
    };
    ready.then(settled, settled);
    setImmediate(() => {
      void this.adapters!.find(session.dcc)
        .then((adapter) => adapter?.onSessionReady?.(session, this.services, { resumed }))
        .catch((err) => this.log.warn(`session ${session.id}: the ${session.dcc} adapter's session hook failed: ${(err as Error).message}`))
        .finally(done);
    });
  }

  /** Sends an event to every subscribed tool as a `hub.event` request (the reply is ignored). */
  broadcast(event: string, data: Record<string, unknown>): void {
    // In-process listeners (the web page's event stream) get every event too.
    this.emit('broadcast', event, data);
    for (const [peer, state] of this.tools) {
      if (!state.subscribed || peer.closed) continue;
      peer.request('hub.event', { event, ...data }, { timeout: 10_000 }).catch(() => { /* a tool that ignores events is fine */ });
    }
  }

  sessionInfo(): SessionInfo[] {
    return this.sessions.list().map(describe);
  }

  /** Graceful stop: routed calls are answered with an error, then every connection and the listener close. */
  async stop(reason = 'stopped'): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.refusals.flush('connections refused');
    this.log.info(`hub stopping: ${reason}`);
    this.stopped.abort(new HubError(`the hub is stopping (${reason})`, 'HUB_STOPPING'));
    for (const state of this.tools.values()) {
      for (const cancel of state.inflight) cancel(new HubError(`the hub is stopping (${reason})`, 'HUB_STOPPING'));
    }
    await new Promise((r) => setImmediate(r));
    const closing = Promise.all([this.server, this.localServer].map((server) => server && new Promise<void>((resolve) => server.close(() => resolve()))));
    for (const peer of this.peers) peer.close(`hub stopping: ${reason}`);
    this.sessions.clear();
    await closing;
  }
}

function describeFrame(msg: RequestMessage): string {
  if (typeof msg.request === 'string') return `request "${msg.request}"`;
  if (typeof msg.function === 'string') return 'a function call';
  if (typeof msg.script === 'string') return 'a script';
  if (typeof msg.module === 'string') return `module "${msg.module}" method "${String(msg.method)}"`;
  return `keys ${Object.keys(msg).join(',') || '(none)'}`;
}
