/**
 * RPC peer over one socket: numbered requests in each direction, replies matched only against this
 * side's own pending map, structured errors, per-call timeouts, ping, and writes that respect
 * backpressure (a peer that stops reading stops being read, and is dropped past a hard limit).
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { FrameDecoder, FrameError, encodeJsonFrame, encodeFrameWithRaw, toJson, DEFAULT_MAX_FRAME_BYTES, type LengthForm } from './frame.ts';
import { RawJson, hasRaw, materialise } from './raw-json.ts';
import { isReply, type ErrorPayload, type ReplyMessage, type RequestBody, type RequestMessage } from './messages.ts';
import { CallTimeoutError, RemoteError, SessionClosedError, toErrorPayload } from './errors.ts';

/**
 * What a request handler returns to answer later without a promise: the reply goes out from inside
 * resolve() or reject() (the first call wins), so a value that arrives on another socket is answered in the
 * same turn. The hub answers routed calls this way.
 */
export class DeferredReply {
  private done = false;
  private listener: ((err: Error | undefined, value: unknown) => void) | undefined;
  private early: [Error | undefined, unknown] | undefined;

  readonly resolve = (value: unknown): void => this.settle(undefined, value);
  readonly reject = (err: Error): void => this.settle(err, undefined);

  private settle(err: Error | undefined, value: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.listener) this.listener(err, value);
    else this.early = [err, value];
  }

  /** Called once by the peer that answers; a reply settled before it was returned is delivered at once. */
  listen(listener: (err: Error | undefined, value: unknown) => void): void {
    this.listener = listener;
    if (this.early) this.listener(this.early[0], this.early[1]);
  }
}

export type RequestHandler = (msg: RequestMessage, peer: RpcPeer) => unknown;

export interface PeerOptions {
  maxFrameBytes?: number;
  /** Default timeout of calls made through this peer, in ms. */
  callTimeout?: number;
  /** Length form of the frames we write. */
  form?: LengthForm;
  /** Write ASCII-only JSON. */
  ascii?: boolean;
  /** Names this peer in error messages. */
  label?: string;
  onRequest?: RequestHandler;
  /** Unsent bytes above which the connection is dropped as "not reading". */
  maxWriteBuffer?: number;
  /** A frame left incomplete this long (ms) closes the connection. */
  stallTimeout?: number;
  /** Include stacks in error replies (DCC-side code errors); the hub sends messages only. */
  errorStacks?: boolean;
  /** Requests handled at once; further ones wait (and the socket stops being read) until some finish. */
  maxInflight?: number;
  /** Rewrites replies before they settle a call (AYON compatibility: in-band error strings). */
  interpretReply?: (reply: ReplyMessage) => ReplyMessage;
  /**
   * Frames at least this many bytes are skimmed (raw-json.ts): a large reply `result` or request
   * `args.args` is kept as raw bytes where a caller asked for it (`raw` call option, `keepRaw`), and
   * parsed for everyone else. Default: off.
   */
  rawThreshold?: number;
  /** Requests whose large `args.args` onRequest receives as a RawJson, to forward as it is. */
  keepRaw?: (msg: RequestMessage) => boolean;
  /** The socket's bytes come through receive() (a socket made by connectSocket), not its 'data' events. */
  externalReads?: boolean;
}

export interface CallOptions {
  timeout?: number;
  /** The result may be a RawJson (a large value to forward without parsing it). */
  raw?: boolean;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  /** performance.now() after which the call times out (Infinity: never), and the timeout it came from. */
  deadline: number;
  timeout: number;
  raw: boolean;
  /** What was asked ("request", "function" or "script" and its name), described only when an error needs it. */
  kind: string;
  name: string;
}

