/**
 * The typed client of the hub for pipeline code and the CLI: `import { connectHub } from 'dcc-kit'`.
 */
import { EventEmitter } from 'node:events';
import type { RpcPeer } from '../protocol/peer.ts';
import type { HelloResult, RequestBody } from '../protocol/messages.ts';
import { HubNotRunningError, openPeer } from './connect.ts';
import { DccKitError } from '../errors.ts';
import type { SessionInfo } from '../adapter.ts';
import { homeFromEnv, hubPaths, readRuntime, type RuntimeInfo } from './runtime.ts';
import { byIdPrefix, shortPrefixHint, startHint } from './sessions.ts';
import { builtInAdapterNames } from '../adapter.ts';

export { HubNotRunningError, NotAHubError, openPeer } from './connect.ts';

export interface ConnectOptions {
  /** dcc-kit home (default: DCC_KIT_HOME or ~/.dcc-kit). */
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Explicit port and token (default: the runtime file). */
  port?: number;
  token?: string;
  /** Start the hub when none is running (default false). */
  start?: boolean;
  /** Default timeout of calls into sessions, ms. */
  callTimeout?: number;
  /** Connect + hello timeout, ms. */
  connectTimeout?: number;
}

export interface CallOptions {
  timeout?: number;
}

export type HubEventName = 'joined' | 'left' | 'resumed' | 'disconnected' | 'scene' | 'event';


export class SessionHandle {
  readonly client: HubClient;
  readonly info: SessionInfo;

  constructor(client: HubClient, info: SessionInfo) {
    this.client = client;
    this.info = info;
  }

  get id(): string { return this.info.id; }
  get dcc(): string { return this.info.dcc; }

  /** Calls a function, named by an expression that evaluates to it in the DCC (e.g. "node.subNodes"), with ONE argument. */
  call(fn: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.client.callRaw(this.id, args === undefined ? { function: fn } : { function: fn, args }, opts);
  }

  /** Calls a named endpoint the DCC-side script registered. */
  request(name: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.client.callRaw(this.id, args === undefined ? { request: name } : { request: name, args }, opts);
  }

  /** Evaluates source for its side effects. */
  script(source: string, opts?: CallOptions): Promise<unknown> {
    return this.client.callRaw(this.id, { script: source }, opts);
  }
}

export class HubClient extends EventEmitter {
  readonly peer: RpcPeer;
  readonly hello: HelloResult;
  readonly port: number;
  private readonly callTimeout: number;
  private subscribed = false;

  constructor(peer: RpcPeer, hello: HelloResult, port: number, callTimeout: number) {
    super();
    this.peer = peer;
    this.hello = hello;
    this.port = port;
    this.callTimeout = callTimeout;
    peer.onRequest = (msg) => {
      if (msg.request === 'ping') return 'pong';
      if (msg.request === 'hub.event') {
        const data = (msg.args ?? {}) as { event?: string; session?: SessionInfo };
        const short = typeof data.event === 'string' && data.event.startsWith('session.') ? data.event.slice('session.'.length) : undefined;
        if (short && short !== 'event') this.emit(short, data.session, data);
        this.emit('event', data);
        return null;
      }
      throw new DccKitError(`this client serves no request "${String(msg.request)}"`, 'UNKNOWN_REQUEST');
    };
    peer.on('close', (reason: string) => this.emit('close', reason));
  }

  get closed(): boolean { return this.peer.closed; }

  sessions(): Promise<SessionInfo[]> {
    return this.peer.request('hub.sessions') as Promise<SessionInfo[]>;
  }

  stats(): Promise<Record<string, unknown>> {
    return this.peer.request('hub.stats') as Promise<Record<string, unknown>>;
  }

  ping(): Promise<unknown> {
    return this.peer.request('ping');
  }

  /** Starts receiving session events ('joined', 'left', 'resumed', 'disconnected', 'scene'). */
  async subscribe(): Promise<SessionInfo[]> {
    const list = await this.peer.request('hub.subscribe') as SessionInfo[];
    this.subscribed = true;
    return list;
  }

  /** Routes a call into a session (id or DCC name) through the hub. */
  callRaw(session: string, body: RequestBody, opts: CallOptions = {}): Promise<unknown> {
    const timeout = opts.timeout ?? this.callTimeout;
    // The hub enforces the timeout and answers with a clear error; ours only guards a lost hub.
    return this.peer.request('hub.call', { session, ...body, timeout }, { timeout: timeout + 5000 });
  }

  call(session: string, fn: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.callRaw(session, args === undefined ? { function: fn } : { function: fn, args }, opts);
  }

  request(session: string, name: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.callRaw(session, args === undefined ? { request: name } : { request: name, args }, opts);
  }

  /** A named request served by the hub itself (e.g. `web.url`). */
  hubRequest(name: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.peer.request(name, args, { timeout: opts?.timeout ?? this.callTimeout });
  }

