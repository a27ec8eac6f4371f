/** Set Scene Settings...: applies the context (frames from 1 with handles, fps, resolution) and says what changed. */
import type { Endpoint, HubServices } from '../../../kit/adapter.ts';
import { pickHarmonySession } from '../pick-session.ts';
import { commonArgs, sessionContext } from '../session-context.ts';
import { expectedSettings } from './validate.ts';
import { checkFrameCount } from '../../../kit/context.ts';

export interface SettingsChange { key: string; from: unknown; to: unknown }

export async function applySceneSettings(hub: HubServices, args: unknown): Promise<{ changed: SettingsChange[]; context: Record<string, unknown> }> {
  const { session: id, overrides } = commonArgs(args);
  const session = pickHarmonySession(hub, id, 'apply scene settings');
  const ctx = await sessionContext(hub, session, overrides);
  checkFrameCount(ctx.context, { maxFrames: ctx.maxFrames, source: ctx.maxFramesSource }, ctx.sources);
  const want = expectedSettings(ctx.context);
  const r = await hub.call(session.id, { request: 'dcckit.publish.applySettings', args: want }) as { changed: SettingsChange[] };
  return { changed: r.changed, context: { ...ctx.context } };
}

export function describeChanges(changed: SettingsChange[]): string {
  if (!changed.length) return 'The scene already matches the context: nothing changed.';
  return changed.map((c) => `${c.key}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join('\n');
}

export const sceneSettingsMenu: Endpoint = async (args, ctx) => {
  const r = await applySceneSettings(ctx.hub, { ...(args as object), session: ctx.session?.id });
  const c = r.context as { folder: string | null; frameStart: number; frameEnd: number; fps: number; resolution: number[] };
  return { message: `dcc-kit: scene settings for ${c.folder ?? 'this scene'} (${c.frameStart}-${c.frameEnd}, ${c.fps} fps, ${c.resolution.join('x')}):\n${describeChanges(r.changed)}` };
};
