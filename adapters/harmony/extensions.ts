/**
 * Harmony's part in studio extensions (kit/plugins): its built-in publish plugins, creators and loaders,
 * how studio creators and loaders are checked, and the set in effect for a session (its workfile folder's
 * configuration) or, without one, for the hub's own configuration.
 */
import type { AdapterExtensions, HubServices, SessionInfo } from '../../kit/adapter.ts';
import { describeProblems, extensionSet, type ExtensionSet } from '../../kit/plugins/index.ts';
import type { HarmonyCreator } from './create/creator-types.ts';
import type { HarmonyLoader } from './load/loader-types.ts';
import { pickHarmonySession } from './pick-session.ts';
import { sessionConfig } from './session-context.ts';

export const harmonyExtensionKinds: AdapterExtensions = {
  publishPlugins: async () => (await import('./publish/plugins.ts')).HARMONY_PLUGINS,
  creators: {
    builtIn: async () => (await import('./create/creators.ts')).BUILT_IN_CREATORS,
    check: async (value) => (await import('./create/creator-types.ts')).creatorProblems(value),
  },
  loaders: {
    builtIn: async () => (await import('./load/loaders.ts')).BUILT_IN_LOADERS,
    check: async (value) => (await import('./load/loader-types.ts')).loaderProblems(value),
  },
};

export type HarmonyExtensionSet = ExtensionSet<HarmonyCreator, HarmonyLoader>;

/** The set for a configuration (with its sources, so packages are found from the file that names them). */
export function harmonyExtensionsFor(config: unknown, sources?: Record<string, string>, cwd?: string): Promise<HarmonyExtensionSet> {
  return extensionSet<HarmonyCreator, HarmonyLoader>({ adapter: 'harmony', extensions: harmonyExtensionKinds, config, sources, cwd });
}

export async function sessionExtensions(hub: HubServices, session: SessionInfo): Promise<HarmonyExtensionSet> {
  const resolved = await sessionConfig(hub, session);
  return harmonyExtensionsFor(resolved.config, resolved.sources);
}

/**
 * The set for a tool endpoint's `session` argument: that session's, the only connected one's, or (no session
 * connected, none named) the hub's own configuration's, so listings work before Harmony is started.
 */
export async function harmonyExtensions(hub: HubServices, sessionId?: string): Promise<HarmonyExtensionSet> {
  const live = hub.sessions().filter((s) => s.dcc === 'harmony' && s.connected);
  if (!sessionId && live.length !== 1) return harmonyExtensionsFor(hub.config);
  const session = pickHarmonySession(hub, sessionId, 'list extensions');
  try {
    return await sessionExtensions(hub, session);
  } catch (err) {
    hub.log.warn(`session ${session.id}: its project's configuration could not be read (${(err as Error).message}); listing the hub's extensions`);
    return harmonyExtensionsFor(hub.config);
  }
}

/** Logs what could not be loaded (hub start, each session). */
export function logProblems(hub: HubServices, set: HarmonyExtensionSet, where: string): void {
  for (const line of describeProblems(set.problems)) hub.log.warn(`${where}: studio extension not loaded: ${line}`);
}

/** The Harmony halves studio creators and loaders carry (`harmonyScript`), for the studio script injection. */
export function studioHarmonyScripts(set: HarmonyExtensionSet): { file: string; source: string }[] {
  const out: { file: string; source: string }[] = [];
  for (const [kind, list] of [['creator', set.creators], ['loader', set.loaders]] as const) {
    for (const r of list) if (r.harmonyScript) out.push({ file: `${kind} ${r.name} (${r.source ?? 'built-in'})`, source: r.harmonyScript });
  }
  return out;
}

/** Hub start: loads the studio extensions the hub's configuration names, saying in the log what loaded and what did not. */
export async function reportHubExtensions(hub: HubServices): Promise<void> {
  const started = performance.now();
  const set = await harmonyExtensionsFor(hub.config);
  const studio = set.pluginEntries.filter((p) => !p.builtIn).length + set.creators.filter((c) => !c.builtIn).length + set.loaders.filter((l) => !l.builtIn).length;
  if (studio || set.problems.length) hub.log.info(`harmony: ${studio} studio extension(s) loaded in ${Math.round(performance.now() - started)} ms, ${set.problems.length} not loaded`);
  logProblems(hub, set, 'hub start');
}

/**
 * Runs `call` (ONE request into Harmony using a creator's or loader's Harmony half); when that half is not in
 * the scene's engine yet (the studio added the record after the scene opened), injects its `harmonyScript`
 * and tries once more. Without a harmonyScript the error says where the Harmony half goes.
 */
export async function withHarmonyHalf<T>(hub: HubServices, session: SessionInfo, record: { name: string; harmonyScript?: string }, kind: 'creator' | 'loader', call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const missing = new RegExp(`no ${kind} "${record.name.replace(/[^\w-]/g, '')}" is registered`).test((err as Error).message);
    if (!missing || !record.harmonyScript) throw err;
    const { es5Problem } = await import('./session.ts');
    const problem = es5Problem(record.harmonyScript);
    if (problem) throw new Error(`the ${kind} ${record.name}'s harmonyScript is not ES5: ${problem}`);
    await hub.call(session.id, { script: record.harmonyScript }, { timeout: 60_000 });
    hub.log.info(`session ${session.id}: the ${kind} ${record.name}'s Harmony half was injected on first use`);
    return await call();
  }
}
