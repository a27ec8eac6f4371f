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

/** Checks that source parses as ES5 (Harmony's Qt Script); the error says what to change. */
export function assertES5(source: string, what: string): void {
  try {
    acorn.parse(source, { ecmaVersion: 5, sourceType: 'script' });
  } catch (err) {
    throw new NotES5Error(`${what} is not ES5, which Harmony's Qt Script needs (${(err as Error).message}). Use var and function expressions: no arrow functions, let/const, classes or template literals`);
  }
}

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

  async scenePath(): Promise<string> {
    const info = await this.handle.request('dcckit.info') as { scene: string };
    return info.scene;
  }

  /** Shows a message box to the artist. */
  message(text: string, kind: 'information' | 'warning' | 'critical' = 'information'): Promise<unknown> {
    return this.handle.request('dcckit.message', { text, kind });
  }

  saveAll(opts?: CallOptions): Promise<boolean> {
    return this.handle.call('scene.saveAll', undefined, opts) as Promise<boolean>;
  }
}
