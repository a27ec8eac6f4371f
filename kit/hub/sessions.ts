/** The registry of DCC sessions. A session outlives its connection: Harmony reconnects after every scene open. */
import { EventEmitter } from 'node:events';
import { createHash, randomUUID } from 'node:crypto';
import type { RpcPeer } from '../protocol/peer.ts';
import type { SessionInfo } from '../adapter.ts';
import { isProcessAlive } from './runtime.ts';
import { DccKitError } from '../errors.ts';

export interface Session {
  id: string;
  dcc: string;
  pid: number | null;
  /** A DCC-chosen id that survives its script engine resets (Harmony), preferred over pid for identity. */
  instance: string | null;
  version: string | null;
  scene: string | null;
  joinedAt: Date;
  peer: RpcPeer | null;
  compat?: string;
  /** Legacy clients handle one call at a time: the tail of the chain of their calls. */
  serial?: Promise<unknown>;
  /** Callers waiting for the session to come back after a reconnect gap. */
  waiters: ((peer: RpcPeer | null) => void)[];
  graceTimer?: NodeJS.Timeout;
  /** What the adapter reports about the session (e.g. the studio scripts injected and their errors). */
  notes?: Record<string, unknown>;
}

export type SessionEvent =
  | { type: 'joined'; session: SessionInfo }
  | { type: 'resumed'; session: SessionInfo }
  | { type: 'disconnected'; session: SessionInfo }
  | { type: 'left'; session: SessionInfo; reason: string }
  | { type: 'scene'; session: SessionInfo };

export function describe(s: Session): SessionInfo {
  const info: SessionInfo = {
    id: s.id, dcc: s.dcc, pid: s.pid, version: s.version, scene: s.scene,
    connected: s.peer !== null && !s.peer.closed, joinedAt: s.joinedAt.toISOString(),
  };
  if (s.compat) info.compat = s.compat;
  if (s.notes && Object.keys(s.notes).length) info.notes = { ...s.notes };
  return info;
}

/** Shortest id prefix accepted (as git: short prefixes of random hex are too likely to be ambiguous). */
export const MIN_ID_PREFIX = 4;

/** Said after "no session X is connected" when X is a too-short prefix of a session id. */
export function shortPrefixHint(list: { id: string }[], selector: string): string {
  return selector.length > 0 && selector.length < MIN_ID_PREFIX && list.some((s) => s.id.startsWith(selector))
    ? ` (a session id prefix needs ${MIN_ID_PREFIX} characters or more)`
    : '';
}

/**
 * What to say after "no session X is connected": `dcc-kit launch X` only when X names a DCC (a known adapter
 * or a session's dcc), not for a mistyped session id.
 */
export function startHint(selector: string, dccs: string[]): string {
  return dccs.includes(selector)
    ? `Start one with: dcc-kit launch ${selector}`
    : 'dcc-kit sessions lists what is connected; start a DCC with: dcc-kit launch <dcc>';
}

/**
 * The one session whose id starts with `prefix` (as git takes a unique prefix of a commit id); undefined when
 * none does or the prefix is too short; an error naming the candidates when several do.
 */
export function byIdPrefix<T extends { id: string; dcc: string }>(list: T[], prefix: string): T | undefined {
  if (prefix.length < MIN_ID_PREFIX) return undefined;
  const hits = list.filter((s) => s.id.startsWith(prefix));
  if (hits.length > 1) {
    throw new DccKitError(`session "${prefix}" is ambiguous: it starts ${hits.map((s) => `${s.id} (${s.dcc})`).join(', ')}; give more characters`, 'AMBIGUOUS_SESSION');
  }
  return hits[0];
}

/**
 * A session id that a DCC keeps across hub restarts: derived from what identifies its process (Harmony's
 * `instance` key survives script engine resets; otherwise the pid), so a new hub gives a reconnecting DCC
 * the id it had. Random when the DCC says neither.
 */
