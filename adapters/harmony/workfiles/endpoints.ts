/** The hub-side requests of workfiles: tool endpoints (`hub.adapter('harmony', 'workfile.save', ...)`) and the menu item. */
import path from 'node:path';
import type { Endpoint } from '../../../kit/adapter.ts';
import { UsageError } from '../../../kit/errors.ts';
import { workfileService, type SaveRequest } from './service.ts';

function saveArgs(args: unknown): SaveRequest {
  const a = (args ?? {}) as Record<string, unknown>;
  const out: SaveRequest = {};
  if (a.session !== undefined) {
    if (typeof a.session !== 'string' || !a.session) throw new UsageError('workfile.save: args.session must be a session id');
    out.session = a.session;
  }
  if (a.versionUp !== undefined) {
    if (typeof a.versionUp !== 'boolean') throw new UsageError('workfile.save: args.versionUp must be true or false');
    out.versionUp = a.versionUp;
  }
  if (a.to !== undefined) {
    if (typeof a.to !== 'string' || !path.isAbsolute(a.to)) throw new UsageError('workfile.save: args.to must be an absolute path to a .zip (the hub does not know your current folder)');
    out.to = a.to;
  }
  if (a.followOutsideLinks !== undefined) {
    if (typeof a.followOutsideLinks !== 'boolean') throw new UsageError('workfile.save: args.followOutsideLinks must be true or false');
    out.followOutsideLinks = a.followOutsideLinks;
  }
  if (a.force !== undefined) {
    if (typeof a.force !== 'boolean') throw new UsageError('workfile.save: args.force must be true or false');
    out.force = a.force;
  }
  return out;
}

export const workfileToolEndpoints: Record<string, Endpoint> = {
  /** Saves a Harmony session's scene to its workfile; answers once the snapshot is taken. */
  'workfile.save': (args, ctx) => workfileService(ctx.hub).save(saveArgs(args)),
  /** Applies the retention rule to local copies (`settle`: wait until restarted sessions reconnected). */
  'workfile.prune': async (args, ctx) => {
    const a = (args ?? {}) as { protect?: unknown; settle?: unknown };
    const protect = Array.isArray(a.protect) ? a.protect.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p)) : [];
    const service = workfileService(ctx.hub);
    await service.ready();
    return a.settle === true ? service.schedulePrune(protect) : service.prune(protect);
  },
  /** Progress of an extraction done by a CLI process, relayed to subscribed tools as a `workfile.progress` event. */
  'workfile.extractProgress': (args, ctx) => {
    const a = (args ?? {}) as Record<string, unknown>;
    const num = (k: string) => (typeof a[k] === 'number' && Number.isFinite(a[k]) ? a[k] as number : 0);
    if (typeof a.zip !== 'string' || typeof a.dir !== 'string') throw new UsageError('workfile.extractProgress needs args.zip and args.dir');
    workfileService(ctx.hub).extractProgress(a.zip, a.dir, {
      phase: 'extract', bytesDone: num('bytesDone'), bytesTotal: num('bytesTotal'), filesDone: num('filesDone'), filesTotal: num('filesTotal'),
    });
    return null;
  },
  /** A session's workfile and the versions beside it, newest first (the web page's workfiles view). */
  'workfile.list': async (args, ctx) => {
    const { pickHarmonySession } = await import('../pick-session.ts');
    const { sessionScene } = await import('../session-context.ts');
    const { listWorkfiles } = await import('./versions.ts');
    const a = (args ?? {}) as { session?: string };
    const session = pickHarmonySession(ctx.hub, a.session, 'list workfiles');
    const scene = await sessionScene(ctx.hub, session);
    if (!scene.workfile) return { session: session.id, workfile: null, project: scene.projectDir, versions: [] };
    const versions = await listWorkfiles(path.dirname(scene.workfile), workfileService(ctx.hub).settings.template);
    return { session: session.id, workfile: scene.workfile, project: scene.projectDir, versions };
  },
  /** The archives being written or waiting. */
  'workfile.status': async (_args, ctx) => {
    const service = workfileService(ctx.hub);
    await service.ready();
    return service.status();
  },
};

/** The menu's Workfiles...: saves the caller's workfile; the artist is told in Harmony when it is written. */
export const workfilesMenu: Endpoint = async (_args, ctx) => {
  await workfileService(ctx.hub).save({}, ctx.session);
  return null;
};
