/** The typed Harmony session API for pipeline code. */
import { randomUUID } from 'node:crypto';
import * as acorn from 'acorn';
import type { SessionHandle, CallOptions } from '../../kit/hub/client.ts';
import { DccKitError } from '../../kit/errors.ts';

export class NotES5Error extends DccKitError {
  constructor(message: string) { super(message, 'NOT_ES5'); }
}

/** `"f" + uuid-with-underscores + "_" + name`: never clobbers a Harmony global such as `func`. */
export function signature(name = 'fn'): string {
  return `f${randomUUID().replace(/-/g, '_')}_${name.replace(/[^A-Za-z0-9_]/g, '') || 'fn'}`;
}

const ES2015_NODES: Record<string, string> = {
  ArrowFunctionExpression: 'an arrow function', ClassDeclaration: 'a class', ClassExpression: 'a class', TemplateLiteral: 'a template literal',
  ForOfStatement: 'for...of', SpreadElement: 'spread (...)', RestElement: 'rest parameters (...)', ObjectPattern: 'destructuring', ArrayPattern: 'destructuring',
  AwaitExpression: 'await', ImportDeclaration: 'import', ExportNamedDeclaration: 'export', ExportDefaultDeclaration: 'export', YieldExpression: 'a generator',
  AssignmentPattern: 'a default parameter value',
};

function firstModernConstruct(node: unknown): { what: string; line: number } | null {
  if (!node || typeof node !== 'object') return null;
  const n = node as { type?: string; kind?: string; loc?: { start: { line: number } }; async?: boolean; generator?: boolean };
  if (n.type) {
    if (ES2015_NODES[n.type]) return { what: ES2015_NODES[n.type]!, line: n.loc?.start.line ?? 0 };
    if (n.type === 'VariableDeclaration' && n.kind !== 'var') return { what: `${n.kind} (use var)`, line: n.loc?.start.line ?? 0 };
    if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression') && (n.async || n.generator)) return { what: n.async ? 'an async function' : 'a generator', line: n.loc?.start.line ?? 0 };
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === 'loc') continue;
    const hit = Array.isArray(v) ? v.map(firstModernConstruct).find(Boolean) ?? null : firstModernConstruct(v);
    if (hit) return hit;
  }
  return null;
}

