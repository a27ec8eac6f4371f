/** Tool endpoints of loading and the scene inventory (see ../pipeline-types.ts for names and shapes). */
import type { Endpoint } from '../../../kit/adapter.ts';
import { harmonyExtensions } from '../extensions.ts';
import { commonArgs } from '../session-context.ts';
import { loaderInfo } from './loader-types.ts';
import { inventory, loadProduct, removeContainers, updateContainers } from './service.ts';

export const endpoints: Record<string, Endpoint> = {
  'load.loaders': async (args, ctx) => (await harmonyExtensions(ctx.hub, commonArgs(args).session)).loaders.map(loaderInfo),
  'load.run': (args, ctx) => loadProduct(ctx.hub, args),
  'inventory.list': (args, ctx) => inventory(ctx.hub, args),
  'inventory.update': (args, ctx) => updateContainers(ctx.hub, args),
  'inventory.remove': (args, ctx) => removeContainers(ctx.hub, args),
};
