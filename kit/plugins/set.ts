/**
 * Every publish plugin, creator and loader in effect for a configuration and an adapter: the adapter's
 * built-ins plus the studio modules the configuration names, with the problems of those that could not be
 * used. The adapter says what its built-ins are and how a studio creator or loader is checked
 * (`Adapter.extensions`, kit/adapter.ts); this module knows nothing of any DCC.
 */
import path from 'node:path';
import type { AdapterExtensions, ExtensionRecord } from '../adapter.ts';
import type { PublishPlugin } from '../publish/types.ts';
import { loadModules, type ExtensionProblem, type LoadedExport } from './modules.ts';
import { composePublishPlugins, type PluginEntry } from './publish.ts';

/** A creator or loader record with where it came from. */
export type Sourced<T> = T & { source: string | null; builtIn: boolean };

export interface ExtensionSet<C extends ExtensionRecord = ExtensionRecord, L extends ExtensionRecord = ExtensionRecord> {
  adapter: string;
  /** What a publish runs, in order. */
  plugins: PublishPlugin[];
  /** Every plugin, running or not (disabled, replaced). */
  pluginEntries: PluginEntry[];
  /** Creators in effect (a studio creator with a built-in's name replaces it). */
  creators: Sourced<C>[];
  /** Loaders in effect, studio ones first (the first loader taking a product type is the default). */
  loaders: Sourced<L>[];
  problems: ExtensionProblem[];
}

interface ConfigView {
  publish: { plugins: string[]; disable: string[]; pluginTimeout: number };
  [section: string]: unknown;
}

export interface ExtensionSetOptions {
  adapter: string;
  extensions: AdapterExtensions;
  config: unknown;
  /** Key -> file that set it (ResolvedConfig.sources): npm packages are looked up from that file's folder. */
  sources?: Record<string, string>;
  /** Fallback folder for package lookups. */
  cwd?: string;
}

function fromDir(opts: ExtensionSetOptions, key: string): string {
  const source = opts.sources?.[key] ?? Object.entries(opts.sources ?? {}).find(([k]) => k.startsWith(`${key}.`) || k.startsWith(`${key}[`))?.[1];
  return source && source !== 'default' && !source.startsWith('env ') ? path.dirname(source) : opts.cwd ?? process.cwd();
}

async function records<T extends ExtensionRecord>(kind: 'creators' | 'loaders', opts: ExtensionSetOptions, timeoutMs: number): Promise<{ list: Sourced<T>[]; problems: ExtensionProblem[] }> {
  const spec = opts.extensions[kind];
  if (!spec) return { list: [], problems: [] };
  const key = `${opts.adapter}.${kind}`;
  const section = (opts.config as Record<string, { creators?: unknown; loaders?: unknown } | undefined>)[opts.adapter];
  const entries = Array.isArray(section?.[kind]) ? (section[kind] as unknown[]).filter((e): e is string => typeof e === 'string') : [];
  const builtIn = (await spec.builtIn()).map((r) => ({ ...r, source: r.source ?? null, builtIn: true })) as Sourced<T>[];
  if (!entries.length) return { list: builtIn, problems: [] };
  const { exports, problems } = await loadModules(entries, { key, fromDir: fromDir(opts, key), named: [kind, 'plugins'], timeoutMs });
  const studio: Sourced<T>[] = [];
  for (const { file, value } of exports as LoadedExport[]) {
    const wrong = await spec.check(value);
    const name = value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string' ? ` "${(value as { name: string }).name}"` : '';
    if (wrong.length) {
      problems.push({ file, key, error: `exports a ${kind.slice(0, -1)}${name} that cannot be used: ${wrong.join('; ')}` });
      continue;
    }
    const rec = value as T;
    if (studio.some((s) => s.name === rec.name)) {
      problems.push({ file, key, error: `a second ${kind.slice(0, -1)} is named "${rec.name}" (the first one is used)` });
      continue;
    }
    studio.push(Object.assign(Object.create(rec) as T, { source: file, builtIn: false }) as Sourced<T>);
  }
  const kept = builtIn.filter((b) => !studio.some((s) => s.name === b.name));
  // A studio creator keeps the built-ins' order (replacing in place); studio loaders go first so they are the default for their types.
  const list = kind === 'creators'
    ? [...builtIn.map((b) => studio.find((s) => s.name === b.name) ?? b), ...studio.filter((s) => !builtIn.some((b) => b.name === s.name))]
    : [...studio, ...kept];
  return { list, problems };
}

/** The extension set for one configuration (module imports are cached per file version, so this is cheap to repeat). */
export async function extensionSet<C extends ExtensionRecord = ExtensionRecord, L extends ExtensionRecord = ExtensionRecord>(opts: ExtensionSetOptions): Promise<ExtensionSet<C, L>> {
  const cfg = opts.config as ConfigView;
  const timeout = cfg.publish.pluginTimeout;
  const builtInPlugins = opts.extensions.publishPlugins ? await opts.extensions.publishPlugins() : [];
  const studio = cfg.publish.plugins.length
    ? await loadModules(cfg.publish.plugins, { key: 'publish.plugins', fromDir: fromDir(opts, 'publish.plugins'), named: ['plugins'], timeoutMs: timeout })
    : { exports: [], problems: [] };
  const composed = composePublishPlugins(builtInPlugins, studio.exports, { disable: cfg.publish.disable, timeout, host: opts.adapter });
  const [creators, loaders] = await Promise.all([records<C>('creators', opts, timeout), records<L>('loaders', opts, timeout)]);
  return {
    adapter: opts.adapter,
    plugins: composed.plugins,
    pluginEntries: composed.entries,
    creators: creators.list,
    loaders: loaders.list,
    problems: [...studio.problems, ...composed.problems, ...creators.problems, ...loaders.problems],
  };
}

/** One line per problem: "<file>: <error> (<key>)". */
export function describeProblems(problems: ExtensionProblem[]): string[] {
  return problems.map((p) => `${p.file}: ${p.error} (${p.key})`);
}
