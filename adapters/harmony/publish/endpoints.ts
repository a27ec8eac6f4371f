/** Tool endpoints of publishing and the context (see ../pipeline-types.ts for names and shapes). */
import type { Endpoint } from '../../../kit/adapter.ts';
import { pickHarmonySession } from '../pick-session.ts';
import { commonArgs, sessionContext } from '../session-context.ts';
import { harmonyExtensions } from '../extensions.ts';
import { publishReport, repairFromRun, startSessionPublish } from './runs.ts';
import { applySceneSettings } from './scene-settings.ts';

export const endpoints: Record<string, Endpoint> = {
  'context.resolve': async (args, ctx) => {
    const { session, overrides } = commonArgs(args);
    const s = pickHarmonySession(ctx.hub, session, 'resolve a context');
    return sessionContext(ctx.hub, s, overrides);
  },
  'scene.applySettings': (args, ctx) => applySceneSettings(ctx.hub, args),
  'publish.plugins': async (args, ctx) => (await harmonyExtensions(ctx.hub, commonArgs(args).session)).pluginEntries,
  'publish.run': async (args, ctx) => {
    const { runId, session, problems } = await startSessionPublish(ctx.hub, args);
    return { runId, session, problems };
  },
  'publish.report': (args) => publishReport(args),
  'publish.repair': (args, ctx) => repairFromRun(ctx.hub, args),
};
