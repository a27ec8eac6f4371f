/**
 * Studio publish plugins beside an adapter's built-in ones: checked, ordered by `order`, a studio plugin
 * with a built-in's label replacing it, `publish.disable` dropping plugins by label, and a per-plugin
 * timeout (`publish.pluginTimeout`) on every studio plugin.
 */
import { stageOf } from '../publish/engine.ts';
import type { PublishPlugin, Stage } from '../publish/types.ts';
import type { ExtensionProblem, LoadedExport } from './modules.ts';

/** What is wrong with an exported value as a publish plugin (none: it is one). */
export function publishPluginProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [`it is ${value === null ? 'null' : typeof value}, not a plugin object { label, order, process }`];
  const p = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.label !== 'string' || !p.label.trim()) problems.push('label must be a non-empty string');
  if (typeof p.order !== 'number' || !Number.isFinite(p.order)) problems.push('order must be a number (collect 0, validate 1, extract 2, integrate 3)');
  if (typeof p.process !== 'function') problems.push('process must be a function (ctx, instance, log)');
  if (p.repair !== undefined && typeof p.repair !== 'function') problems.push('repair must be a function');
  for (const key of ['families', 'hosts'] as const) {
    if (p[key] !== undefined && !(Array.isArray(p[key]) && (p[key] as unknown[]).every((f) => typeof f === 'string'))) problems.push(`${key} must be a list of strings`);
  }
  for (const key of ['instance', 'optional'] as const) if (p[key] !== undefined && typeof p[key] !== 'boolean') problems.push(`${key} must be true or false`);
  if (p.timeout !== undefined && !(typeof p.timeout === 'number' && p.timeout > 0)) problems.push('timeout must be a number of milliseconds');
  return problems;
}

/** A plugin as `dcc-kit plugins`, the page and `publish.plugins` list it. */
export interface PluginEntry {
  label: string;
  order: number;
  stage: Stage;
  families: string[];
  instance: boolean;
  optional: boolean;
  repairable: boolean;
  /** The module file it came from (a built-in's too, when the adapter says). */
  source: string | null;
  builtIn: boolean;
  /** Not run: `publish.disable` names it, or a studio plugin took its label. */
  state: 'active' | 'disabled' | 'replaced';
}

export function pluginEntry(p: PublishPlugin, state: PluginEntry['state'] = 'active'): PluginEntry {
  return {
    label: p.label, order: p.order, stage: stageOf(p.order), families: p.families ?? ['*'], instance: Boolean(p.instance),
    optional: Boolean(p.optional), repairable: typeof p.repair === 'function', source: p.source ?? null, builtIn: !p.studio, state,
  };
}

export interface ComposeOptions {
  /** Labels that do not run. */
  disable: string[];
  /** Milliseconds a studio plugin may take (its own `timeout` wins). */
  timeout: number;
  /** The adapter publishing: a plugin with `hosts` runs only for those adapters. */
  host: string;
  key?: string;
}

/**
 * The plugins a publish runs, in order, and the listing of every plugin with what happened to it. A studio
 * plugin is wrapped (never changed: its module is shared by every run) to carry its source and timeout.
 */
export function composePublishPlugins(builtIn: PublishPlugin[], studio: LoadedExport[], opts: ComposeOptions): { plugins: PublishPlugin[]; entries: PluginEntry[]; problems: ExtensionProblem[] } {
  const problems: ExtensionProblem[] = [];
  const key = opts.key ?? 'publish.plugins';
  const own: PublishPlugin[] = [];
  for (const { file, value } of studio) {
    const wrong = publishPluginProblems(value);
    const label = value && typeof value === 'object' && typeof (value as { label?: unknown }).label === 'string' ? ` "${(value as { label: string }).label}"` : '';
    if (wrong.length) {
      problems.push({ file, key, error: `exports a plugin${label} that cannot run: ${wrong.join('; ')}` });
      continue;
    }
    const p = value as PublishPlugin;
    if (p.hosts && !p.hosts.includes(opts.host)) continue;
    if (own.some((o) => o.label === p.label)) {
      problems.push({ file, key, error: `a second plugin is labelled "${p.label}" (the first one, from ${own.find((o) => o.label === p.label)!.source}, is used)` });
      continue;
    }
    own.push(Object.assign(Object.create(p) as PublishPlugin, { source: file, studio: true, timeout: p.timeout ?? opts.timeout }));
  }
  const disabled = new Set(opts.disable);
  const entries: PluginEntry[] = [];
  const plugins: PublishPlugin[] = [];
  for (const p of builtIn) {
    if (own.some((o) => o.label === p.label)) entries.push(pluginEntry(p, 'replaced'));
    else if (disabled.has(p.label)) entries.push(pluginEntry(p, 'disabled'));
    else plugins.push(p);
  }
  for (const p of own) {
    if (disabled.has(p.label)) entries.push(pluginEntry(p, 'disabled'));
    else plugins.push(p);
  }
  const known = new Set([...builtIn, ...own].map((p) => p.label));
  for (const label of disabled) {
    if (!known.has(label)) problems.push({ file: 'publish.disable', key: 'publish.disable', error: `no plugin is labelled "${label}" (labels are exact; dcc-kit plugins lists them)` });
  }
  // Stable: equal orders keep built-ins first, then studio plugins in file order.
  plugins.sort((a, b) => a.order - b.order);
  entries.push(...plugins.map((p) => pluginEntry(p)));
  entries.sort((a, b) => a.order - b.order);
  return { plugins, entries, problems };
}
