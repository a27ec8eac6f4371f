/**
 * The publish engine: runs plugins in pyblish order (collect 0, validate 1, extract 2, integrate 3).
 *
 * A context plugin runs once; an instance plugin (`instance: true`) once per active instance whose
 * families match. Every run of a plugin gives one PluginResult, streamed as an event. A failed collector
 * or validator stops the run before extraction (nothing is written); a failed extractor or integrator
 * stops the rest too, since later plugins would work on missing outputs. With `repair`, failed validators
 * that have a repair are repaired and the validators run once more before the decision.
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.ts';
import { ORDER, type PluginLog, type PluginRecord, type PluginResult, type PublishContext, type PublishEvent, type PublishInstance,
  type PublishPlugin, type PublishReport, type RunOptions, type Stage, type StagedWork } from './types.ts';

export function stageOf(order: number): Stage {
  const band = Math.floor(order + 0.5);
  if (band <= 0) return 'collect';
  if (band === 1) return 'validate';
  if (band === 2) return 'extract';
  return 'integrate';
}

/** Does a plugin apply to an instance? `families` omitted or containing '*' = every instance. */
export function pluginMatches(plugin: PublishPlugin, instance: PublishInstance): boolean {
  const families = plugin.families ?? ['*'];
  return families.includes('*') || families.some((f) => instance.families.includes(f));
}

function errorOf(err: unknown, hint?: string): PluginResult['error'] {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}), ...(hint ? { hint } : {}) };
}

class Context implements PublishContext {
  readonly data: Record<string, unknown>;
  readonly instances: PublishInstance[] = [];
  readonly signal: AbortSignal;
  readonly published: PublishReport['published'] = [];
  readonly rolledBack: string[] = [];
  private staged: StagedWork[] = [];
  constructor(data: Record<string, unknown>, signal: AbortSignal) {
    this.data = data;
    this.signal = signal;
  }

  stage(work: StagedWork): void {
    this.staged.push(work);
  }

  /** Prepares every staged product, then finishes every one; any failure rolls all of them back. */
  async commitStaged(): Promise<void> {
    const batch = this.staged;
    this.staged = [];
    try {
      for (const w of batch) await w.prepare();
      for (const w of batch) await w.finish();
    } catch (err) {
      await this.rollBack(batch);
      throw err;
    }
    for (const w of batch) if (w.published) this.published.push(w.published);
  }

  async rollBack(batch = this.staged.splice(0)): Promise<void> {
    for (const w of batch.reverse()) {
      await w.rollback().catch(() => {});
      this.rolledBack.push(w.label);
    }
  }
  createInstance(init: Parameters<PublishContext['createInstance']>[0]): PublishInstance {
    const inst: PublishInstance = { active: true, data: {}, ...init };
    if (!inst.families.includes(inst.productType)) inst.families = [inst.productType, ...inst.families];
    this.instances.push(inst);
    return inst;
  }
}

interface Step { plugin: PublishPlugin; instance: PublishInstance | undefined }

/** Throws a UsageError when a name to skip is not the label of an optional plugin (naming those that are). */
export function checkSkips(plugins: PublishPlugin[], skip: string[]): void {
  const optional = plugins.filter((p) => p.optional).map((p) => p.label);
  for (const name of skip) {
    if (optional.includes(name)) continue;
    const plugin = plugins.find((p) => p.label === name) ?? plugins.find((p) => p.label.toLowerCase() === name.toLowerCase());
    const why = !plugin ? `no publish plugin is called "${name}"` : plugin.label !== name ? `plugin names are exact: "${plugin.label}", not "${name}"` : `"${name}" is not optional and cannot be skipped`;
    throw new UsageError(`${why}; the optional plugins are: ${optional.map((l) => `"${l}"`).join(', ') || 'none'}`);
  }
}

