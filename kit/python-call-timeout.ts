/**
 * The `args.timeout` (seconds) a request to a Python host (dcckit_client: Houdini, Blender) carries when the
 * hub waits `hubTimeoutMs` for it: a little less, so the host's own TimeoutError (which says whether the job
 * never started or is still running) reaches the caller before the hub's generic "no reply" error.
 */
export function pythonCallTimeoutSeconds(hubTimeoutMs: number): number {
  const margin = hubTimeoutMs <= 200 ? hubTimeoutMs / 2 : Math.min(1000, Math.max(100, hubTimeoutMs * 0.05));
  return (hubTimeoutMs - margin) / 1000;
}
