import { DccKitError } from '../errors.ts';
import type { ErrorPayload } from './messages.ts';

/** The peer went away (or was closed) while a call was pending. */
export class SessionClosedError extends DccKitError {
  constructor(message: string) { super(message, 'SESSION_CLOSED'); }
}

/** No reply within the call's timeout. */
export class CallTimeoutError extends DccKitError {
  constructor(message: string) { super(message, 'CALL_TIMEOUT'); }
}

/** The peer answered with an error reply. `name` is the remote error's name (e.g. "ReferenceError"). */
export class RemoteError extends DccKitError {
  readonly remoteStack: string | undefined;
  constructor(payload: ErrorPayload) {
    super(payload.message, payload.code ?? 'REMOTE_ERROR');
    this.name = payload.name || 'Error';
    this.remoteStack = payload.stack;
  }
}

export function toErrorPayload(err: unknown, withStack = false): ErrorPayload {
  if (err instanceof Error) {
    const payload: ErrorPayload = { name: err.name || 'Error', message: err.message };
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') payload.code = code;
    // A DCC's own stack (e.g. a Python traceback) is passed on; the hub's stacks stay private.
    if (err instanceof RemoteError && err.remoteStack) payload.stack = err.remoteStack;
    else if (withStack && err.stack) payload.stack = err.stack;
    return payload;
  }
  return { name: 'Error', message: String(err) };
}
