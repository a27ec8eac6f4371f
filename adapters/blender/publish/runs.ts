/**
 * Blender publish runs inside the hub: `publish.run` answers a run id at once, events go out as
 * `publish.event`, `publish.report` gives the report (with `wait`, when the run is over). One run per
 * session at a time.
 */
import fsp from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Endpoint } from '../../../kit/adapter.ts';
import { DccKitError, UsageError } from '../../../kit/errors.ts';
import { checkSkips, runPublish, stageOf, type PublishEvent, type PublishReport, type Stage } from '../../../kit/publish/index.ts';
import { storeFromConfig } from '../../../kit/store/index.ts';
import { createStagingDir } from '../../../kit/publish/staging.ts';
import { pickBlenderSession } from '../sessions.ts';
import { describeProblems } from '../../../kit/plugins/index.ts';
import { blenderExtensions, sessionExtensions } from '../extensions.ts';

interface Run { id: string; session: string; state: 'running' | 'done'; report: PublishReport | null; done: Promise<PublishReport> }

const RUNS = new Map<string, Run>();
const KEEP_RUNS = 50;

function forEvent(event: PublishEvent): Record<string, unknown> {
  if (event.type !== 'end') return { ...event };
  const { context: _c, ...report } = event.report;
  return { ...event, report };
}

function reportOut(report: PublishReport): Omit<PublishReport, 'context'> & { context: Record<string, unknown> } {
  const c = report.context;
  return { ...report, context: { workfile: c.workfile, context: c.context, runId: c.runId } };
}

export const publishEndpoints: Record<string, Endpoint> = {
  // Studio plugins (publish.plugins of the session's project, kit/plugins) run beside Blender's own; those with `hosts` run only for theirs.
  'publish.plugins': async (args, { hub }) => (await blenderExtensions(hub, (args as { session?: unknown })?.session)).pluginEntries,
  'publish.run': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; dryRun?: unknown; repair?: unknown; until?: unknown; skip?: unknown };
    const session = pickBlenderSession(hub, a.session);
    const set = await sessionExtensions(hub, session);
    const plugins = set.plugins;
    for (const r of RUNS.values()) {
      if (r.session === session.id && r.state === 'running') throw new DccKitError(`a publish of session ${session.id} is already running (run ${r.id}); wait for it to end`, 'PUBLISH_BUSY');
    }
    const until = a.until === undefined ? undefined : String(a.until);
    if (until !== undefined && !['collect', 'validate', 'extract', 'integrate'].includes(until)) throw new UsageError(`until must be collect, validate, extract or integrate (got "${until}")`);
    const skip = Array.isArray(a.skip) ? a.skip.map(String) : [];
    checkSkips(plugins, skip);
    const runId = randomUUID();
    const entry: Run = { id: runId, session: session.id, state: 'running', report: null, done: Promise.resolve(null as unknown as PublishReport) };
    RUNS.set(runId, entry);
    while (RUNS.size > KEEP_RUNS) RUNS.delete(RUNS.keys().next().value!);
    entry.done = (async () => {
      const staging = await createStagingDir(hub.home, runId);
      try {
        const report = await runPublish({
          runId, plugins, dryRun: a.dryRun === true, repair: a.repair === true, until: until as Stage | undefined, skip,
          data: { hub, session, store: storeFromConfig(hub.config), staging, runId, published: [], creators: set.creators },
          onEvent: (event) => hub.emit('publish.event', { runId, session: session.id, ...forEvent(event) }),
        });
        entry.report = report;
        hub.log.info(`blender publish ${runId}: ${report.success ? 'published' : `failed at ${report.stoppedAt}`}; ${report.published.map((p) => `${p.product} v${p.version}`).join(', ') || 'nothing integrated'}`);
        return report;
      } finally {
        entry.state = 'done';
        await fsp.rm(staging, { recursive: true, force: true }).catch(() => {});
      }
    })();
    entry.done.catch((err) => hub.log.error(`blender publish ${runId}: ${(err as Error).stack ?? err}`));
    return { runId, session: session.id, problems: describeProblems(set.problems) };
  },
  'publish.repair': async (args, { hub }) => {
    // The one repairable Blender validator: the scene settings from the context.
    const a = (args ?? {}) as { runId?: unknown; plugin?: unknown };
    const entry = RUNS.get(String(a.runId));
    if (!entry) throw new UsageError(`no publish run ${String(a.runId)} in this hub`);
    if (a.plugin !== 'Validate Scene Settings') throw new UsageError(`${String(a.plugin)} has no repair`);
    const { sceneEndpoints } = await import('../scene-service.ts');
    await sceneEndpoints['scene.applySettings']({ session: entry.session }, { hub, session: null });
    return { success: true };
  },
  'publish.report': async (args) => {
    const a = (args ?? {}) as { runId?: unknown; wait?: unknown };
    const entry = RUNS.get(String(a.runId));
    if (!entry) throw new UsageError(`no publish run ${String(a.runId)} in this hub`);
    if (a.wait === true) return reportOut(await entry.done);
    return entry.report ? reportOut(entry.report) : { runId: entry.id, state: entry.state };
  },
};
