/**
 * Round trips to Harmony in the simulator benches: the frames the hub sent the (only) session while `fn` ran,
 * and how long it took.
 */
import type { PipelineRig } from '../../test/support/pipeline.ts';

function sent(rig: PipelineRig): number {
  return rig.hub.sessions.list()[0]!.peer!.stats().framesOut;
}

export async function measureTrips<T>(rig: PipelineRig, fn: () => Promise<T>): Promise<{ ms: number; trips: number; value: T }> {
  const before = sent(rig);
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, trips: sent(rig) - before, value };
}
