/**
 * Load... and Manage... without the web page. Load... says what the store has for this shot and how to load
 * it (choosing a product needs a form: the web page, or the CLI); Manage... lists what is loaded and updates
 * the outdated containers to their latest versions, saying which.
 */
import type { Endpoint } from '../../../kit/adapter.ts';
import { storeFromConfig } from '../../../kit/store/index.ts';
import { sessionContext } from '../session-context.ts';
import { sessionExtensions } from '../extensions.ts';
import { inventory, updateContainers } from './service.ts';

export const loadMenu: Endpoint = async (_args, ctx) => {
  const session = ctx.session!;
  const { context, config } = await sessionContext(ctx.hub, session);
  const store = storeFromConfig(config);
  const products = await store.listProducts(context.folder ?? undefined);
  const lines = products.filter((p) => p.latest !== null).slice(0, 30).map((p) => `  ${p.folder}/${p.product} (${p.productType}) v${p.latest}`);
  const { loaders } = await sessionExtensions(ctx.hub, session);
  const loaderText = `\nloaders: ${loaders.map((l) => `${l.name} (${l.families.join(', ')}${l.builtIn ? '' : '; studio'})`).join(', ')}`;
  return {
    message: (lines.length
      ? `dcc-kit: products${context.folder ? ` of ${context.folder}` : ''} in ${store.root}:\n${lines.join('\n')}\n\nLoad one with the dcc-kit page (web.enabled) or: dcc-kit load <folder/product>[@version]`
      : `dcc-kit: the store (${store.root}) has no published products${context.folder ? ` for ${context.folder}` : ''} yet.`) + loaderText,
  };
};

export const manageMenu: Endpoint = async (_args, ctx) => {
  const session = ctx.session!;
  const items = await inventory(ctx.hub, { session: session.id });
  if (!items.length) return { message: 'dcc-kit: nothing is loaded in this scene.' };
  const outdated = items.filter((i) => i.status === 'outdated');
  const problems = items.filter((i) => i.status === 'nodes-missing' || i.status === 'missing-in-store');
  let updatedText = '';
  if (outdated.length) {
    const r = await updateContainers(ctx.hub, { session: session.id, ids: outdated.map((o) => o.id) });
    updatedText = `\nupdated: ${r.updated.map((u) => `${items.find((i) => i.id === u.id)!.product} v${u.from} -> v${u.to}`).join(', ')}`
      + (r.failed.length ? `\nnot updated: ${r.failed.map((f) => `${f.id.slice(0, 8)}: ${f.error}`).join('; ')}` : '');
  }
  const problemText = problems.length ? `\nneeds a look: ${problems.map((p) => `${p.product} (${p.status}${p.missingNodes.length ? `: ${p.missingNodes.join(', ')}` : ''})`).join('; ')}` : '';
  return { message: `dcc-kit: ${items.length} container(s), ${outdated.length} were outdated.${updatedText}${problemText}` };
};
