/**
 * The context of a Harmony session: resolved from the folder of the workfile it has open (the local copy
 * records which archive it came from), so a .dcckitrc beside the shot's workfiles sets that shot.
 */
import path from 'node:path';
import type { HubServices, SessionInfo } from '../../kit/adapter.ts';
import { contextFromConfig, type ContextOverrides, type ResolvedContext } from '../../kit/context.ts';
import { loadConfig, type DccKitConfig, type ResolvedConfig } from '../../kit/config.ts';
import { readOrigin } from './workfiles/origin.ts';

export interface SessionScene {
  /** The project folder Harmony has open (the local copy). */
  projectDir: string;
  /** The workfile archive it belongs to, or null for a scene never saved as one. */
  workfile: string | null;
}

export async function sessionScene(hub: HubServices, session: SessionInfo): Promise<SessionScene> {
  // The hello of every script engine names its scene: no round trip to Harmony when it did.
  let dir: unknown = session.scene ? path.dirname(session.scene) : null;
  if (!dir) dir = await hub.call(session.id, { function: 'scene.currentProjectPath' }, { timeout: 30_000 });
  if (typeof dir !== 'string' || !dir) throw new Error(`Harmony (session ${session.id}) has no scene open`);
  const projectDir = path.resolve(dir);
  const origin = await readOrigin(projectDir);
  return { projectDir, workfile: origin?.zip ?? null };
}

/** Where a session's project settings are read from: its workfile's folder (or its project folder). */
export function settingsFolder(scene: SessionScene): string {
  return scene.workfile ? path.dirname(scene.workfile) : scene.projectDir;
}

/**
 * The context seen from the session's workfile folder (or its project folder when it has no workfile), and
 * the configuration seen from there: the product store and publish settings are the shot's project's, not
 * those of the folder the hub happened to start in.
 */
export async function sessionContext(hub: HubServices, session: SessionInfo, overrides: ContextOverrides = {}): Promise<ResolvedContext & { scene: SessionScene; config: DccKitConfig }> {
  const scene = await sessionScene(hub, session);
  const loaded = await projectConfig(settingsFolder(scene));
  return { ...contextFromConfig(loaded, overrides), scene, config: loaded.config };
}

/** The configuration (with its sources) seen from the session's workfile folder. */
export async function sessionConfig(hub: HubServices, session: SessionInfo): Promise<ResolvedConfig> {
  return projectConfig(settingsFolder(await sessionScene(hub, session)));
}

/**
 * A folder's configuration, read at most once a second: a pipeline action reads it several times (the
 * context, the store, publish settings), and the hub serves many actions; an edited file counts a second later.
 */
const recent = new Map<string, { at: number; value: Promise<ResolvedConfig> }>();
function projectConfig(folder: string): Promise<ResolvedConfig> {
  const now = Date.now();
  const hit = recent.get(folder);
  if (hit && now - hit.at < 1000) return hit.value;
  const value = loadConfig({ cwd: folder });
  recent.set(folder, { at: now, value });
  value.catch(() => recent.delete(folder));
  if (recent.size > 64) recent.delete(recent.keys().next().value!);
  return value;
}

/** Reads `session`, `folder`, `task` from tool-endpoint args. */
export function commonArgs(args: unknown): { session?: string; overrides: ContextOverrides; a: Record<string, unknown> } {
  const a = (args ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof a[k] === 'string' && a[k] !== '' ? a[k] as string : undefined);
  const overrides: ContextOverrides = {};
  if (str('folder')) overrides.folder = str('folder');
  if (str('task')) overrides.task = str('task');
  return { session: str('session'), overrides, a };
}