export function stableSessionId(dcc: string, instance: string | null, pid: number | null): string {
  if (instance === null && pid === null) return randomUUID();
  const hex = createHash('sha256').update(`${dcc}\0${instance ?? `pid:${pid}`}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export class SessionRegistry extends EventEmitter {
  private readonly byId = new Map<string, Session>();
  /** How long a disconnected session waits for its DCC to reconnect (scene switch) before it is gone. */
  readonly graceMs: number;

  constructor(graceMs = 15_000) {
    super();
    this.graceMs = graceMs;
  }

  list(): Session[] {
    return [...this.byId.values()];
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  /**
   * A session by id, the most recently joined connected-or-reconnecting session of a DCC name, or the one
   * session whose id starts with `selector` (throws when several do).
   */
  resolve(selector: string): Session | undefined {
    const exact = this.byId.get(selector);
    if (exact) return exact;
    const candidates = this.list().filter((s) => s.dcc === selector);
    candidates.sort((a, b) => Number(b.peer !== null) - Number(a.peer !== null) || b.joinedAt.getTime() - a.joinedAt.getTime());
    return candidates[0] ?? byIdPrefix(this.list(), selector);
  }

  /** Attaches a DCC connection; reuses the session of the same (dcc, pid) if it is still known. */
  attach(peer: RpcPeer, hello: { dcc: string; pid: number | null; instance?: string | null; version: string | null; scene: string | null; compat?: string }): { session: Session; resumed: boolean } {
    const instance = hello.instance ?? null;
    let session = instance !== null
      ? this.list().find((s) => s.dcc === hello.dcc && s.instance === instance)
      : hello.pid !== null ? this.list().find((s) => s.dcc === hello.dcc && s.instance === null && s.pid === hello.pid) : undefined;
    const resumed = session !== undefined;
    if (session) {
      if (session.peer && !session.peer.closed) session.peer.close('replaced by a new connection from the same process');
      if (session.graceTimer) clearTimeout(session.graceTimer);
      session.graceTimer = undefined;
      session.peer = peer;
      session.version = hello.version ?? session.version;
      const sceneChanged = hello.scene !== null && hello.scene !== session.scene;
      session.scene = hello.scene ?? session.scene;
      const waiters = session.waiters.splice(0);
      for (const w of waiters) w(peer);
      this.emit('event', { type: 'resumed', session: describe(session) } satisfies SessionEvent);
      if (sceneChanged) this.emit('event', { type: 'scene', session: describe(session) } satisfies SessionEvent);
    } else {
      session = {
        id: this.freshId(hello.dcc, instance, hello.pid), dcc: hello.dcc, pid: hello.pid, instance, version: hello.version, scene: hello.scene,
        joinedAt: new Date(), peer, waiters: [], compat: hello.compat,
      };
      this.byId.set(session.id, session);
      this.emit('event', { type: 'joined', session: describe(session) } satisfies SessionEvent);
    }
    const s = session;
    peer.once('close', () => this.detach(s, peer));
    return { session: s, resumed };
  }

  private freshId(dcc: string, instance: string | null, pid: number | null): string {
    const id = stableSessionId(dcc, instance, pid);
    return this.byId.has(id) ? randomUUID() : id;
  }

  private detach(session: Session, peer: RpcPeer): void {
    if (session.peer !== peer) return;
    session.peer = null;
    const processGone = session.pid === null || !isProcessAlive(session.pid);
    if (processGone) {
      this.remove(session, 'the DCC process ended');
      return;
    }
    this.emit('event', { type: 'disconnected', session: describe(session) } satisfies SessionEvent);
    session.graceTimer = setTimeout(() => this.remove(session, `no reconnection within ${this.graceMs} ms`), this.graceMs);
    session.graceTimer.unref();
  }

  private remove(session: Session, reason: string): void {
    if (!this.byId.has(session.id)) return;
    this.byId.delete(session.id);
    if (session.graceTimer) clearTimeout(session.graceTimer);
    for (const w of session.waiters.splice(0)) w(null);
    this.emit('event', { type: 'left', session: describe(session), reason } satisfies SessionEvent);
  }

  setScene(session: Session, scene: string | null): void {
    if (scene === session.scene) return;
    session.scene = scene;
    this.emit('event', { type: 'scene', session: describe(session) } satisfies SessionEvent);
  }

  /** The live connection of a session, waiting up to `ms` for a reconnecting DCC. */
  async connection(session: Session, ms: number): Promise<RpcPeer | null> {
    if (session.peer && !session.peer.closed) return session.peer;
    if (!this.byId.has(session.id)) return null;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = session.waiters.indexOf(done);
        if (i >= 0) session.waiters.splice(i, 1);
        resolve(null);
      }, ms);
      const done = (peer: RpcPeer | null) => { clearTimeout(timer); resolve(peer); };
      session.waiters.push(done);
    });
  }

  clear(): void {
    for (const s of this.list()) {
      if (s.graceTimer) clearTimeout(s.graceTimer);
      for (const w of s.waiters.splice(0)) w(null);
    }
    this.byId.clear();
  }
}
