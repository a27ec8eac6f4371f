/** Opens the hub's web page on a view for a DCC menu item. (Stub until the web page lands: never opens.) */
import type { HubServices, SessionInfo } from '../adapter.ts';

export async function openViewFromMenu(_hub: HubServices, _view: string, _session: SessionInfo | null): Promise<{ opened: boolean; message?: string }> {
  return { opened: false };
}
