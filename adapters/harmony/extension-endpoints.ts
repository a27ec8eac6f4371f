/** `extensions.list`: every publish plugin, creator and loader in effect for a session (or the hub), and what failed to load. */
import type { Endpoint } from '../../kit/adapter.ts';
import { creatorInfo } from './create/creator-types.ts';
import { harmonyExtensions } from './extensions.ts';
import { loaderInfo } from './load/loader-types.ts';
import { commonArgs } from './session-context.ts';

export const endpoints: Record<string, Endpoint> = {
  'extensions.list': async (args, ctx) => {
    const set = await harmonyExtensions(ctx.hub, commonArgs(args).session);
    return { adapter: 'harmony', plugins: set.pluginEntries, creators: set.creators.map(creatorInfo), loaders: set.loaders.map(loaderInfo), problems: set.problems };
  },
};
