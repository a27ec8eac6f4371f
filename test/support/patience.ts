/**
 * How long a test waits for something that must happen (a process to start, a DCC to connect, a message to
 * arrive). Deliberately generous: a busy 2-core machine running several suites at once needs seconds where
 * an idle one needs milliseconds, and reaching this limit means the thing is broken, not slow. Tests wait
 * on events or conditions up to this limit; they never assert how fast something was.
 */
export const PATIENCE_MS = 45_000;

/** How often `eventually` looks again: a condition with no event to wait on is polled, never timed. */
const POLL_MS = 50;

/**
 * Waits until `ok()` holds, looking again every few milliseconds, up to `ms` (PATIENCE_MS); rejects naming
 * `what`. For conditions that have no event to subscribe to (a file appearing, a process gone, a DCC's state).
 */
export async function eventually(what: string, ok: () => boolean | Promise<boolean>, ms = PATIENCE_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
