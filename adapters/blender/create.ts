/**
 * Blender's creators and instances. Creators are records of the kit's creator registry (built-in ones in
 * ./creators/, a studio's from `blender.creators`, see extensions.ts); instances live in the .blend's
 * `dcckit.pipeline` text datablock (startup-scripts/blender/python/dcckit_blender/pipeline.py). Creating is
 * ONE create.run request naming the creator: its Blender half runs and the record is imprinted in the same
 * read-modify-write on Blender's main thread. Nothing here branches on a creator's name.
 */
import path from 'node:path';
import type { Endpoint, HubServices, SessionInfo } from '../../kit/adapter.ts';
import { contextFromConfig } from '../../kit/context.ts';
import { UsageError } from '../../kit/errors.ts';
import { assertVariant, creatorAttributes, creatorInfo, creatorNamed, newInstanceFields } from '../../kit/plugins/creators.ts';
import { assertProductName } from '../../kit/store/index.ts';
import { loadConfig } from '../../kit/config.ts';
import { blenderRequest, pickBlenderSession, type BlendInfo } from './sessions.ts';
import { blenderExtensions, sessionExtensions, withBlenderHalf } from './extensions.ts';
import type { BlenderInstanceRecord } from './creator-types.ts';

export type { BlenderInstanceRecord };

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

export async function pipelineOf(hub: HubServices, session: SessionInfo): Promise<PipelineData> {
  return blenderRequest<PipelineData>(hub, session, 'pipeline.get');
}

async function sessionContext(hub: HubServices, session: SessionInfo) {
  const info = await blenderRequest<BlendInfo>(hub, session, 'blend.info');
  if (!info.path) throw new UsageError('save the Blender scene as a workfile first (dcc-kit blender save --to FILE.blend): the context comes from its folder');
  const loaded = await loadConfig({ cwd: path.dirname(info.path), env: process.env });
  const { context } = contextFromConfig(loaded);
  if (!context.folder) throw new UsageError(`the context of ${path.dirname(info.path)} has no folder: set context.folder in the shot's .dcckitrc`);
  return { info, context, config: loaded.config };
}

export const createEndpoints: Record<string, Endpoint> = {
  'create.creators': async (args, { hub }) => (await blenderExtensions(hub, (args as { session?: unknown })?.session)).creators.map(creatorInfo),
  'create.instances': async (args, { hub }) => {
    const session = pickBlenderSession(hub, (args as { session?: unknown })?.session);
    return Object.values((await pipelineOf(hub, session)).instances);
  },
  'create.run': async (args, { hub }) => {
    const a = (args ?? {}) as { session?: unknown; creator?: unknown; variant?: unknown; attributes?: unknown };
    const session = pickBlenderSession(hub, a.session);
    const { creators } = await sessionExtensions(hub, session);
    const creator = creatorNamed(creators, String(a.creator ?? ''));
    const variant = typeof a.variant === 'string' ? a.variant.trim() : 'Main';
    assertVariant(variant);
    const given = (a.attributes && typeof a.attributes === 'object' ? a.attributes : {}) as Record<string, unknown>;
    const attributes = creatorAttributes(creator, given);
    const { context, config } = await sessionContext(hub, session);
    const { id: _id, ...fields } = newInstanceFields(creator, variant, context.folder!, context.task, attributes);
    assertProductName(fields.productName);
    const record: BlenderInstanceRecord = { key: fields.productName, ...fields };
    const creatorArgs = creator.prepare ? await creator.prepare({ config, record }) : {};
    return withBlenderHalf(hub, session, creator, 'creator',
      () => blenderRequest<BlenderInstanceRecord>(hub, session, 'create.run', { creator: creator.name, record, args: creatorArgs }));
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
      await blenderRequest(hub, session, 'instance.remove', { key });
      removed.push(key);
    }
    return { removed };
  },
};
