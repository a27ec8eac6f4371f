/**
 * The Harmony menu's items, served to Harmony sessions. With the web page on (web.enabled), an item opens
 * the page on its view in the artist's browser; without it (or when no browser can be started) the item
 * does its job directly and tells the artist in Harmony. A direct item may first ask the artist something
 * (`{ ask }`, shown by dcckit.js as a Harmony dialog when the request says `canAsk`): the answer comes back in
 * the same request, which then does the job without opening the page.
 */
import type { Endpoint } from '../../kit/adapter.ts';

type Direct = () => Promise<Endpoint>;

function menuItem(view: string, direct: Direct, answered?: (args: unknown) => boolean): Endpoint {
  return async (args, ctx) => {
    // The artist answered the item's question in Harmony (the direct path asked it): do it now.
    if (answered?.(args)) return (await direct())(args, ctx);
    const { openViewFromMenu } = await import('../../kit/web/menu-open.ts');
    const opened = await openViewFromMenu(ctx.hub, view, ctx.session);
    if (opened.opened) return opened.message ? { message: opened.message } : null;
    return (await direct())(args, ctx);
  };
}

export const menuEndpoints: Record<string, Endpoint> = {
  'harmony.menu.workfiles': menuItem('workfiles', async () => (await import('./workfiles/endpoints.ts')).workfilesMenu),
  'harmony.menu.create': menuItem('create', async () => (await import('./create/menu.ts')).createMenu),
  'harmony.menu.load': menuItem('load', async () => (await import('./load/menu.ts')).loadMenu),
  'harmony.menu.publish': menuItem('publish', async () => (await import('./publish/menu.ts')).publishMenu,
    (args) => typeof (args as { comment?: unknown } | null)?.comment === 'string'),
  'harmony.menu.manage': menuItem('manage', async () => (await import('./load/menu.ts')).manageMenu),
  /** Applies the context to the scene and says what changed (no form needed). */
  'harmony.menu.sceneSettings': async (args, ctx) => (await import('./publish/scene-settings.ts')).sceneSettingsMenu(args, ctx),
};
