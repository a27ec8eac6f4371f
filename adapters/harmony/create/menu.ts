/**
 * Create... without the web page: makes a render instance (variant Main, or the next free MainN) fed by the
 * selected or matching composite, and tells the artist what was made and which creators there are.
 */
import type { Endpoint } from '../../../kit/adapter.ts';
import { sessionExtensions } from '../extensions.ts';
import type { InstanceRecord } from '../pipeline-types.ts';
import { createInstance, listInstances } from './service.ts';

export const createMenu: Endpoint = async (_args, ctx) => {
  const session = ctx.session?.id;
  const existing = new Set((await listInstances(ctx.hub, { session })).map((i) => i.variant.toLowerCase()));
  let variant = 'Main';
  for (let n = 2; existing.has(variant.toLowerCase()); n++) variant = `Main${n}`;
  const rec = await createInstance(ctx.hub, { session, creator: 'render', variant }) as InstanceRecord;
  const creators = ctx.session ? (await sessionExtensions(ctx.hub, ctx.session)).creators.filter((c) => !c.automatic) : [];
  return {
    message: `dcc-kit: created the render instance ${rec.productName} (WRITE node ${rec.node}) for ${rec.folder}.\n`
      + `Other creators and variants: open the dcc-kit page (web.enabled) or run: dcc-kit create ${creators.map((c) => c.name).join('|') || 'render|template'} <variant>`
      + (creators.length ? `\ncreators: ${creators.map((c) => `${c.name} (${c.label}${c.builtIn ? '' : ', studio'})`).join(', ')}` : ''),
  };
};
