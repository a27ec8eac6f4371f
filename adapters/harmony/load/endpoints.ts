/** Tool endpoints of loading and the scene inventory (see ../pipeline-types.ts for names and shapes). */
import type { Endpoint } from '../../../kit/adapter.ts';
import { LOADERS } from './loaders.ts';
import { inventory, loadProduct, removeContainers, updateContainers } from './service.ts';

export const endpoints: Record<string, Endpoint> = {
  'load.loaders': () => LOADERS,
  'load.run': (args, ctx) => loadProduct(ctx.hub, args),
  'inventory.list': (args, ctx) => inventory(ctx.hub, args),
  'inventory.update': (args, ctx) => updateContainers(ctx.hub, args),
  'inventory.remove': (args, ctx) => removeContainers(ctx.hub, args),
};
