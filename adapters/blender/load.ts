/**
 * Blender's loaders and inventory (tool endpoints). The product comes from the shared store; each load is
 * ONE request into Blender that makes the objects and records the container in the .blend
 * (dcckit_blender/containers.py). Loaders: an image sequence (any DCC's render: an image empty and a VSE
 * strip) and a published .blend (its collections linked and instanced).
 */
import path from 'node:path';
import type { Endpoint, HubServices, SessionInfo } from '../../kit/adapter.ts';
import { UsageError } from '../../kit/errors.ts';
import { resolveContext } from '../../kit/context.ts';
import { parseProductRef, storeFromConfig, type VersionInfo, type VersionManifest } from '../../kit/store/index.ts';
import { pickImages } from '../harmony/load/sequence.ts';
import { blenderRequest, pickBlenderSession, type BlendInfo } from './sessions.ts';
import type { BlenderContainerRecord } from './create.ts';

const IMAGE_EXTS = ['png', 'jpg', 'jpeg', 'exr', 'tif', 'tiff'];

export const LOADERS = [
  { name: 'imageSequence', label: 'Image sequence', productTypes: ['render', 'plate', 'image', 'review'], representations: IMAGE_EXTS },
  { name: 'blend', label: 'Linked .blend', productTypes: ['workfile', 'layout', 'model', 'rig'], representations: ['blend'] },
];

type Resolved = VersionInfo & { manifest: VersionManifest };

function pickRepresentation(v: Resolved, wanted: unknown): { loader: 'imageSequence' | 'blend'; rep: VersionManifest['representations'][number] } {
  const reps = v.manifest.representations;
  const rep = typeof wanted === 'string' && wanted ? reps.find((r) => r.name === wanted) : reps.find((r) => r.ext === 'blend') ?? reps.find((r) => IMAGE_EXTS.includes(r.ext.toLowerCase()));
  if (!rep) throw new UsageError(`${v.folder}/${v.product} v${v.version} has no representation Blender can load (${reps.map((r) => r.name).join(', ') || 'none'}); Blender loads images (${IMAGE_EXTS.join(', ')}) and .blend`);
  if (rep.ext === 'blend') return { loader: 'blend', rep };
  if (IMAGE_EXTS.includes(rep.ext.toLowerCase())) return { loader: 'imageSequence', rep };
  throw new UsageError(`representation ${rep.name} (.${rep.ext}) cannot be loaded into Blender`);
}

/** The request args that point Blender at a version's files. */
function filesArgs(v: Resolved, loader: 'imageSequence' | 'blend', rep: VersionManifest['representations'][number]): Record<string, unknown> {
  const files = rep.files.map((f) => path.join(v.path, f.path));
  if (loader === 'blend') return { path: files[0] };
  const picked = pickImages(files, IMAGE_EXTS);
  const firstFileFrame = picked.hold ? 1 : picked.files[0].frame;
  return { files: picked.files.map((f) => f.file), frameStart: rep.frameStart ?? firstFileFrame, firstFileFrame };
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
  'load.loaders': () => LOADERS,
  'load.run': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; product?: unknown; version?: unknown; representation?: unknown };
    if (typeof a.product !== 'string' || !a.product) throw new UsageError('load needs a product, e.g. shots/sh010/renderMain');
    const session = pickBlenderSession(hub, a.session);
    const ref = parseProductRef(a.version === undefined || a.version === null || a.version === 'latest' || a.version === '' ? a.product : `${a.product.replace(/@.*$/, '')}@${String(a.version)}`, await defaultFolder(hub, session));
    const v = await storeFromConfig(hub.config).resolve(ref);
    const { loader, rep } = pickRepresentation(v, a.representation);
    const existing = (await containers(hub, session)).map((c) => c.key);
    let key = v.product;
    for (let n = 2; existing.includes(key); n++) key = `${v.product}_${n}`;
    const record: Omit<BlenderContainerRecord, 'objects' | 'path'> = { key, loader, product: `${v.folder}/${v.product}`, folder: v.folder, productName: v.product, version: v.version, representation: rep.name };
    const made = await blenderRequest<BlenderContainerRecord>(hub, session, loader === 'blend' ? 'load.blend' : 'load.imageSequence', { ...filesArgs(v, loader, rep), name: key, record });
    return { ...made, nodes: made.objects };
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
        const rep = v.manifest.representations.find((r) => r.name === c.representation) ?? pickRepresentation(v, undefined).rep;
        await blenderRequest(hub, session, 'container.update', { key: id, version: v.version, ...filesArgs(v, c.loader as 'imageSequence' | 'blend', rep) });
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
