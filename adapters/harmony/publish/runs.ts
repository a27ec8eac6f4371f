/**
 * Publish runs inside the hub. `startPublish` answers with a run id at once; the run goes on in the hub
 * (renders, copies and hashing in worker threads or child processes), its events go to subscribed tools as
 * `publish.event`, and its report stays available for `publish.report`. One run per session at a time.
 */
import fsp from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { HubServices } from '../../../kit/adapter.ts';
import { DccKitError, UsageError } from '../../../kit/errors.ts';
import { checkSkips, runPublish, stageOf, type PublishEvent, type PublishPlugin, type PublishReport, type Stage } from '../../../kit/publish/index.ts';
import { storeFromConfig } from '../../../kit/store/index.ts';
import { createStagingDir } from '../../../kit/publish/staging.ts';
import { pickHarmonySession } from '../pick-session.ts';
import { commonArgs } from '../session-context.ts';
import type { HarmonyPublishConfigView, HarmonyRunData } from './data.ts';
import { HARMONY_PLUGINS } from './plugins.ts';
import { describeProblems } from '../../../kit/plugins/index.ts';
import { BUILT_IN_CREATORS } from '../create/creators.ts';
import type { HarmonyCreator } from '../create/creator-types.ts';
import { logProblems, sessionExtensions } from '../extensions.ts';

export class PublishBusyError extends DccKitError {
  constructor(message: string) { super(message, 'PUBLISH_BUSY'); }
}

interface Run { id: string; session: string; state: 'running' | 'done'; report: PublishReport | null; events: PublishEvent[]; done: Promise<PublishReport>; plugins: PublishPlugin[]; creators: HarmonyCreator[] }

const RUNS = new Map<string, Run>();
const KEEP_RUNS = 50;

/**
 * Starts a publish of the session with the plugins in effect for its project (built-in and studio,
 * kit/plugins), answering at once. What could not be loaded is in `problems` (and the hub log).
 */
export async function startSessionPublish(hub: HubServices, args: unknown): Promise<{ runId: string; session: string; done: Promise<PublishReport>; problems: string[] }> {
  const { session: id } = commonArgs(args);
  const session = pickHarmonySession(hub, id, 'publish');
  const set = await sessionExtensions(hub, session);
  logProblems(hub, set, `publish of session ${session.id}`);
  return { ...startPublish(hub, { ...(args as object), session: session.id }, set.plugins, set.creators), problems: describeProblems(set.problems) };
}

export function startPublish(hub: HubServices, args: unknown, plugins: PublishPlugin[] = HARMONY_PLUGINS, creators: HarmonyCreator[] = BUILT_IN_CREATORS): { runId: string; session: string; done: Promise<PublishReport> } {
  const { session: id, overrides, a } = commonArgs(args);
  const session = pickHarmonySession(hub, id, 'publish');
  for (const r of RUNS.values()) {
    if (r.session === session.id && r.state === 'running') throw new PublishBusyError(`a publish of session ${session.id} is already running (run ${r.id}); wait for it to end`);
  }
  const until = a.until === undefined ? undefined : String(a.until);
  if (until !== undefined && !['collect', 'validate', 'extract', 'integrate'].includes(until)) throw new UsageError(`until must be collect, validate, extract or integrate (got "${until}")`);
  const skip = Array.isArray(a.skip) ? a.skip.map(String) : [];
  checkSkips(plugins, skip);
  const comment = publishComment(a.comment);
  const runId = randomUUID();
  const run: Run = { id: runId, session: session.id, state: 'running', report: null, events: [], done: Promise.resolve(null as unknown as PublishReport), plugins, creators };
  RUNS.set(runId, run);
  while (RUNS.size > KEEP_RUNS) RUNS.delete(RUNS.keys().next().value!);
  run.done = (async () => {
    const staging = await createStagingDir(hub.home, runId);
    const config = hub.config as HarmonyPublishConfigView;
    const base: HarmonyRunData = {
      hub, session, config, store: storeFromConfig(config), overrides, staging, runId, simulate: a.simulate === true, creators, comment,
    };
    hub.log.info(`publish ${runId}: session ${session.id} (${session.scene ?? 'no scene'})${a.dryRun ? ', dry run' : ''}`);
    try {
      const report = await runPublish({
        runId, plugins, data: base as unknown as Record<string, unknown>, dryRun: a.dryRun === true, repair: a.repair === true,
        until: until as Stage | undefined, skip,
        onEvent: (event) => {
          run.events.push(event);
          hub.emit('publish.event', { runId, session: session.id, ...stripped(event) });
        },
      });
      run.report = report;
      hub.log.info(`publish ${runId}: ${report.success ? 'published' : `failed at ${report.stoppedAt}`} in ${report.duration} ms; ${report.published.map((p) => `${p.product} v${p.version}`).join(', ') || 'nothing integrated'}`);
      return report;
    } finally {
      run.state = 'done';
      await fsp.rm(staging, { recursive: true, force: true }).catch(() => {});
    }
  })();
  run.done.catch((err) => hub.log.error(`publish ${runId}: ${(err as Error).stack ?? err}`));
  return { runId, session: session.id, done: run.done };
}