export async function runPublish(opts: RunOptions): Promise<PublishReport> {
  const runId = opts.runId ?? randomUUID();
  const started = Date.now();
  const signal = opts.signal ?? new AbortController().signal;
  const ctx = new Context({ ...(opts.data ?? {}) }, signal);
  const skip = new Set(opts.skip ?? []);
  const plugins = [...opts.plugins]
    .filter((p) => !(p.optional && skip.has(p.label)))
    .sort((a, b) => a.order - b.order);
  const results: PluginResult[] = [];
  const published = ctx.published;
  ctx.data.published = published;
  const emit = (e: PublishEvent) => {
    try { opts.onEvent?.(e); } catch { /* a listener never breaks the run */ }
  };
  emit({ type: 'start', runId, dryRun: Boolean(opts.dryRun), plugins: plugins.map((p) => ({ label: p.label, order: p.order, stage: stageOf(p.order) })) });

  const runStep = async (step: Step, mode: 'process' | 'repair'): Promise<PluginResult> => {
    const { plugin, instance } = step;
    const records: PluginRecord[] = [];
    const name = instance?.name ?? null;
    const log: PluginLog = {
      info: (msg) => { records.push({ level: 'info', msg, time: Date.now() }); },
      warn: (msg) => { records.push({ level: 'warn', msg, time: Date.now() }); },
      progress: (fraction, label) => emit({ type: 'progress', runId, plugin: plugin.label, instance: name, fraction, ...(label ? { label } : {}) }),
    };
    emit({ type: 'plugin.start', runId, plugin: mode === 'repair' ? `${plugin.label} (repair)` : plugin.label, instance: name });
    const t0 = performance.now();
    let error: PluginResult['error'] = null;
    try {
      if (signal.aborted) throw new Error('the publish was cancelled');
      await (mode === 'repair' ? plugin.repair!(ctx, instance, log) : plugin.process(ctx, instance, log));
    } catch (err) {
      error = errorOf(err, plugin.hint);
    }
    const result: PluginResult = {
      plugin: mode === 'repair' ? `${plugin.label} (repair)` : plugin.label,
      order: plugin.order,
      stage: stageOf(plugin.order),
      instance: name,
      instanceId: instance?.id ?? null,
      success: error === null,
      error,
      records,
      duration: Math.round(performance.now() - t0),
      repairable: error !== null && mode === 'process' && typeof plugin.repair === 'function',
    };
    results.push(result);
    emit({ type: 'result', runId, result });
    return result;
  };

  const stepsOf = (plugin: PublishPlugin): Step[] => {
    if (!plugin.instance) return [{ plugin, instance: undefined }];
    return ctx.instances.filter((i) => i.active && pluginMatches(plugin, i)).map((instance) => ({ plugin, instance }));
  };

  const runStage = async (stage: Stage): Promise<PluginResult[]> => {
    const failed: PluginResult[] = [];
    for (const plugin of plugins.filter((p) => stageOf(p.order) === stage)) {
      for (const step of stepsOf(plugin)) {
        const r = await runStep(step, 'process');
        if (!r.success) failed.push(r);
      }
      // Collectors and extractors feed the plugins after them: stop at the first failed one.
      if (failed.length && stage !== 'validate') return failed;
    }
    return failed;
  };

  let stoppedAt: Stage | null = null;
  let success = true;
  const stages: Stage[] = ['collect', 'validate', 'extract', 'integrate'];
  const until = opts.dryRun ? 'validate' : opts.until ?? 'integrate';
  for (const stage of stages) {
    let failed = await runStage(stage);
    if (stage === 'validate' && failed.length && opts.repair) {
      const repairable = failed.filter((r) => r.repairable);
      for (const r of repairable) {
        const plugin = plugins.find((p) => p.label === r.plugin)!;
        await runStep({ plugin, instance: ctx.instances.find((i) => i.id === r.instanceId) }, 'repair');
      }
      if (repairable.length) failed = await runStage('validate');
    }
    stoppedAt = stage;
    if (failed.length) {
      success = false;
      break;
    }
    if (stage === until) break;
  }
  // All of a publish's products or none: what is still staged is committed after a good run, rolled back after a failed one.
  if (success) {
    try {
      await ctx.commitStaged();
    } catch (err) {
      success = false;
      results.push({
        plugin: 'Commit Products', order: ORDER.integrate + 0.99, stage: 'integrate', instance: null, instanceId: null,
        success: false, error: errorOf(err), records: [], duration: 0, repairable: false,
      });
      emit({ type: 'result', runId, result: results.at(-1)! });
    }
  } else {
    await ctx.rollBack();
  }
  if (opts.dryRun && success) {
    for (const p of plugins.filter((x) => stageOf(x.order) === 'extract' || stageOf(x.order) === 'integrate')) {
      for (const step of stepsOf(p)) {
        results.push({
          plugin: p.label, order: p.order, stage: stageOf(p.order), instance: step.instance?.name ?? null, instanceId: step.instance?.id ?? null,
          success: true, skipped: true, error: null, records: [{ level: 'info', msg: 'dry run: would run', time: Date.now() }], duration: 0, repairable: false,
        });
      }
    }
  }
  const report: PublishReport = {
    runId,
    success,
    stoppedAt,
    dryRun: Boolean(opts.dryRun),
    startedAt: new Date(started).toISOString(),
    duration: Date.now() - started,
    context: Object.fromEntries(Object.entries(ctx.data).filter(([k]) => k !== 'published').map(([k, v]) => [k, jsonSafe(v)])),
    instances: ctx.instances.map((i) => ({ id: i.id, name: i.name, productType: i.productType, families: i.families, active: i.active })),
    results,
    published,
    rolledBack: ctx.rolledBack,
  };
  emit({ type: 'end', runId, report });
  return report;
}

function jsonSafe(v: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(v ?? null));
  } catch {
    return String(v);
  }
}

/** Every failure of a report, one line each (all the validators that failed, not only the first). */
export function describeFailure(report: PublishReport): string | null {
  // A validator that failed, was repaired and passed on its second run is not a failure to report; one that
  // failed on both runs is reported once (its last run).
  const results = report.results;
  const failed = results.filter((r, i) => !r.success && !results.slice(i + 1).some((later) => later.plugin === r.plugin && later.instance === r.instance));
  if (!failed.length) return null;
  const rolledBack = report.rolledBack?.length ? `Nothing was committed: ${report.rolledBack.join(', ')} rolled back.` : '';
  const lines = failed.map((f) => {
    const who = f.instance ? ` on ${f.instance}` : '';
    const next = f.error?.hint ? ` ${f.error.hint}` : f.repairable ? ' It can be repaired: publish with --repair (or press Repair).' : '';
    return `${f.plugin}${who} failed: ${f.error?.message ?? 'unknown error'}.${next}`;
  });
  if (rolledBack) lines.push(rolledBack);
  return lines.join('\n');
}

export { ORDER };
