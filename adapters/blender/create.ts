/**
 * Blender's creators and instances. Instances live in the .blend's `dcckit.pipeline` text datablock
 * (startup-scripts/blender/python/dcckit_blender/pipeline.py); every imprint is ONE pipeline.set request,
 * a read-modify-write on Blender's main thread. `render` renders the scene's camera to PNG frames;
 * `workfile` is automatic (the .blend itself is published with every run).
 */
import path from 'node:path';
import type { Endpoint, HubServices, SessionInfo } from '../../kit/adapter.ts';
import { resolveContext } from '../../kit/context.ts';
import { UsageError } from '../../kit/errors.ts';
import { assertProductName } from '../../kit/store/index.ts';
import { blenderRequest, pickBlenderSession, type BlendInfo } from './sessions.ts';

export interface BlenderInstanceRecord {
  key: string;
  creator: string;
  productName: string;
  productType: string;
  active: boolean;
  folder: string;
  task: string | null;
  attributes: Record<string, unknown>;
}

export interface BlenderContainerRecord {
  key: string;
  loader: string;
  product: string;
  folder: string;
  productName: string;
  version: number;
  representation: string;
  /** Names of what the load made in Blender (objects, strips, collections, images). */
  objects: string[];
  path: string;
}

export interface PipelineData {
  instances: Record<string, BlenderInstanceRecord>;
  containers: Record<string, BlenderContainerRecord>;
}

export const CREATORS = [
  { name: 'render', label: 'Render', productType: 'render', description: 'The scene rendered by Blender (its camera, engine and output size) to PNG frames over the shot\'s frame range with handles.', automatic: false,
    attributes: { target: { type: 'enum', values: ['local', 'farm'], default: 'local', label: 'Render on' } } },
  { name: 'workfile', label: 'Workfile', productType: 'workfile', description: 'The .blend itself, published with every run.', automatic: true, attributes: {} },
];

export async function pipelineOf(hub: HubServices, session: SessionInfo): Promise<PipelineData> {
  return blenderRequest<PipelineData>(hub, session, 'pipeline.get');
}

async function sessionContext(hub: HubServices, session: SessionInfo) {
  const info = await blenderRequest<BlendInfo>(hub, session, 'blend.info');
  if (!info.path) throw new UsageError('save the Blender scene as a workfile first (dcc-kit blender save --to FILE.blend): the context comes from its folder');
  const { context } = await resolveContext({ cwd: path.dirname(info.path), env: process.env });
  if (!context.folder) throw new UsageError(`the context of ${path.dirname(info.path)} has no folder: set context.folder in the shot's .dcckitrc`);
  return { info, context };
}

function variantOf(value: unknown): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if (!/^[A-Za-z0-9_]{1,64}$/.test(v)) throw new UsageError(`the variant must be 1 to 64 letters, digits or _ (got "${String(value ?? '')}")`);
  return v;
}

export const createEndpoints: Record<string, Endpoint> = {
  'create.creators': () => CREATORS,
  'create.instances': async (args, { hub }) => {
    const session = pickBlenderSession(hub, (args as { session?: unknown })?.session);
    return Object.values((await pipelineOf(hub, session)).instances);
  },
  'create.run': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; creator?: unknown; variant?: unknown; attributes?: unknown };
    if (a.creator !== 'render') throw new UsageError(`unknown creator "${String(a.creator)}": Blender has render (the workfile is published automatically)`);
    const session = pickBlenderSession(hub, a.session);
    const variant = variantOf(a.variant ?? 'Main');
    const productName = `render${variant[0].toUpperCase()}${variant.slice(1)}`;
    assertProductName(productName);
    const { context } = await sessionContext(hub, session);
    const given = (a.attributes && typeof a.attributes === 'object' ? a.attributes : {}) as Record<string, unknown>;
    for (const k of Object.keys(given)) if (k !== 'target') throw new UsageError(`unknown attribute "${k}" for the render creator (it has: target)`);
    const target = given.target ?? 'local';
    if (target !== 'local' && target !== 'farm') throw new UsageError(`target must be local or farm (got "${String(target)}")`);
    const record: BlenderInstanceRecord = { key: productName, creator: 'render', productName, productType: 'render', active: true, folder: context.folder!, task: context.task, attributes: { target } };
    await blenderRequest(hub, session, 'pipeline.set', { section: 'instances', key: record.key, value: record });
    return record;
  },
  'create.update': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; key?: unknown; active?: unknown };
    const session = pickBlenderSession(hub, a.session);
    const instances = (await pipelineOf(hub, session)).instances;
    const current = Object.hasOwn(instances, String(a.key)) ? instances[String(a.key)] : undefined;
    if (!current) throw new UsageError(`no instance "${String(a.key)}" in this scene`);
    const record = { ...current, active: a.active === undefined ? current.active : a.active === true };
    await blenderRequest(hub, session, 'pipeline.set', { section: 'instances', key: record.key, value: record });
    return record;
  },
  'create.remove': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; key?: unknown; keys?: unknown };
    const session = pickBlenderSession(hub, a.session);
    const keys = Array.isArray(a.keys) ? a.keys.map(String) : a.key === undefined ? [] : [String(a.key)];
    const existing = (await pipelineOf(hub, session)).instances;
    const removed: string[] = [];
    for (const key of keys) {
      if (!Object.hasOwn(existing, key)) continue;
      await blenderRequest(hub, session, 'pipeline.set', { section: 'instances', key, value: null });
      removed.push(key);
    }
    return { removed };
  },
};
