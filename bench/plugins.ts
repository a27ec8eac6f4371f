/**
 * Studio extensions bench (issue 23):
 *  - a real hub process started with 50 studio publish plugin files (.ts, type stripping) named by its
 *    .dcckitrc: the time the hub takes to load them (its own log line; target < 300 ms), and the hub's start
 *    time beside a start without them, same run, interleaved;
 *  - a publish (collect + validate of 20 render instances on the simulator) with 50 extra no-op studio
 *    plugins (each run once per instance: 1,000 more plugin steps) beside the same publish without them:
 *    the overhead (target < 0.5 s).
 *
 *   node bench/run.ts plugins
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { PublishReport } from '../kit/publish/index.ts';
import { pipelineRig, type PipelineRig } from '../test/support/pipeline.ts';
import { startHubProcess } from './support/hub-process.ts';
import { median, timeMs } from './lib/timing.ts';

interface Figure { label: string; ratio: number; met?: boolean }

const PLUGIN_FILES = 50;
const INSTANCES = 20;
const RUNS = 5;

/** 50 modules in `dir`, each a no-op plugin; `instance`: run once per instance (else once per publish). */
function writeNoopPlugins(dir: string, instance: boolean): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < PLUGIN_FILES; i++) {
    fs.writeFileSync(path.join(dir, `noop-${String(i).padStart(2, '0')}.ts`), `import type { PublishPlugin } from 'dcc-kit';

interface Seen { count: number }

const plugin: PublishPlugin = {
  label: 'Validate Studio Rule ${i}',
  order: ${(1.2 + i / 1000).toFixed(3)},
  instance: ${instance},
  families: ['*'],
  process(ctx, instance): void {
    const seen = (ctx.data.seen ??= { count: 0 }) as Seen;
    seen.count += instance ? 1 : 0;
  },
};

export default plugin;
`);
  }
}

async function hubStart(withPlugins: boolean): Promise<{ startMs: number; loadMs: number | null }> {
  let hub: Awaited<ReturnType<typeof startHubProcess>> | null = null;
  const startMs = await timeMs(async () => {
    hub = await startHubProcess(withPlugins ? {
      config: { publish: { plugins: ['./studio-plugins'] } },
      prepare: async (cwd) => writeNoopPlugins(path.join(cwd, 'studio-plugins'), false),
    } : {});
  });
  const h = hub!;
  try {
    if (!withPlugins) return { startMs, loadMs: null };
    const log = path.join(h.home, 'logs', 'hub.log');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const m = /harmony: (\d+) studio extension\(s\) loaded in (\d+) ms, (\d+) not loaded/.exec(await fsp.readFile(log, 'utf8').catch(() => ''));
      if (m) {
        if (Number(m[1]) !== PLUGIN_FILES || m[3] !== '0') throw new Error(`the hub loaded ${m[1]} studio plugins (${m[3]} not loaded), expected ${PLUGIN_FILES}`);
        return { startMs, loadMs: Number(m[2]) };
      }
      if (Date.now() > deadline) throw new Error(`the hub did not log its studio plugins within 60 s (${log})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await h.stop();
  }
}

async function publishAndWait(rig: PipelineRig): Promise<PublishReport> {
  const { runId } = await rig.tool<{ runId: string }>('publish.run', { dryRun: true });
  for (;;) {
    const r = await rig.tool<{ report: PublishReport | null }>('publish.report', { runId });
    if (r.report) return r.report;
    await new Promise((res) => setTimeout(res, 5));
  }
}

export async function runPluginsBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const starts: number[] = [];
  const startsWith: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < 3; i++) {
    starts.push((await hubStart(false)).startMs);
    const w = await hubStart(true);
    startsWith.push(w.startMs);
    loads.push(w.loadMs!);
  }
  const load = median(loads);
  console.log(`hub start: ${median(startsWith).toFixed(0)} ms with ${PLUGIN_FILES} studio plugin files vs ${median(starts).toFixed(0)} ms without (median of 3, same run)`);
  console.log(`loading the ${PLUGIN_FILES} studio plugin files in the hub (its log): ${load} ms (target < 300 ms${load < 300 ? '' : ', MISSED'})`);
  figures.push({ label: `hub loads ${PLUGIN_FILES} studio plugin files / 300 ms`, ratio: load / 300, met: load < 300 });

  const teardowns: (() => unknown)[] = [];
  const t = { teardown(fn: () => unknown) { teardowns.push(fn); } };
  try {
    const shot = `  folder: shots/sh010\n  task: anim\n  frameStart: 1\n  frameEnd: 60\n`;
    const plain = await pipelineRig(t, { shotContext: shot });
    const studio = await pipelineRig(t, {
      shotContext: shot,
      // Above the project: a studio-wide .dcckitrc layered under the project's, naming the plugins.
      prepareDir: (dir) => {
        writeNoopPlugins(path.join(dir, 'studio-plugins'), true);
        fs.writeFileSync(path.join(dir, '.dcckitrc'), 'publish:\n  plugins: [./studio-plugins]\n');
      },
    });
    for (const rig of [plain, studio]) {
      for (let i = 1; i <= INSTANCES; i++) await rig.tool('create.run', { creator: 'render', variant: `V${i}` });
      const first = await publishAndWait(rig);
      if (!first.success) throw new Error(`the bench publish failed: ${JSON.stringify(first.results.filter((r) => !r.success))}`);
    }
    const steps = (await publishAndWait(studio)).results.filter((r) => r.plugin.startsWith('Validate Studio Rule') && !r.skipped).length;
    if (steps !== PLUGIN_FILES * (INSTANCES + 1)) throw new Error(`expected ${PLUGIN_FILES * (INSTANCES + 1)} studio plugin steps, got ${steps}`);
    const without: number[] = [];
    const withPlugins: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      without.push(await timeMs(() => publishAndWait(plain)));
      withPlugins.push(await timeMs(() => publishAndWait(studio)));
    }
    const overhead = median(withPlugins) - median(without);
    const ok = overhead < 500;
    console.log(`publish of ${INSTANCES} instances (collect + validate): ${median(withPlugins).toFixed(0)} ms with ${PLUGIN_FILES} no-op studio plugins (${steps} steps) vs ${median(without).toFixed(0)} ms without (median of ${RUNS}); overhead ${overhead.toFixed(0)} ms (target < 500 ms${ok ? '' : ', MISSED'})`);
    figures.push({ label: `publish overhead of ${PLUGIN_FILES} studio plugins, ${INSTANCES} instances / 500 ms`, ratio: Math.max(0, overhead) / 500, met: ok });
  } finally {
    for (const fn of teardowns.reverse()) await fn();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) await runPluginsBench();
