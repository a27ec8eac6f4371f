/**
 * The typed Houdini session API for pipeline code. Every method is one named request served by
 * startup-scripts/houdini (dcckit_houdini/handlers.py); errors raised in Houdini reject with a
 * RemoteError carrying the Python exception's name, message and traceback (`remoteStack`).
 */
import type { HubClient, SessionHandle } from '../../kit/hub/client.ts';
import { pythonCallTimeoutSeconds } from '../../kit/python-call-timeout.ts';

/** Hub-side timeout of one call, in milliseconds (default: the session's callTimeout). */
export interface HoudiniCallOptions {
  timeout?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export interface HipInfo {
  /** The current .hip file (forward slashes; `untitled.hip` in the start folder until saved). */
  path: string;
  frameRange: [number, number];
  fps: number;
  /** Unsaved changes. */
  dirty: boolean;
}

export interface NodeInfo {
  path: string;
  name: string;
  type: string;
}

export const HOUDINI_REQUESTS = ['ping', 'python.exec', 'python.eval', 'hip.open', 'hip.save', 'hip.info', 'nodes.list'] as const;
export type HoudiniRequest = typeof HOUDINI_REQUESTS[number];

/** houdini.callTimeout's default. */
export const DEFAULT_CALL_TIMEOUT = 30_000;

/** How much longer than a call's timeout the hub waits for Houdini's own answer to it. */
const HUB_GRACE_MS = 5000;

/** The `args.timeout` a Houdini request carries (kit/python-call-timeout.ts; the name Houdini's API has had). */
export const houdiniTimeoutSeconds = pythonCallTimeoutSeconds;

export class HoudiniSession {
  readonly handle: SessionHandle;
  /** Milliseconds the hub waits for a call without its own timeout. */
  readonly callTimeout: number;

  constructor(handle: SessionHandle, opts: { callTimeout?: number } = {}) {
    this.handle = handle;
    this.callTimeout = opts.callTimeout ?? DEFAULT_CALL_TIMEOUT;
  }

  /** The newest connected Houdini session (or `selector`: a session id), waiting `wait` ms for one to join. */
  static async connect(client: HubClient, opts: { selector?: string; wait?: number; callTimeout?: number } = {}): Promise<HoudiniSession> {
    const handle = await client.session(opts.selector ?? 'houdini', { wait: opts.wait });
    return new HoudiniSession(handle, { callTimeout: opts.callTimeout });
  }

  get id(): string { return this.handle.id; }
  /** Houdini's process id, from its hello. */
  get pid(): number | null { return this.handle.info.pid; }

  /**
   * Sends a named request with `args.timeout` set just below `timeout`. The hub itself waits HUB_GRACE_MS
   * longer: the Python side's TimeoutError is the answer, and the hub's generic "no reply" only when Houdini
   * does not answer at all (with the same deadline, a loaded machine let the hub's timer win the race).
   */
  request<T = unknown>(name: HoudiniRequest, args: Record<string, unknown> = {}, opts: HoudiniCallOptions = {}): Promise<T> {
    const timeout = opts.timeout ?? this.callTimeout;
    return this.handle.request(name, { ...args, timeout: houdiniTimeoutSeconds(timeout) }, { timeout: timeout > 0 ? timeout + HUB_GRACE_MS : timeout }) as Promise<T>;
  }

  /** Answered by Houdini's socket thread: works while the main thread is busy. */
  ping(opts?: HoudiniCallOptions): Promise<'pong'> {
    return this.request('ping', {}, opts);
  }

  /**
   * Runs Python source on Houdini's main thread, in one namespace shared by every exec/eval of this
   * Houdini (`hou` is imported in it). Resolves with what it printed.
   */
  exec(code: string, opts?: HoudiniCallOptions): Promise<ExecResult> {
    return this.request('python.exec', { code }, opts);
  }

  /** Evaluates a Python expression; the value must be plain JSON data (e.g. `node.path()`, not a node). */
  eval<T = unknown>(expr: string, opts?: HoudiniCallOptions): Promise<T> {
    return this.request('python.eval', { expr }, opts);
  }

  /** Loads a .hip file (a path Houdini can read; `$HIP`/`$JOB` are expanded by Houdini). Load warnings are returned, not thrown. */
  hipOpen(file: string, opts?: HoudiniCallOptions): Promise<{ path: string; warnings: string[] }> {
    return this.request('hip.open', { path: file }, opts);
  }

  /** Saves the scene, to `file` when given (its folder is created), else to its current path. */
  hipSave(file?: string, opts?: HoudiniCallOptions): Promise<{ path: string }> {
    return this.request('hip.save', file === undefined ? {} : { path: file }, opts);
  }

  hipInfo(opts?: HoudiniCallOptions): Promise<HipInfo> {
    return this.request('hip.info', {}, opts);
  }

  /** The children of the node at `nodePath` (default `/obj`), or all its descendants with `recursive`. */
  nodesList(nodePath = '/obj', opts: HoudiniCallOptions & { recursive?: boolean } = {}): Promise<NodeInfo[]> {
    return this.request('nodes.list', { path: nodePath, recursive: Boolean(opts.recursive) }, opts);
  }
}
