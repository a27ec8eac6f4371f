/** How a batch run ended, and the error thrown for a bad end with `reject: true`. */
import { DccKitError } from '../errors.ts';

export interface BatchResult {
  command: string;
  pid: number | undefined;
  /** null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  canceled: boolean;
  /** SIGKILL was needed after the grace period. */
  forceKilled: boolean;
  durationMs: number;
  logFile: string | undefined;
  /** The last output lines (up to 20), kept for error messages. */
  lastLines: string[];
}

export type BatchFailure = 'exit' | 'signal' | 'timeout' | 'canceled';

/** A batch run ended badly; thrown only with `reject: true`. */
export class BatchRunError extends DccKitError {
  readonly failure: BatchFailure;
  readonly result: BatchResult;
  constructor(message: string, failure: BatchFailure, result: BatchResult) {
    super(message, 'BATCH_FAILED');
    this.failure = failure;
    this.result = result;
  }
}

export function batchFailure(r: BatchResult): BatchFailure | null {
  if (r.canceled) return 'canceled';
  if (r.timedOut) return 'timeout';
  if (r.signal) return 'signal';
  if (r.exitCode !== 0) return 'exit';
  return null;
}

export function batchMessage(name: string, failure: BatchFailure, r: BatchResult, timeout: number | undefined): string {
  const what = {
    canceled: `${name} was canceled`,
    timeout: `${name} did not finish within ${timeout} ms and was killed`,
    signal: `${name} was killed by ${r.signal}`,
    exit: `${name} exited with code ${r.exitCode}`,
  }[failure];
  const log = r.logFile ? ` (full output in ${r.logFile})` : '';
  const tail = r.lastLines.length ? `\nlast output:\n  ${r.lastLines.slice(-10).join('\n  ')}` : '';
  return `${what}${log}${tail}`;
}
