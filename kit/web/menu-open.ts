/**
 * Opens the hub's web page on a view for a DCC menu item. Without a web page (web.enabled false, or a hub
 * embedded without one) or when no browser can be started, it says so and the item does its job directly.
 */
import type { HubServices, SessionInfo } from '../adapter.ts';
import { openInBrowser } from './browser.ts';
import type { WebServer } from './server.ts';

let active: WebServer | null = null;

/** The hub process registers its web server here. */
export function setActiveWebServer(server: WebServer | null): void {
  active = server;
}

export async function openViewFromMenu(hub: HubServices, view: string, session: SessionInfo | null): Promise<{ opened: boolean; message?: string }> {
  const web = (hub.config as { web?: { enabled?: boolean; browser?: string | null } } | undefined)?.web;
  if (!active || !web?.enabled) return { opened: false };
  // The browser is given a redirect file, never the link: a command line is readable by every local user.
  let link: { file: string; fileUrl: string };
  try {
    link = await active.openLink(view, session?.id);
  } catch (err) {
    hub.log.warn(`web: no link file for ${view} (${(err as Error).message}); doing it from the menu instead`);
    return { opened: false };
  }
  const opened = await openInBrowser(link.fileUrl, web.browser ?? null);
  if (!opened) active.discardLink(link.file);
  if (!opened) hub.log.info(`web: no browser could be started for ${view} (set web.browser); doing it from the menu instead`);
  return { opened };
}
