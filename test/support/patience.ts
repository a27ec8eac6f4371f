/**
 * How long a test waits for something that must happen (a process to start, a DCC to connect, a message to
 * arrive). Deliberately generous: a busy 2-core machine running several suites at once needs seconds where
 * an idle one needs milliseconds, and reaching this limit means the thing is broken, not slow. Tests wait
 * on events or conditions up to this limit; they never assert how fast something was.
 */
export const PATIENCE_MS = 45_000;
