/**
 * The "dcc-kit" menu in Blender's top bar (GUI only): each item sends `blender.menu.open` with its view;
 * the hub opens that view of the page in the browser for this session, or says why it cannot.
 */
import type { Endpoint } from '../../kit/adapter.ts';
import { UsageError } from '../../kit/errors.ts';

export const MENU_VIEWS = ['workfiles', 'create', 'load', 'publish', 'manage', 'context'] as const;

export const menuEndpoints: Record<string, Endpoint> = {
  'blender.menu.open': async (args, { hub, session }) => {
    const view = (args as { view?: unknown })?.view;
    if (typeof view !== 'string' || !(MENU_VIEWS as readonly string[]).includes(view)) throw new UsageError(`the dcc-kit menu opens one of ${MENU_VIEWS.join(', ')} (got "${String(view)}")`);
    const { openViewFromMenu } = await import('../../kit/web/menu-open.ts');
    const r = await openViewFromMenu(hub, view, session);
    return r.opened ? { opened: true } : { opened: false, message: 'the dcc-kit page is off or no browser could be started: set web.enabled and web.browser in .dcckitrc, or run dcc-kit ui in a terminal' };
  },
};