/** null when `source` is ES5; else "line N: <construct> is not ES5 ..." */
export function es5Problem(source: string): string | null {
  try {
    acorn.parse(source, { ecmaVersion: 5, sourceType: 'script' });
    return null;
  } catch (err) {
    const e = err as { loc?: { line: number; column: number }; message: string };
    try {
      const modern = firstModernConstruct(acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script', locations: true }));
      if (modern) return `line ${modern.line}: ${modern.what} is not ES5 (Harmony's Qt Script runs ES5: use var and function expressions)`;
    } catch {
      // not valid in any version: report the ES5 parser's error
    }
    return `line ${e.loc?.line ?? '?'}: ${e.message.replace(/ \(\d+:\d+\)$/, '')}`;
  }
}

/** Checks that source parses as ES5 (Harmony's Qt Script); the error names the line and the construct to change. */
export function assertES5(source: string, what: string): void {
  const problem = es5Problem(source);
  if (problem) throw new NotES5Error(`${what} is not ES5, which Harmony's Qt Script needs: ${problem}`);
}

/** What `workfile.save` answers once Harmony saved (see adapters/harmony/workfiles/service.ts). */
export interface SaveTicket { id: string; dest: string; session: string; project: string; state: 'started' | 'queued'; supersedes: string[] }

export type SaveSceneResult = SaveTicket | { dest: string; ticket: SaveTicket };

export class HarmonySession {
  readonly handle: SessionHandle;

  constructor(handle: SessionHandle) {
    this.handle = handle;
  }

  get id(): string { return this.handle.id; }

  /** Calls a Harmony function by expression (e.g. "node.subNodes") with ONE argument. */
  call(fn: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.handle.call(fn, args, opts);
  }

  script(source: string, opts?: CallOptions): Promise<unknown> {
    return this.handle.script(source, opts);
  }

  request(name: string, args?: unknown, opts?: CallOptions): Promise<unknown> {
    return this.handle.request(name, args, opts);
  }

  /**
   * Runs an inline function in Harmony: its source is sent as `function f<uuid>_<name>(...){...}` and
   * called with `args` as one argument. The function must be written in ES5.
   */
  run<T = unknown>(fn: ((args: never) => unknown) | string, args?: unknown, opts?: CallOptions): Promise<T> {
    const source = typeof fn === 'string' ? fn : fn.toString();
    const name = typeof fn === 'function' && fn.name ? fn.name : 'inline';
    const sig = signature(name);
    const expression = `var ${sig} = (${source});\n${sig}`;
    assertES5(expression, `the inline function ${name}`);
    return this.handle.call(expression, args, opts) as Promise<T>;
  }

  /** The .xstage Harmony has open (its project folder is the local copy of the workfile). */
  async scenePath(): Promise<string> {
    const info = await this.handle.request('dcckit.info') as { scene: string };
    return info.scene;
  }

  /**
   * Saves the scene the way an artist does: Harmony's save, then the background, verified zip of the
   * workfile (temp file beside it, checked, renamed into place). Resolves with the archive's path once it is
   * written (rejects with the reason when it is not), or, with `wait: false`, with the save's ticket as soon
   * as Harmony saved and the snapshot is taken (follow `workfile.saved` / `workfile.failed` events by its id).
   * `versionUp` writes the next version of the workfile's name instead of replacing it.
   */
  async saveScene(opts: { versionUp?: boolean; wait?: boolean; to?: string; timeout?: number } = {}): Promise<SaveSceneResult> {
    const client = this.handle.client;
    const args = { session: this.id, versionUp: opts.versionUp === true, ...(opts.to ? { to: opts.to } : {}) };
    if (opts.wait === false) return await client.adapter('harmony', 'workfile.save', args) as SaveTicket;
    await client.subscribe();
    const outcomes = new Map<string, { event: string; dest?: string; error?: { message: string } }>();
    const waiters = new Map<string, (o: { event: string; dest?: string; error?: { message: string } }) => void>();
    const onEvent = (e: { event: string; ids?: string[]; dest?: string; error?: { message: string } }) => {
      if (e.event !== 'workfile.saved' && e.event !== 'workfile.failed') return;
      for (const id of e.ids ?? []) {
        outcomes.set(id, e);
        waiters.get(id)?.(e);
      }
    };
    client.on('event', onEvent);
    try {
      const ticket = await client.adapter('harmony', 'workfile.save', args) as SaveTicket;
      const outcome = outcomes.get(ticket.id) ?? await new Promise<{ event: string; dest?: string; error?: { message: string } }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new DccKitError(`the archive ${ticket.dest} was not written within ${opts.timeout ?? 600_000} ms (the zip goes on in the hub)`, 'SAVE_TIMEOUT')), opts.timeout ?? 600_000);
        waiters.set(ticket.id, (o) => { clearTimeout(timer); resolve(o); });
      });
      if (outcome.event === 'workfile.failed') throw new DccKitError(`the workfile was not saved to ${ticket.dest}: ${outcome.error?.message ?? 'unknown error'}`, 'SAVE_FAILED');
      return { dest: outcome.dest ?? ticket.dest, ticket };
    } finally {
      client.off('event', onEvent);
    }
  }

  /** Shows a message box to the artist. */
  message(text: string, kind: 'information' | 'warning' | 'critical' = 'information'): Promise<unknown> {
    return this.handle.request('dcckit.message', { text, kind });
  }

  /** Harmony's own save of the project folder, without writing the workfile archive (see saveScene). */
  saveAll(opts?: CallOptions): Promise<boolean> {
    return this.handle.call('scene.saveAll', undefined, opts) as Promise<boolean>;
  }
}
