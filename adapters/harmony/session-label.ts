/**
 * What tells Harmony sessions apart: the shot (context folder and task) and the workfile each works on. The
 * hub notes them on the session (`notes.folder`, `notes.task`, `notes.workfile`: `dcc-kit sessions`, the
 * page's session list) when it joins and when a save changes its workfile; errors that list sessions use them.
 */
import path from 'node:path';
import type { HubServices, SessionInfo } from '../../kit/adapter.ts';

export interface SessionWork { id: string; folder: string | null; task: string | null; workfile: string | null }

/** `1a2b3c4d shots/sh010/anim sh010_anim_v003.zip` (the scene's file name when there is no workfile). */
export function sessionLabel(s: SessionInfo): string {
  const n = (s.notes ?? {}) as { folder?: unknown; task?: unknown; workfile?: unknown };
  const shot = typeof n.folder === 'string' ? n.folder + (typeof n.task === 'string' ? `/${n.task}` : '') : null;
  const file = typeof n.workfile === 'string' ? path.basename(n.workfile) : s.scene ? path.basename(s.scene) : 'no scene';
  return [s.id.slice(0, 8), shot, file].filter(Boolean).join(' ');
}

/** Works out (and notes on the session) its folder, task and workfile. */
export async function describeSessionWork(hub: HubServices, session: SessionInfo): Promise<SessionWork> {
  const { sessionContext } = await import('./session-context.ts');
  const c = await sessionContext(hub, session);
  const work = { folder: c.context.folder ?? null, task: c.context.task ?? null, workfile: c.scene.workfile };
  hub.annotate(session.id, work);
  return { id: session.id, ...work };
}

/** Every connected Harmony session's work (the `session.describe` tool endpoint); one that cannot be asked is left out. */
export async function describeSessions(hub: HubServices): Promise<SessionWork[]> {
  const live = hub.sessions().filter((s) => s.dcc === 'harmony' && s.connected);
  const out = await Promise.all(live.map((s) => describeSessionWork(hub, s).catch(() => null)));
  return out.filter((w): w is SessionWork => w !== null);
}