const MAX_COMMENT = 4000;

/** The publish comment: text, trimmed, at most MAX_COMMENT characters; empty = none. */
export function publishComment(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new UsageError(`the publish comment must be text (got ${typeof value})`);
  const text = value.replace(/\r\n?/g, '\n').trim();
  if (text.length > MAX_COMMENT) throw new UsageError(`the publish comment has ${text.length} characters; keep it under ${MAX_COMMENT}`);
  return text || null;
}

/** Events go out without the engine's internals (the hub and store objects are not data). */
function stripped(event: PublishEvent): Record<string, unknown> {
  if (event.type !== 'end') return { ...event };
  const { context, ...report } = event.report;
  const safe = Object.fromEntries(Object.entries(context).filter(([k]) => ['scene', 'context', 'workfile', 'workfileZip', 'audio', 'farmJobs', 'runId'].includes(k)));
  if (safe.scene && typeof safe.scene === 'object') {
    const { pipeline: _p, nodes, ...scene } = safe.scene as Record<string, unknown>;
    safe.scene = { ...scene, nodeCount: Array.isArray(nodes) ? nodes.length : 0 };
  }
  return { type: 'end', runId: event.runId, report: { ...report, context: safe } };
}

export function publishReport(args: unknown): { state: 'running' | 'done'; report: PublishReport | null; events: number } {
  const a = (args ?? {}) as { runId?: unknown };
  if (typeof a.runId !== 'string') throw new UsageError('publish.report needs args.runId');
  const run = RUNS.get(a.runId);
  if (!run) throw new UsageError(`no publish run ${a.runId} in this hub (runs are kept until the hub stops)`);
  const end = run.events.find((e) => e.type === 'end') as Extract<PublishEvent, { type: 'end' }> | undefined;
  return { state: run.state, report: end ? (stripped(end).report as PublishReport) : null, events: run.events.length };
}

/** Repairs one failed validator of a finished run, then says whether it validates now (publish again to use it). */
export async function repairFromRun(hub: HubServices, args: unknown): Promise<{ success: boolean; error?: { message: string } }> {
  const a = (args ?? {}) as { runId?: unknown; plugin?: unknown; instanceId?: unknown };
  if (typeof a.runId !== 'string' || typeof a.plugin !== 'string') throw new UsageError('publish.repair needs args.runId and args.plugin');
  const run = RUNS.get(a.runId);
  if (!run) throw new UsageError(`no publish run ${a.runId} in this hub`);
  const plugin = run.plugins.find((p) => p.label === a.plugin);
  if (!plugin?.repair) throw new UsageError(`${a.plugin} has no repair`);
  // Repairs need the collected scene: collect again (one call), repair, and validate that plugin.
  const collectOnly = run.plugins.filter((p) => stageOf(p.order) === 'collect');
  const repairRun = startPublish(hub, { session: run.session, until: 'validate', repair: true }, [...collectOnly, plugin], run.creators);
  const report = await repairRun.done;
  const last = [...report.results].reverse().find((r) => r.plugin === plugin.label && (a.instanceId === undefined || r.instanceId === a.instanceId));
  return last?.success ? { success: true } : { success: false, error: { message: last?.error?.message ?? report.results.find((r) => !r.success)?.error?.message ?? 'repair failed' } };
}
