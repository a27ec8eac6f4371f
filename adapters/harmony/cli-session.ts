/**
 * The session a CLI command run in a shot's folder is about: with several Harmony sessions connected and no
 * --session, the one whose workfile belongs to the folder's context (folder, and task when that leaves more
 * than one) is chosen when exactly one matches; otherwise the hub decides (the only session, or an error
 * listing them all with their folder, task and workfile).
 */
import type { HubClient } from '../../kit/hub/client.ts';
import type { SessionWork } from './session-label.ts';

interface CwdContext { context: { folder: string | null; task: string | null } }

export async function sessionInCwd(hub: HubClient, config: CwdContext, explicit?: string | undefined): Promise<string | undefined> {
  if (explicit) return explicit;
  const { folder, task } = config.context;
  if (!folder) return undefined;
  const live = (await hub.sessions()).filter((s) => s.dcc === 'harmony' && s.connected);
  if (live.length < 2) return undefined;
  const work = await hub.adapter('harmony', 'session.describe', {}) as SessionWork[];
  let matches = work.filter((w) => w.folder === folder);
  if (matches.length > 1 && task) matches = matches.filter((w) => w.task === task);
  return matches.length === 1 ? matches[0]!.id : undefined;
}

/**
 * The adapter a pipeline command (create, load) talks to: the DCC of the session it acts on. The tool
 * endpoints have the same names and shapes for every adapter serving them (pipeline-types.ts), so a Blender
 * session is served by the Blender adapter. Harmony when no session decides (none connected, or a Harmony one).
 */
export async function sessionDcc(hub: HubClient, session: string | undefined): Promise<string> {
  const live = (await hub.sessions()).filter((s) => s.connected);
  if (session) {
    const hit = live.filter((s) => s.id === session || s.id.startsWith(session));
    return hit.length === 1 ? hit[0]!.dcc : 'harmony';
  }
  if (live.some((s) => s.dcc === 'harmony')) return 'harmony';
  const dccs = [...new Set(live.map((s) => s.dcc))];
  return dccs.length === 1 ? dccs[0]! : 'harmony';
}
