/** Picking a Blender session in the hub, and calling its named requests. */
import type { HubServices, SessionInfo } from '../../kit/adapter.ts';
import { DccKitError } from '../../kit/errors.ts';
import { blenderConfig } from './launch.ts';
import { pythonCallTimeoutSeconds } from '../../kit/python-call-timeout.ts';

export class NoBlenderSessionError extends DccKitError {
  constructor(message: string) { super(message, 'NO_SESSION'); }
}

/** The session `selector` names (an id or a unique prefix), else the newest connected Blender session. */
export function pickBlenderSession(hub: HubServices, selector: unknown): SessionInfo {
  const blenders = hub.sessions().filter((s) => s.dcc === 'blender');
  if (typeof selector === 'string' && selector) {
    const matches = blenders.filter((s) => s.id === selector || s.id.startsWith(selector));
    if (matches.length === 1) return matches[0];
    throw new NoBlenderSessionError(matches.length ? `session "${selector}" is ambiguous: give more of its id (dcc-kit sessions)` : `no Blender session "${selector}" (dcc-kit sessions lists them)`);
  }
  const live = blenders.filter((s) => s.connected).sort((a, b) => b.joinedAt.localeCompare(a.joinedAt));
  if (!live.length) throw new NoBlenderSessionError('no Blender is connected: start one with dcc-kit launch blender [file.blend]');
  return live[0];
}

/** A named request into a Blender session, with the session's call timeout unless given. */
export function blenderRequest<T = unknown>(hub: HubServices, session: SessionInfo, request: string, args: Record<string, unknown> = {}, timeout?: number): Promise<T> {
  const ms = timeout ?? blenderConfig(hub.config).callTimeout;
  return hub.call(session.id, { request, args: { ...args, timeout: pythonCallTimeoutSeconds(ms) } }, { timeout: ms }) as Promise<T>;
}

export interface BlendInfo {
  path: string | null;
  version: string;
  background: boolean;
  dirty: boolean;
  scene: string;
  frameStart: number;
  frameEnd: number;
  fps: number;
  resolution: [number, number];
  resolutionPercentage: number;
  engine: string;
}
