/**
 * Publishing bench on the Harmony simulator (in-process hub, real startup scripts):
 *  - round trips to Harmony (frames the hub sends the session) of: an imprint (a creator), an instance
 *    update, collecting the scene; anchor: AYON's 2 round trips per imprint, each >= 100 ms (its 100 ms
 *    reply polling), printed beside ours;
 *  - the publish overhead of a 20-instance scene (collect + validate, no render or zip; target < 0.5 s)
 *    beside one bare call round trip measured in the same run.
 * Loading and the inventory are measured in bench/load.ts.
 *
 *   npx node bench/run.ts pipeline
 */
import type { PublishReport } from '../kit/publish/index.ts';
import { measureTrips } from './support/harmony-trips.ts';
import { pipelineRig, type PipelineRig } from '../test/support/pipeline.ts';

interface Figure { label: string; ratio: number; met?: boolean }

const teardowns: (() => unknown)[] = [];
const t = { teardown(fn: () => unknown) { teardowns.push(fn); } };


async function publishAndWait(rig: PipelineRig, args: Record<string, unknown>): Promise<PublishReport> {
  const { runId } = await rig.tool<{ runId: string }>('publish.run', args);
  for (;;) {
    const r = await rig.tool<{ report: PublishReport | null }>('publish.report', { runId });
    if (r.report) return r.report;
    await new Promise((res) => setTimeout(res, 5));
  }
}

function line(label: string, ours: string, anchor: string, ok: boolean, target: string): void {
  console.log(`${label}: ${ours} vs ${anchor} (target ${target}${ok ? '' : ', MISSED'})`);
}

export async function runPipelineBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  try {
    const rig = await pipelineRig(t, { shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1\n  frameEnd: 60\n' });
    const session = (await rig.client.sessions())[0]!.id;
    const rtts: number[] = [];
    for (let i = 0; i < 30; i++) rtts.push((await measureTrips(rig, () => rig.client.call(session, '(function (a) { return a; })', i))).ms);
    rtts.sort((a, b) => a - b);
    const rtt = rtts[15]!;
    console.log(`one bare call round trip through the hub to the simulator: ${rtt.toFixed(2)} ms (median of 30)`);

    const imprint = await measureTrips(rig, () => rig.tool('create.run', { creator: 'render', variant: 'Main' }));
    line('imprint (create a render instance)', `${imprint.trips} round trip, ${imprint.ms.toFixed(1)} ms`, 'AYON 2 round trips, >= 200 ms', imprint.trips === 1, '1 round trip');
    figures.push({ label: 'imprint round trips (AYON 2)', ratio: imprint.trips / 2, met: imprint.trips === 1 });
    const toggle = await measureTrips(rig, () => rig.tool('create.update', { key: 'Top/renderMain', active: false }));
    line('instance update (active)', `${toggle.trips} round trip`, 'AYON 2', toggle.trips === 1, '1 round trip');

    for (let i = 2; i <= 20; i++) await rig.tool('create.run', { creator: 'render', variant: `V${i}` });
    const collect = await measureTrips(rig, () => publishAndWait(rig, { until: 'collect' }));
    line('collect (scene, instances, palettes, audio)', `${collect.trips} round trip`, 'AYON: one call per collector', collect.trips === 1, '1 round trip');
    figures.push({ label: 'collect round trips', ratio: collect.trips, met: collect.trips === 1 });
    const overhead = await measureTrips(rig, () => publishAndWait(rig, { dryRun: true }));
    const okOverhead = overhead.value.success && overhead.ms < 500;
    line('publish overhead, 20 instances (collect + validate, no render/zip)', `${overhead.ms.toFixed(0)} ms, ${overhead.trips} round trip(s)`,
      `one round trip ${rtt.toFixed(2)} ms; AYON >= ${(20 * 0.2).toFixed(1)} s of imprints alone`, okOverhead, '< 500 ms');
    figures.push({ label: 'publish overhead 20 instances / 500 ms', ratio: overhead.ms / 500, met: okOverhead });

  } finally {
    for (const fn of teardowns.reverse()) await fn();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) await runPipelineBench();
