/** Which Harmony session a tool request is about: the one named, else the only one connected. */
import type { HubServices, SessionInfo } from '../../kit/adapter.ts';
import { DccKitError } from '../../kit/errors.ts';
import { sessionLabel } from './session-label.ts';

export class HarmonySessionChoiceError extends DccKitError {
  constructor(message: string) { super(message, 'NO_SESSION'); }
}

/** `id` may be a full session id or a unique prefix of one. */
export function pickHarmonySession(hub: HubServices, id?: string | null, doing = 'do that'): SessionInfo {
  const harmony = hub.sessions().filter((s) => s.dcc === 'harmony');
  if (id) {
    const exact = harmony.find((s) => s.id === id);
    if (exact) return exact;
    const byPrefix = harmony.filter((s) => s.id.startsWith(id));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new HarmonySessionChoiceError(`session "${id}" is ambiguous: it starts ${byPrefix.map(sessionLabel).join(', ')}`);
    throw new HarmonySessionChoiceError(`no Harmony session "${id}" is connected (see dcc-kit sessions)`);
  }
  const live = harmony.filter((s) => s.connected);
  if (live.length === 1) return live[0]!;
  if (live.length === 0) throw new HarmonySessionChoiceError(`no Harmony session is connected, so there is nothing to ${doing} in. Start one with: dcc-kit launch harmony [workfile.zip]`);
  throw new HarmonySessionChoiceError(`${live.length} Harmony sessions are connected: choose one with --session, or run the command in the shot's folder (${live.map(sessionLabel).join('; ')})`);
}
