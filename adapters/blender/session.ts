/**
 * The typed Blender session API for pipeline code. Every method is one named request served by
 * startup-scripts/blender (dcckit_blender/handlers.py); errors raised in Blender reject with a RemoteError
 * carrying the Python exception's name, message and traceback (`remoteStack`).
 */
import type { HubClient, SessionHandle } from '../../kit/hub/client.ts';
import { pythonCallTimeoutSeconds } from '../../kit/python-call-timeout.ts';
import type { BlendInfo } from './sessions.ts';

export type { BlendInfo } from './sessions.ts';

export const DEFAULT_CALL_TIMEOUT = 30_000;

export class BlenderSession {
  readonly handle: SessionHandle;
  readonly callTimeout: number;

  constructor(handle: SessionHandle, opts: { callTimeout?: number } = {}) {
    this.handle = handle;
    this.callTimeout = opts.callTimeout ?? DEFAULT_CALL_TIMEOUT;
  }

  /** The newest connected Blender session (or `selector`: a session id), waiting `wait` ms for one to join. */
  static async connect(client: HubClient, opts: { selector?: string; wait?: number; callTimeout?: number } = {}): Promise<BlenderSession> {
    return new BlenderSession(await client.session(opts.selector ?? 'blender', { wait: opts.wait }), { callTimeout: opts.callTimeout });
  }

  get id(): string { return this.handle.id; }
  get pid(): number | null { return this.handle.info.pid; }

  /** A named request; Blender's side gives up (with a TimeoutError saying why) just before the hub does. */
  request<T = unknown>(name: string, args: Record<string, unknown> = {}, opts: { timeout?: number } = {}): Promise<T> {
    const timeout = opts.timeout ?? this.callTimeout;
    return this.handle.request(name, { ...args, timeout: pythonCallTimeoutSeconds(timeout) }, { timeout }) as Promise<T>;
  }

  ping(): Promise<'pong'> { return this.request('ping'); }
  /** Runs Python on Blender's main thread (bpy imported), in one namespace shared by every exec/eval. */
  exec(code: string, opts?: { timeout?: number }): Promise<{ stdout: string; stderr: string }> { return this.request('python.exec', { code }, opts); }
  /** Evaluates a Python expression; the value must be plain JSON data. */
  eval<T = unknown>(expr: string, opts?: { timeout?: number }): Promise<T> { return this.request('python.eval', { expr }, opts); }
  info(): Promise<BlendInfo> { return this.request('blend.info'); }
  open(file: string): Promise<BlendInfo> { return this.request('blend.open', { path: file }); }
  /** Saves to `file` (or the open file); `copy` writes a copy and keeps the open file. */
  save(file?: string, opts: { copy?: boolean } = {}): Promise<{ path: string; current: string | null }> {
    return this.request('blend.save', { ...(file ? { path: file } : {}), ...(opts.copy ? { copy: true } : {}) });
  }
  /** Ends a background Blender (its process exits) or quits a GUI Blender. */
  quit(): Promise<{ quitting: true }> { return this.request('blender.quit'); }
}
