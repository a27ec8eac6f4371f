/** Creating, listing, changing and removing publish instances in a Harmony session (one call each). */
import type { HubServices } from '../../../kit/adapter.ts';
import { assertPublishable } from '../../../kit/context.ts';
import { UsageError } from '../../../kit/errors.ts';
import { sessionExtensions, withHarmonyHalf } from '../extensions.ts';
import { pickHarmonySession } from '../pick-session.ts';
import type { InstanceRecord } from '../pipeline-types.ts';
import { commonArgs, sessionContext } from '../session-context.ts';
import { assertVariant, creatorAttributes, creatorNamed, newInstanceRecord } from './creators.ts';

/**
 * Any creator, built-in or studio: the record is checked and filled here, the creator's `prepare` adds what
 * its Harmony half needs, and ONE call (`dcckit.create.run`) makes the node and records the instance.
 */
export async function createInstance(hub: HubServices, args: unknown): Promise<InstanceRecord> {
  const { session: id, overrides, a } = commonArgs(args);
  if (typeof a.creator !== 'string') throw new UsageError('create.run needs args.creator (dcc-kit create list names them)');
  if (typeof a.variant !== 'string') throw new UsageError('create.run needs args.variant (e.g. Main)');
  const session = pickHarmonySession(hub, id, 'create an instance');
  const extensions = await sessionExtensions(hub, session);
  const creator = creatorNamed(extensions.creators, a.creator);
  assertVariant(a.variant);
  const attributes = creatorAttributes(creator, (a.attributes ?? {}) as Record<string, unknown>);
  const ctx = await sessionContext(hub, session, overrides);
  assertPublishable(ctx);
  const record = newInstanceRecord(creator, a.variant, ctx.context.folder, ctx.context.task, attributes);
  const useSelection = a.useSelection !== false;
  const extra = creator.prepare ? await creator.prepare({ config: ctx.config, record, useSelection }) : {};
  return await withHarmonyHalf(hub, session, creator, 'creator',
    () => hub.call(session.id, { request: 'dcckit.create.run', args: { ...extra, creator: creator.name, record, useSelection } }) as Promise<InstanceRecord>);
}

export async function listInstances(hub: HubServices, args: unknown): Promise<InstanceRecord[]> {
  const { session: id } = commonArgs(args);
  const session = pickHarmonySession(hub, id, 'list instances');
  const r = await hub.call(session.id, { request: 'dcckit.create.instances' }) as { instances: InstanceRecord[] };
  return r.instances;
}

export async function updateInstance(hub: HubServices, args: unknown): Promise<InstanceRecord> {
  const { session: id, a } = commonArgs(args);
  if (typeof a.key !== 'string') throw new UsageError('create.update needs args.key (the instance key: a node path or backdrop:<title>)');
  if (a.active !== undefined && typeof a.active !== 'boolean') throw new UsageError('create.update: args.active must be true or false');
  const session = pickHarmonySession(hub, id, 'change an instance');
  return await hub.call(session.id, { request: 'dcckit.create.update', args: { key: a.key, active: a.active, attributes: a.attributes } }) as InstanceRecord;
}

export async function removeInstances(hub: HubServices, args: unknown): Promise<{ removed: string[] }> {
  const { session: id, a } = commonArgs(args);
  const keys = Array.isArray(a.keys) ? a.keys.filter((k): k is string => typeof k === 'string') : [];
  if (!keys.length) throw new UsageError('create.remove needs args.keys (instance keys)');
  const session = pickHarmonySession(hub, id, 'remove instances');
  return await hub.call(session.id, { request: 'dcckit.create.remove', args: { keys } }) as { removed: string[] };
}
