/**
 * Blender's part in studio extensions (kit/plugins): its built-in publish plugins, creators and loaders, how
 * studio creators and loaders are checked, and the set in effect for a session (the configuration of its
 * .blend's folder) or, without one, for the hub's own configuration.
 */
import path from 'node:path';
import type { AdapterExtensions, HubServices, SessionInfo } from '../../kit/adapter.ts';
import { loadConfig } from '../../kit/config.ts';
import { describeProblems, extensionSet, type ExtensionSet } from '../../kit/plugins/index.ts';
import type { BlenderCreator } from './creator-types.ts';
import type { BlenderLoader } from './loader-types.ts';
import { blenderRequest, type BlendInfo } from './sessions.ts';

export const blenderExtensionKinds: AdapterExtensions = {
  publishPlugins: async () => (await import('./publish/plugins.ts')).BLENDER_PLUGINS,
  creators: {
    builtIn: async () => (await import('./creators.ts')).BUILT_IN_CREATORS,
    check: async (value) => (await import('./creator-types.ts')).blenderCreatorProblems(value),
  },
  loaders: {
    builtIn: async () => (await import('./loaders.ts')).BUILT_IN_LOADERS,
    check: async (value) => (await import('./loader-types.ts')).blenderLoaderProblems(value),
  },
};

export type BlenderExtensionSet = ExtensionSet<BlenderCreator, BlenderLoader>;

/** The set for a configuration (with its sources, so packages are found from the file that names them). */
export function blenderExtensionsFor(config: unknown, sources?: Record<string, string>, cwd?: string): Promise<BlenderExtensionSet> {
  return extensionSet<BlenderCreator, BlenderLoader>({ adapter: 'blender', extensions: blenderExtensionKinds, config, sources, cwd });
}

/** The set of a Blender session: its .blend's folder's configuration (the hub's while the scene was never saved). */
export async function sessionExtensions(hub: HubServices, session: SessionInfo): Promise<BlenderExtensionSet> {
  const blend = session.scene ?? (await blenderRequest<BlendInfo>(hub, session, 'blend.info')).path;
  if (!blend) return blenderExtensionsFor(hub.config);
  try {
    const resolved = await loadConfig({ cwd: path.dirname(blend) });
    const set = await blenderExtensionsFor(resolved.config, resolved.sources);
    for (const line of describeProblems(set.problems)) hub.log.warn(`session ${session.id}: studio extension not loaded: ${line}`);
    return set;
  } catch (err) {
    hub.log.warn(`session ${session.id}: the configuration of ${path.dirname(blend)} could not be read (${(err as Error).message}); using the hub's extensions`);
    return blenderExtensionsFor(hub.config);
  }
}

/**
 * Runs `call` (ONE request using a creator's or loader's Blender half); when that half is not registered in
 * this Blender yet (a studio record used for the first time), runs its `blenderScript` there and tries once
 * more. Without a blenderScript the error says where the half goes.
 */
export async function withBlenderHalf<T>(hub: HubServices, session: SessionInfo, record: { name: string; blenderScript?: string; source?: string | null }, kind: 'creator' | 'loader', call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err as Error).message.includes(`no ${kind} "${record.name}" is registered`)) throw err;
    if (!record.blenderScript) throw new Error(`${(err as Error).message}: the ${kind} ${record.name} (${record.source ?? 'built-in'}) needs a blenderScript that registers it (dcckit_blender.registry.register_${kind})`);
    await blenderRequest(hub, session, 'python.exec', { code: record.blenderScript });
    hub.log.info(`session ${session.id}: the ${kind} ${record.name}'s Blender half was registered on first use`);
    return await call();
  }
}

/** The set for a tool endpoint's `session` argument: that session's, else the hub's own configuration's while no Blender is connected. */
export async function blenderExtensions(hub: HubServices, selector: unknown): Promise<BlenderExtensionSet> {
  const { pickBlenderSession } = await import('./sessions.ts');
  if (!selector && !hub.sessions().some((s) => s.dcc === 'blender' && s.connected)) return blenderExtensionsFor(hub.config);
  return sessionExtensions(hub, pickBlenderSession(hub, selector));
}
