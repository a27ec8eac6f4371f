/** The typed errors of starting processes: each message names what to set or do. */
import { DccKitError } from '../errors.ts';

export type ExecutableProblem = 'missing' | 'not-executable' | 'not-a-file' | 'not-on-path' | 'batch-script' | 'no-candidates';

/** The program cannot be started. The message names the config key to set. */
export class ExecutableNotFoundError extends DccKitError {
  readonly displayName: string;
  readonly key: string | undefined;
  /** The configured (or attempted) program, when there was one. */
  readonly executable: string | undefined;
  readonly problem: ExecutableProblem;
  /** Every location looked at, in order, with why it was skipped. */
  readonly tried: string[];
  constructor(opts: { displayName: string; key?: string; hint?: string; executable?: string; problem: ExecutableProblem; detail: string; tried?: string[] }) {
    const advice = [opts.key ? `set ${opts.key} in .dcckitrc` : 'set the executable in .dcckitrc', opts.hint].filter(Boolean).join(', ');
    super(`${opts.displayName} executable not found: ${opts.detail} (${advice})`, 'EXECUTABLE_NOT_FOUND');
    this.displayName = opts.displayName;
    this.key = opts.key;
    this.executable = opts.executable;
    this.problem = opts.problem;
    this.tried = opts.tried ?? [];
  }
}

/** Starting a process failed for a reason other than the program itself (log folder, cwd, resources). */
export class LaunchError extends DccKitError {
  constructor(message: string, options?: { cause?: unknown }) { super(message, 'LAUNCH', options); }
}
