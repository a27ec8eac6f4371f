/**
 * The context of a Blender session (from its .blend's folder) and applying it to the scene: the page's
 * context view and its Set Scene Settings button, and the publish view's Repair.
 */
import path from 'node:path';
import type { Endpoint } from '../../kit/adapter.ts';
import { contextFromConfig } from '../../kit/context.ts';
import { loadConfig } from '../../kit/config.ts';
import { UsageError } from '../../kit/errors.ts';
import { blenderRequest, pickBlenderSession, type BlendInfo } from './sessions.ts';
import { sceneSettingsOf } from './workfiles.ts';

async function sessionInfo(args: unknown, hub: Parameters<Endpoint>[1]['hub']) {
  const session = pickBlenderSession(hub, (args as { session?: unknown })?.session);
  const info = await blenderRequest<BlendInfo>(hub, session, 'blend.info');
  if (!info.path) throw new UsageError('this Blender scene was never saved: its context comes from the folder of its .blend (dcc-kit blender save --to FILE.blend)');
  const loaded = await loadConfig({ cwd: path.dirname(info.path), env: process.env });
  return { session, info, resolved: { ...contextFromConfig(loaded), config: loaded.config } };
}

export const sceneEndpoints: Record<string, Endpoint> = {
  'context.resolve': async (args, { hub }) => {
    const { resolved } = await sessionInfo(args, hub);
    // The configuration of the .blend's folder too: the page reads the session's product store from it.
    return { context: resolved.context, sources: resolved.sources, config: resolved.config };
  },
  'scene.applySettings': async (args, { hub }) => {
    const { session, info, resolved } = await sessionInfo(args, hub);
    const want = sceneSettingsOf(resolved.context);
    const after = await blenderRequest<BlendInfo>(hub, session, 'scene.settings', { ...want });
    const changed = [
      ['frameStart', info.frameStart, after.frameStart], ['frameEnd', info.frameEnd, after.frameEnd], ['fps', info.fps, after.fps],
      ['resolution', info.resolution, after.resolution], ['resolutionPercentage', info.resolutionPercentage, after.resolutionPercentage],
    ].filter(([, from, to]) => JSON.stringify(from) !== JSON.stringify(to)).map(([key, from, to]) => ({ key, from, to }));
    return { changed };
  },
};
