/**
 * Blender's loaders and inventory (tool endpoints). Loaders are records of the kit's loader registry (built-in
 * ones in ./loaders/: image sequence, linked .blend, movie; a studio's from `blender.loaders`, see
 * extensions.ts). The product comes from the shared store, its files checked against their sha256 and read
 * by Blender in place; each load, update or remove is ONE request into Blender naming the loader, whose
 * Blender half makes the objects while the container is recorded in the .blend
 * (dcckit_blender/containers.py). Nothing here branches on a loader's name.
 */
import path from 'node:path';
import type { Endpoint, HubServices, SessionInfo } from '../../kit/adapter.ts';
import { UsageError } from '../../kit/errors.ts';
import { resolveContext } from '../../kit/context.ts';
import { chooseLoader, chooseRepresentation, loaderInfo } from '../../kit/plugins/loaders.ts';
import { filesForLoad, parseProductRef, storeFromConfig, type Representation, type VersionInfo, type VersionManifest } from '../../kit/store/index.ts';
import { blenderRequest, pickBlenderSession, type BlendInfo } from './sessions.ts';
import { blenderExtensions, sessionExtensions, withBlenderHalf } from './extensions.ts';
import type { BlenderLoader } from './loader-types.ts';
import type { BlenderContainerRecord } from './create.ts';

type Resolved = VersionInfo & { manifest: VersionManifest };

/** The arguments of the loader's Blender half for a version: its files checked (sha256) and read in place. */
async function loaderArgs(loader: BlenderLoader, v: Resolved, rep: Representation, key: string): Promise<Record<string, unknown>> {
  const { files } = await filesForLoad(v, rep);
  return loader.prepare({ version: v, representation: rep, files, productName: v.product, key });
}

async function defaultFolder(hub: HubServices, session: SessionInfo): Promise<string | null> {
  const info = await blenderRequest<BlendInfo>(hub, session, 'blend.info');
  if (!info.path) return null;
  return (await resolveContext({ cwd: path.dirname(info.path), env: process.env })).context.folder;
}

async function containers(hub: HubServices, session: SessionInfo): Promise<(BlenderContainerRecord & { missing: string[] })[]> {
  return blenderRequest(hub, session, 'container.list');
}

export const loadEndpoints: Record<string, Endpoint> = {
  'load.loaders': async (args, { hub }) => (await blenderExtensions(hub, (args as { session?: unknown })?.session)).loaders.map(loaderInfo),
  'load.run': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; product?: unknown; version?: unknown; representation?: unknown; loader?: unknown };
    if (typeof a.product !== 'string' || !a.product) throw new UsageError('load needs a product, e.g. shots/sh010/renderMain');
    const session = pickBlenderSession(hub, a.session);
    const ref = parseProductRef(a.version === undefined || a.version === null || a.version === 'latest' || a.version === '' ? a.product : `${a.product.replace(/@.*$/, '')}@${String(a.version)}`, await defaultFolder(hub, session));
    const v = await storeFromConfig(hub.config).resolve(ref);
    const { loaders } = await sessionExtensions(hub, session);
    const askedRep = typeof a.representation === 'string' && a.representation ? a.representation : undefined;
    const loader = chooseLoader(loaders, v.manifest, typeof a.loader === 'string' && a.loader ? a.loader : undefined, askedRep);
    const rep = chooseRepresentation(v.manifest, loader, askedRep);
    const existing = (await containers(hub, session)).map((c) => c.key);
    let key = v.product;
    for (let n = 2; existing.includes(key); n++) key = `${v.product}_${n}`;
    const record: Omit<BlenderContainerRecord, 'objects' | 'path'> = { key, loader: loader.name, product: `${v.folder}/${v.product}`, folder: v.folder, productName: v.product, version: v.version, representation: rep.name };
    const loadArgs = await loaderArgs(loader, v, rep, key);
    const made = await withBlenderHalf(hub, session, loader, 'loader',
      () => blenderRequest<BlenderContainerRecord>(hub, session, 'load.run', { loader: loader.name, args: loadArgs, record }));
    return { ...made, id: made.key, nodes: made.objects };
  },
  'inventory.list': async (args, { hub }) => {
    const session = pickBlenderSession(hub, (args as { session?: unknown })?.session);
    const store = storeFromConfig(hub.config);
    const out = [];
    for (const c of await containers(hub, session)) {
      const latest = await store.latest(c.folder, c.productName).catch(() => null);
      const status = !latest ? 'missing-in-store' : c.missing.length ? 'nodes-missing' : latest.version > c.version ? 'outdated' : 'latest';
      out.push({ id: c.key, product: c.product, loader: c.loader, version: c.version, latest: latest?.version ?? null, status, nodes: c.objects, missingNodes: c.missing, representation: c.representation });
    }
    return out;
  },
  'inventory.update': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; ids?: unknown; all?: unknown; version?: unknown };
    const session = pickBlenderSession(hub, a.session);
    const store = storeFromConfig(hub.config);
    const all = await containers(hub, session);
    const { loaders } = await sessionExtensions(hub, session);
    const ids = a.all === true ? all.map((c) => c.key) : Array.isArray(a.ids) ? a.ids.map(String) : [];
    if (!ids.length) throw new UsageError('inventory update needs container ids or all');
    const updated: { id: string; from: number; to: number }[] = [];
    const unchanged: string[] = [];
    const failed: { id: string; error: string }[] = [];
    for (const id of ids) {
      const c = all.find((x) => x.key === id);
      if (!c) { failed.push({ id, error: `no container ${id} in this scene` }); continue; }
      try {
        const v = await store.resolve({ folder: c.folder, product: c.productName, version: a.version === undefined ? 'latest' : Number(a.version) });
        if (v.version === c.version) { unchanged.push(id); continue; }
        const loader = loaders.find((l) => l.name === c.loader);
        if (!loader) throw new Error(`its loader "${c.loader}" is not among this project's loaders (${loaders.map((l) => l.name).join(', ')}): add it to blender.loaders, or remove the container`);
        const rep = v.manifest.representations.find((r) => r.name === c.representation) ?? chooseRepresentation(v.manifest, loader);
        const updateArgs = await loaderArgs(loader, v, rep, id);
        await withBlenderHalf(hub, session, loader, 'loader', () => blenderRequest(hub, session, 'container.update', { key: id, version: v.version, args: updateArgs }));
        updated.push({ id, from: c.version, to: v.version });
      } catch (err) {
        failed.push({ id, error: (err as Error).message });
      }
    }
    return { updated, unchanged, failed };
  },
  'inventory.remove': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; ids?: unknown };
    const session = pickBlenderSession(hub, a.session);
    const ids = Array.isArray(a.ids) ? a.ids.map(String) : [];
    if (!ids.length) throw new UsageError('inventory remove needs container ids');
    const removed: string[] = [];
    for (const id of ids) {
      await blenderRequest(hub, session, 'container.remove', { key: id });
      removed.push(id);
    }
    return { removed };
  },
};