  script(session: string, source: string, opts?: CallOptions): Promise<unknown> {
    return this.callRaw(session, { script: source }, opts);
  }

  /**
   * A handle on a session: by id, or the newest connected session of a DCC name. With `wait`, waits
   * that many ms for one to join.
   */
  async session(selector: string, opts: { wait?: number } = {}): Promise<SessionHandle> {
    const pick = (list: SessionInfo[]) => {
      const exact = list.find((s) => s.id === selector);
      if (exact) return exact;
      return list.filter((s) => s.dcc === selector).sort((a, b) => Number(b.connected) - Number(a.connected) || b.joinedAt.localeCompare(a.joinedAt))[0]
        ?? byIdPrefix(list, selector);
    };
    const listed = await this.sessions();
    const found = pick(listed);
    if (found) return new SessionHandle(this, found);
    if (!opts.wait) {
      throw new DccKitError(`no session "${selector}" is connected${shortPrefixHint(listed, selector)}. ${startHint(selector, [...builtInAdapterNames(), ...listed.map((s) => s.dcc)])}`, 'NO_SESSION');
    }
    const info = await this.waitForSession((s) => s.id === selector || s.dcc === selector, opts.wait);
    return new SessionHandle(this, info);
  }

  /** Resolves with the first session (already connected, or joining later) that matches. */
  async waitForSession(match: (s: SessionInfo) => boolean, timeout: number): Promise<SessionInfo> {
    if (!this.subscribed) await this.subscribe();
    return new Promise((resolve, reject) => {
      const onEvent = (info: SessionInfo | undefined) => {
        if (info && match(info)) { cleanup(); resolve(info); }
      };
      const onClose = (reason: string) => { cleanup(); reject(new DccKitError(`the hub connection closed while waiting for a session (${reason})`, 'SESSION_CLOSED')); };
      const timer = setTimeout(() => { cleanup(); reject(new DccKitError(`no matching session joined within ${timeout} ms`, 'SESSION_TIMEOUT')); }, timeout);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('joined', onEvent); this.off('resumed', onEvent); this.off('close', onClose);
      };
      this.on('joined', onEvent);
      this.on('resumed', onEvent);
      this.on('close', onClose);
      this.sessions().then((list) => { const hit = list.find(match); if (hit) onEvent(hit); }, () => {});
    });
  }

  /** Calls a tool endpoint of an adapter inside the hub (e.g. harmony "workfile.save"). */
  adapter(adapter: string, endpoint: string, args?: unknown, opts: CallOptions = {}): Promise<unknown> {
    return this.peer.request('hub.adapter', { adapter, endpoint, args }, { timeout: opts.timeout ?? this.callTimeout });
  }

  /** Asks the hub to stop gracefully. */
  async stopHub(): Promise<void> {
    await this.peer.request('hub.stop');
  }

  close(): void {
    this.peer.close('client closed');
  }
}

/** Finds the running hub (env DCC_KIT_PORT/DCC_KIT_TOKEN, else the runtime file) and connects to it as a tool. */
export async function connectHub(opts: ConnectOptions = {}): Promise<HubClient> {
  const env = opts.env ?? process.env;
  const home = opts.home ?? homeFromEnv(env);
  let port = opts.port;
  let token = opts.token;
  // Only a hub found through its runtime file is reached on its local socket (an explicit port means that port).
  let socket: string | undefined;
  if (port === undefined || token === undefined) {
    if (env.DCC_KIT_PORT && env.DCC_KIT_TOKEN) {
      port ??= Number(env.DCC_KIT_PORT);
      token ??= env.DCC_KIT_TOKEN;
    } else {
      let info: RuntimeInfo | null = await readRuntime(hubPaths(home));
      if (!info && opts.start) {
        const { ensureHub } = await import('./start.ts');
        info = (await ensureHub({ home, env })).info;
      }
      if (!info) throw new HubNotRunningError(`no hub is running (no ${hubPaths(home).runtimeFile}). Start it with: dcc-kit hub start`);
      if (port === undefined && token === undefined) socket = info.socket;
      port ??= info.port;
      token ??= info.token;
    }
  }
  try {
    const { peer, hello } = await openPeer(port, token, { timeout: opts.connectTimeout, callTimeout: opts.callTimeout, socket });
    return new HubClient(peer, hello, port, opts.callTimeout ?? 30_000);
  } catch (err) {
    if (err instanceof HubNotRunningError && opts.start) {
      const { ensureHub } = await import('./start.ts');
      const { info } = await ensureHub({ home, env });
      const { peer, hello } = await openPeer(info.port, info.token, { timeout: opts.connectTimeout, callTimeout: opts.callTimeout, socket: info.socket });
      return new HubClient(peer, hello, info.port, opts.callTimeout ?? 30_000);
    }
    throw err;
  }
}
