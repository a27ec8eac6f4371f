/** The registry of DCC sessions. A session outlives its connection: Harmony reconnects after every scene open. */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { RpcPeer } from '../protocol/peer.ts';
import type { SessionInfo } from '../adapter.ts';
import { isProcessAlive } from './runtime.ts';

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
  return info;
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

  /** A session by id, or the most recently joined connected-or-reconnecting session of a DCC name. */
  resolve(selector: string): Session | undefined {
    const exact = this.byId.get(selector);
    if (exact) return exact;
    const candidates = this.list().filter((s) => s.dcc === selector);
    candidates.sort((a, b) => Number(b.peer !== null) - Number(a.peer !== null) || b.joinedAt.getTime() - a.joinedAt.getTime());
    return candidates[0];
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
        id: randomUUID(), dcc: hello.dcc, pid: hello.pid, instance, version: hello.version, scene: hello.scene,
        joinedAt: new Date(), peer, waiters: [], compat: hello.compat,
      };
      this.byId.set(session.id, session);
      this.emit('event', { type: 'joined', session: describe(session) } satisfies SessionEvent);
    }
    const s = session;
    peer.once('close', () => this.detach(s, peer));
    return { session: s, resumed };
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
