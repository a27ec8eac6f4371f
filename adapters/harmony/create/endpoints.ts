/** Tool endpoints of the creators (see ../pipeline-types.ts for names and shapes). */
import type { Endpoint } from '../../../kit/adapter.ts';
import { harmonyExtensions } from '../extensions.ts';
import { commonArgs } from '../session-context.ts';
import { creatorInfo } from './creator-types.ts';
import { createInstance, listInstances, removeInstances, updateInstance } from './service.ts';

export const endpoints: Record<string, Endpoint> = {
  'create.creators': async (args, ctx) => (await harmonyExtensions(ctx.hub, commonArgs(args).session)).creators.map(creatorInfo),
  'create.instances': (args, ctx) => listInstances(ctx.hub, args),
  'create.run': (args, ctx) => createInstance(ctx.hub, args),
  'create.update': (args, ctx) => updateInstance(ctx.hub, args),
  'create.remove': (args, ctx) => removeInstances(ctx.hub, args),
};
