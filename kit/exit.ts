/**
 * Ends this process with `code` by letting its event loop drain instead of calling process.exit() at once. On
 * Node 24, process.exit() shuts V8's worker threads down without tearing the isolate down first, and a background
 * compile job that waits for a main-thread garbage collection then waits forever: the process hangs on exit with
 * its work done (nodejs/node#54918, #64274; seen here as a simulated batch render that never exited, so the
 * publish waiting for it never ended). A natural exit tears the isolate down first, which releases such a job.
 * Whatever still holds the loop open after `graceMs` gets process.exit() as before; `onForced` hears what it was
 * (Node's names of the handles and requests still active), for a log.
 */
export function endProcess(code: number, opts: { graceMs?: number; onForced?(held: string[]): void } = {}): void {
  process.exitCode = code;
  setTimeout(() => {
    opts.onForced?.(process.getActiveResourcesInfo());
    process.exit(code);
  }, opts.graceMs ?? 5000).unref();
}
