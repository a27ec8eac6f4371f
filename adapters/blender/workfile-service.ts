/**
 * Blender's workfile tool endpoints (served by the hub, used by the CLI and the page's workfiles view):
 * `workfile.list` and `workfile.save` (save, or version up to the next free number from the context).
 * A save never writes over a .blend another connected Blender has open.
 */
import path from 'node:path';
import type { Endpoint, HubServices, SessionInfo } from '../../kit/adapter.ts';
import { resolveContext } from '../../kit/context.ts';
import { blenderConfig } from './launch.ts';
import { blenderRequest, pickBlenderSession, type BlendInfo } from './sessions.ts';
import { BlendFileError, listBlendVersions, namesWorkfiles, reserveNextVersion } from './workfiles.ts';

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

/** Another connected Blender that has `file` open, or null. */
export function otherHolder(hub: HubServices, file: string, self: SessionInfo | null): SessionInfo | null {
  return hub.sessions().find((s) => s.dcc === 'blender' && s.connected && s.id !== self?.id && s.scene && samePath(s.scene, file)) ?? null;
}

export class OpenElsewhereError extends BlendFileError {
  constructor(file: string, holder: SessionInfo) {
    super(`${file} is open in another Blender (session ${holder.id.slice(0, 8)}, pid ${holder.pid ?? '?'}); two Blenders saving one file overwrite each other's work. `
      + 'Save a new version instead (--version-up), or close that Blender first.', 'WORKFILE_OPEN_ELSEWHERE');
  }
}

async function contextFor(file: string, env: NodeJS.ProcessEnv) {
  return (await resolveContext({ cwd: path.dirname(file), env })).context;
}

export const workfileList: Endpoint = async (args, { hub }) => {
  const session = pickBlenderSession(hub, (args as { session?: unknown })?.session);
  const info = await blenderRequest<BlendInfo>(hub, session, 'blend.info');
  if (!info.path) return { workfile: null, project: '(not saved)', versions: [] };
  const context = await contextFor(info.path, process.env);
  const versions = namesWorkfiles(context) ? await listBlendVersions(path.dirname(info.path), blenderConfig(hub.config).workfileTemplate, context) : [];
  return { workfile: info.path, project: path.dirname(info.path), versions };
};

export const workfileSave: Endpoint = async (args, { hub }) => {
  const a = (args ?? {}) as { session?: unknown; versionUp?: unknown; to?: unknown };
  const session = pickBlenderSession(hub, a.session);
  const info = await blenderRequest<BlendInfo>(hub, session, 'blend.info');
  if (typeof a.to === 'string' && a.to) {
    const to = path.resolve(a.to);
    const holder = otherHolder(hub, to, session);
    if (holder) throw new OpenElsewhereError(to, holder);
    const r = await blenderRequest<{ path: string }>(hub, session, 'blend.save', { path: to });
    return { dest: r.path, state: 'done', versionUp: false };
  }
  if (!info.path) throw new BlendFileError('this Blender scene was never saved, so there is no workfile to save or version up: give --to FILE.blend, or launch Blender in the shot folder (it makes the first workfile)', 'NO_WORKFILE');
  if (a.versionUp !== true) {
    const holder = otherHolder(hub, info.path, session);
    if (holder) throw new OpenElsewhereError(info.path, holder);
    const r = await blenderRequest<{ path: string }>(hub, session, 'blend.save', {});
    return { dest: r.path, state: 'done', versionUp: false };
  }
  const context = await contextFor(info.path, process.env);
  if (!namesWorkfiles(context)) {
    throw new BlendFileError(`cannot name a new version: the context of ${path.dirname(info.path)} has no folder and task (set context.folder and context.task in its .dcckitrc; dcc-kit context shows them)`, 'NO_CONTEXT');
  }
  const next = await reserveNextVersion(path.dirname(info.path), blenderConfig(hub.config).workfileTemplate, context);
  try {
    const r = await blenderRequest<{ path: string }>(hub, session, 'blend.save', { path: next.path });
    return { dest: r.path, state: 'done', versionUp: true, version: next.version };
  } catch (err) {
    await next.release();
    throw err;
  }
};