export interface PeerStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export class RpcPeer extends EventEmitter {
  readonly socket: Socket;
  label: string;
  callTimeout: number;
  onRequest: RequestHandler | undefined;
  /**
   * False for a peer whose requests must run without an answer: AYON's Harmony client ignores answers, and
   * mis-parses one that arrives in the same read as a call (its B1 buffer bug), stranding the call.
   */
  answerRequests = true;
  interpretReply: ((reply: ReplyMessage) => ReplyMessage) | undefined;
  keepRaw: ((msg: RequestMessage) => boolean) | undefined;
  readonly form: LengthForm;
  ascii: boolean;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly maxWriteBuffer: number;
  private readonly stallTimeout: number;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly errorStacks: boolean;
  private pausedForDrain = false;
  private readonly inbox: RequestMessage[] = [];
  private inflight = 0;
  private readonly maxInflight: number;
  private readPaused = false;
  private closedReason: string | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  /**
   * One timer for every pending call's timeout, armed for the earliest deadline (a timer per call cost
   * more than the rest of a small call's bookkeeping). When it fires it rejects what is due and re-arms.
   * It never holds the process: the open socket does while calls are pending, and close() clears it
   * (referencing it per call cost two native calls per round trip).
   */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private nextDeadline = Infinity;
  private readonly expireCalls = () => {
    this.deadlineTimer = undefined;
    this.nextDeadline = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [id, entry] of this.pending) {
      if (entry.deadline <= now) {
        this.pending.delete(id);
        entry.reject(new CallTimeoutError(`${this.label}: no reply to ${describeCall(entry)} within ${entry.timeout} ms`));
      } else if (entry.deadline < next) {
        next = entry.deadline;
      }
    }
    if (next !== Infinity) this.armDeadline(next, now);
  };
  /** Frames written in this turn of the event loop; from the second one on they are corked. */
  private writesThisTurn = 0;
  private corked = false;
  private readonly endTurn = () => {
    this.writesThisTurn = 0;
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
  };
  lastActivity = Date.now();
  framesOut = 0;
  bytesOut = 0;

  constructor(socket: Socket, opts: PeerOptions = {}) {
    super();
    this.socket = socket;
    this.label = opts.label ?? `${socket.remoteAddress}:${socket.remotePort}`;
    this.callTimeout = opts.callTimeout ?? 30_000;
    this.onRequest = opts.onRequest;
    this.interpretReply = opts.interpretReply;
    this.form = opts.form ?? 'binary';
    this.ascii = opts.ascii ?? false;
    const maxFrame = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.decoder = new FrameDecoder(maxFrame);
    this.decoder.rawThreshold = opts.rawThreshold ?? Infinity;
    this.keepRaw = opts.keepRaw;
    this.maxWriteBuffer = opts.maxWriteBuffer ?? maxFrame * 2 + 1024 * 1024;
    this.stallTimeout = opts.stallTimeout ?? 60_000;
    this.errorStacks = opts.errorStacks ?? false;
    this.maxInflight = opts.maxInflight ?? 256;
    socket.setNoDelay(true);
    if (!opts.externalReads) socket.on('data', (chunk: Buffer) => this.onData(chunk, false));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('connection closed by the peer'));
    socket.on('drain', () => {
      if (this.pausedForDrain) {
        this.pausedForDrain = false;
        this.pumpInbox();
      }
      this.emit('drain');
    });
  }

  get closed(): boolean { return this.closedReason !== undefined; }
  get closeReason(): string | undefined { return this.closedReason; }
  get pendingCalls(): number { return this.pending.size; }
  /** True while our unsent bytes are over the socket's high-water mark. */
  get congested(): boolean { return this.socket.writableNeedDrain; }

  /** Longest incoming frame body accepted from now on (the hub keeps it small until a peer has said hello). */
  limitIncomingFrames(maxFrameBytes: number, setting = 'hub.maxFrameBytes'): void {
    this.decoder.maxFrameBytes = maxFrameBytes;
    this.decoder.maxFrameSetting = setting;
  }

  stats(): PeerStats {
    return { framesIn: this.decoder.framesIn, framesOut: this.framesOut, bytesIn: this.decoder.bytesIn, bytesOut: this.bytesOut };
  }

  /** Sends a request and resolves with its result, or rejects with RemoteError / CallTimeoutError / SessionClosedError. */
  call(body: RequestBody, opts: CallOptions = {}): Promise<unknown> {
    return new Promise((resolve, reject) => this.sendCall(body, opts, resolve, reject));
  }

  /**
   * call() without a promise: exactly one of `resolve` / `reject` is called (`reject` possibly before send
   * returns: a closed peer, a value that is not JSON, a peer dropped for not reading). The hub
   * routes tools' calls with it, so a routed reply is answered from the DCC socket's read with no promise jobs
   * between the two sockets.
   */
  sendCall(body: RequestBody, opts: CallOptions, resolve: (value: unknown) => void, reject: (err: Error) => void): void {
    if (this.closedReason !== undefined) {
      reject(new SessionClosedError(`${this.label}: not connected (${this.closedReason})`));
      return;
    }
    const id = this.nextId++;
    let frame: Buffer | Buffer[];
    try {
      frame = this.encode({ message_id: id, ...body }, 'args');
    } catch (err) {
      reject(err as Error);
      return;
    }
    const timeout = opts.timeout ?? this.callTimeout;
    const kind = 'request' in body ? 'request' : 'function' in body ? 'function' : 'script';
    const name = 'request' in body ? body.request : 'function' in body ? body.function : '';
    const now = performance.now();
    const deadline = timeout > 0 && Number.isFinite(timeout) ? now + timeout : Infinity;
    this.pending.set(id, { resolve, reject, deadline, timeout, raw: opts.raw === true, kind, name });
    if (deadline < this.nextDeadline) this.armDeadline(deadline, now);
    this.writeFrame(frame);
  }

  private armDeadline(deadline: number, now: number): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.nextDeadline = deadline;
    this.deadlineTimer = setTimeout(this.expireCalls, Math.max(1, Math.ceil(deadline - now)));
    this.deadlineTimer.unref();
  }

  request(name: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.call(args === undefined ? { request: name } : { request: name, args }, opts);
  }

  /** Writes any message object as one frame. */
  send(message: object): void {
    this.writeFrame(encodeJsonFrame(toJson(message, this.ascii), this.form));
  }

  /** The frame of a message; a RawJson `rawKey` member (a forwarded payload) goes out as its bytes, uncopied. */
  private encode(message: Record<string, unknown>, rawKey: 'args' | 'result'): Buffer | Buffer[] {
    const raw = message[rawKey];
    if (raw instanceof RawJson && !this.ascii) return encodeFrameWithRaw(message, rawKey, raw, this.form);
    return encodeJsonFrame(toJson(message, this.ascii), this.form);
  }

  private writeFrame(frame: Buffer | Buffer[]): void {
    if (this.closedReason !== undefined) return;
    this.framesOut++;
    // The first frame of a turn leaves at once (no added latency for a lone call). When more follow in
    // the same turn (replies to a batch of requests, calls made in a loop: one callback and the promise
    // jobs it starts), they are held until the turn ends and leave in one system call instead of one each.
    if (this.writesThisTurn++ === 0) process.nextTick(this.endTurn);
    else if (!this.corked) { this.corked = true; this.socket.cork(); }
    if (Array.isArray(frame) && !this.corked) { this.corked = true; this.socket.cork(); }
    let ok: boolean;
    if (Array.isArray(frame)) {
      ok = true;
      for (const part of frame) {
        this.bytesOut += part.length;
        ok = this.socket.write(part);
      }
    } else {
      this.bytesOut += frame.length;
      ok = this.socket.write(frame);
    }
    if (!ok && this.socket.writableLength > this.maxWriteBuffer) {
      this.close(`peer is not reading: ${this.socket.writableLength} bytes unsent`);
      this.socket.destroy();
    }
  }

  /** Resolves once our outgoing buffer is below the high-water mark. */
  writable(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { this.off('drain', done); this.off('close', done); resolve(); };
      this.on('drain', done);
      this.on('close', done);
    });
  }

  /** Bytes read by the socket's onread callback (connectSocket): `chunk` is overwritten by the next read. */
  receive(chunk: Buffer): void {
    this.onData(chunk, true);
  }

  private onData(chunk: Buffer, transient: boolean): void {
    this.lastActivity = Date.now();
    let messages: object[];
    try {
      messages = this.decoder.push(chunk, transient);
    } catch (err) {
      const reason = err instanceof FrameError ? err.message : `decoder failure: ${(err as Error).message}`;
      this.emit('protocol-error', reason);
      this.close(reason);
      this.socket.destroy();
      return;
    }
    for (const msg of messages) {
      if (this.closedReason !== undefined) return;
      this.dispatch(msg);
    }
    this.pumpInbox();
    this.watchStall();
  }

  private watchStall(): void {
    if (this.decoder.pendingBytes === 0) {
      if (this.stallTimer) { clearTimeout(this.stallTimer); this.stallTimer = undefined; }
      return;
    }
    if (this.stallTimer) this.stallTimer.refresh();
    else {
      this.stallTimer = setTimeout(() => {
        this.close(`incomplete frame stalled for ${this.stallTimeout} ms (${this.decoder.pendingBytes} bytes)`);
        this.socket.destroy();
      }, this.stallTimeout);
      this.stallTimer.unref();
    }
  }

  private dispatch(msg: object): void {
    const id = (msg as { message_id?: unknown }).message_id;
    if (isReply(msg)) {
      const entry = typeof id === 'number' ? this.pending.get(id) : undefined;
      if (!entry) {
        this.emit('unmatched-reply', msg);
        return;
      }
      this.pending.delete(id as number);
      if ((!entry.raw || this.interpretReply) && (msg as ReplyMessage).result instanceof RawJson) materialise(msg as ReplyMessage);
      const reply = this.interpretReply ? this.interpretReply(msg as ReplyMessage) : msg as ReplyMessage;
      if (reply.error !== undefined) entry.reject(new RemoteError(normaliseError(reply.error)));
      else entry.resolve(reply.result);
      return;
    }
    if (hasRaw(msg as RequestMessage) && !this.keepRaw?.(msg as RequestMessage)) materialise(msg as RequestMessage);
    this.inbox.push(msg as RequestMessage);
  }

  /**
   * Handles queued requests while the peer reads our replies and fewer than maxInflight are running.
   * Otherwise stops reading the socket, so a peer that floods us or never reads is held back by TCP.
   */
  private pumpInbox(): void {
    while (this.inbox.length > 0 && !this.pausedForDrain && this.inflight < this.maxInflight && !this.closed) {
      this.handleRequest(this.inbox.shift()!);
    }
    const blocked = this.inbox.length > 0 || this.pausedForDrain;
    if (blocked && !this.readPaused) {
      this.readPaused = true;
      this.socket.pause();
    } else if (!blocked && this.readPaused) {
      this.readPaused = false;
      this.socket.resume();
    }
  }

  private handleRequest(msg: RequestMessage): void {
    const id = msg.message_id;
    const respond = (payload: { result?: unknown; error?: ErrorPayload }) => {
      if (typeof id !== 'number' && typeof id !== 'string') return;
      if (!this.answerRequests) return;
      const reply = payload.error ? { message_id: id, reply: true, error: payload.error } : { message_id: id, reply: true, result: payload.result ?? null };
      let frame: Buffer | Buffer[];
      try {
        frame = this.encode(reply, 'result');
      } catch (err) {
        frame = encodeJsonFrame(toJson({ message_id: id, reply: true, error: { name: 'TypeError', message: `result is not JSON-serialisable: ${(err as Error).message}` } }, this.ascii), this.form);
      }
      this.writeFrame(frame);
      // The peer is not reading our replies: handle no more of its requests until it catches up.
      if (this.socket.writableNeedDrain && !this.closed) this.pausedForDrain = true;
    };
    if (!this.onRequest) {
      respond({ error: { name: 'UnknownRequest', message: 'this peer serves no requests' } });
      return;
    }
    let value: unknown;
    try {
      value = this.onRequest(msg, this);
    } catch (err) {
      respond({ error: toErrorPayload(err, this.errorStacks) });
      return;
    }
    if (value instanceof DeferredReply) {
      this.inflight++;
      value.listen((err, result) => {
        respond(err ? { error: toErrorPayload(err, this.errorStacks) } : { result });
        this.inflight--;
        this.pumpInbox();
      });
    } else if (value instanceof Promise) {
      this.inflight++;
      const finish = () => { this.inflight--; this.pumpInbox(); };
      value.then((result) => { respond({ result }); finish(); }, (err) => { respond({ error: toErrorPayload(err, this.errorStacks) }); finish(); });
    } else {
      respond({ result: value });
    }
  }

  /** Pings when the peer has been silent for `interval` ms; closes it when a ping goes unanswered. */
  startKeepalive(interval: number): void {
    if (interval <= 0) return;
    this.keepaliveTimer = setInterval(() => {
      // A peer busy with our calls (Harmony runs them on its one thread) cannot answer a ping: the calls'
      // own timeouts judge it then.
      if (Date.now() - this.lastActivity < interval || this.pending.size > 0) return;
      this.request('ping', undefined, { timeout: interval }).catch((err) => {
        if (err instanceof CallTimeoutError) {
          this.close(`no reply to ping within ${interval} ms`);
          this.socket.destroy();
        }
      });
    }, interval);
    this.keepaliveTimer.unref();
  }

  /** Rejects every pending call with SessionClosedError and ends the socket. Idempotent. */
  close(reason = 'closed'): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      entry.reject(new SessionClosedError(`${this.label}: connection lost while waiting for ${describeCall(entry)} (${reason})`));
    }
    if (!this.socket.destroyed) this.socket.end();
    this.emit('close', reason);
  }
}

function normaliseError(error: unknown): ErrorPayload {
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    return {
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : JSON.stringify(error),
      stack: typeof e.stack === 'string' ? e.stack : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
    };
  }
  return { name: 'Error', message: String(error) };
}

function describeCall(entry: Pending): string {
  return entry.kind === 'request' ? `request "${entry.name}"` : entry.kind === 'function' ? `function ${abbreviate(entry.name)}` : 'script';
}

function abbreviate(text: string): string {
  const line = text.trim().split('\n').pop() ?? '';
  return line.length > 60 ? line.slice(0, 57) + '...' : line;
}
