/**
 * Loading products into a Harmony session and managing what was loaded. A load is ONE call into Harmony whatever
 * its size (files are listed, checked and copied, sequences detected and versions resolved here); an inventory
 * update or removal reads the scene's containers first, then makes one call.
 */
import { randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HubServices, SessionInfo } from '../../../kit/adapter.ts';
import { cleanStaleTemps, releaseTemp, tempPathBeside } from '../../../kit/archive/temp-files.ts';
import { DccKitError, UsageError } from '../../../kit/errors.ts';
import { parseProductRef, storeFromConfig, type ProductStore, type VersionInfo, type VersionManifest } from '../../../kit/store/index.ts';
import { pickHarmonySession } from '../pick-session.ts';
import type { ContainerRecord, InventoryItem } from '../pipeline-types.ts';
import { commonArgs, sessionContext } from '../session-context.ts';
import { sessionExtensions, withHarmonyHalf } from '../extensions.ts';
import type { HarmonyLoader } from './loader-types.ts';
import { GREEN, RED, chooseLoader, chooseRepresentation, prepareLoad, type PreparedLoad, type ZipLimits } from './loaders.ts';

type Resolved = VersionInfo & { manifest: VersionManifest };

/** Folders beside scenes this process has already rid of a killed hub's load folders. */
const tidied = new Set<string>();

/**
 * A load's folders for the files it gives Harmony: beside the scene's folder (never inside it: a save would
 * pack them), so they are on the scene's filesystem and Harmony MOVES the checked copies into the scene instead
 * of copying them again; named like the kit's other temps there. A killed hub's are removed by the next hub: at
 * its start in the work area, and, for a scene anywhere else, at its first load beside that scene. Without a
 * scene, or where that folder cannot be written, in the system's temp folder (Harmony then copies).
 */
async function withStaging<T>(scene: string | null, fn: (staging: () => Promise<string>) => Promise<T>): Promise<T> {
  const made: string[] = [];
  try {
    return await fn(async () => {
      if (scene) {
        const parent = path.dirname(path.dirname(scene));
        if (!tidied.has(parent)) {
          tidied.add(parent);
          await cleanStaleTemps(parent).catch(() => {});
        }
        const beside = tempPathBeside(path.dirname(scene));
        try {
          await fsp.mkdir(beside, { mode: 0o700 });
          made.push(beside);
          return beside;
        } catch {
          releaseTemp(beside);
        }
      }
      const d = await fsp.mkdtemp(path.join(os.tmpdir(), 'dcckit-load-'));
      made.push(d);
      return d;
    });
  } finally {
    await Promise.all(made.map((d) => fsp.rm(d, { recursive: true, force: true }).catch(() => {}).finally(() => releaseTemp(d))));
  }
}

/** The store of the session's project (its workfile folder's configuration). */
async function sessionStore(hub: HubServices, session: SessionInfo, overrides = {}): Promise<{ store: ProductStore; folder: string | null; zip: ZipLimits }> {
  const ctx = await sessionContext(hub, session, overrides);
  // Template and workfile products are unzipped under the same limits as opening a workfile.
  const wf = ctx.config.harmony.workfiles;
  return { store: storeFromConfig(ctx.config), folder: ctx.context.folder, zip: { maxBytes: wf.maxExtractBytes, maxRatio: wf.maxCompressionRatio } };
}

/** `folder/product[@v]` or `product[@v]` (folder from the session's context). */
async function resolveRef(store: ProductStore, folder: string | null, ref: string, version: unknown): Promise<Resolved> {
  const parsed = parseProductRef(ref, folder);
  if (version !== undefined && version !== null && version !== 'latest') {
    const n = Number(String(version).replace(/^v/, ''));
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`version must be a number or "latest" (got "${String(version)}")`);
    parsed.version = n;
  } else if (version === 'latest') parsed.version = 'latest';
  return store.resolve(parsed);
}

export class AlreadyLoadedError extends DccKitError {
  constructor(message: string) { super(message, 'ALREADY_LOADED'); }
}

export async function loadProduct(hub: HubServices, args: unknown): Promise<ContainerRecord> {
  const { session: id, overrides, a } = commonArgs(args);
  if (typeof a.product !== 'string' || !a.product) throw new UsageError('load.run needs args.product ([folder/]product[@version])');
  const session = pickHarmonySession(hub, id, 'load');
  const { store, folder, zip } = await sessionStore(hub, session, overrides);
  const version = await resolveRef(store, folder, a.product, a.version);
  const { loaders } = await sessionExtensions(hub, session);
  const loader = chooseLoader(loaders, version.manifest, typeof a.loader === 'string' ? a.loader : undefined);
  const rep = chooseRepresentation(version.manifest, loader, typeof a.representation === 'string' ? a.representation : undefined);
  const latest = await store.latest(version.folder, version.product);
  return withStaging(session.scene, async (staging) => {
    const prepared = await prepareLoad(loader, version, rep, {
      staging, zip, mode: typeof a.mode === 'string' ? a.mode : undefined, productName: version.product, outdated: latest !== null && latest.version > version.version, scene: session.scene,
    });
    const container: ContainerRecord = {
      id: randomUUID(), loader: loader.name, product: `${version.folder}/${version.product}`, folder: version.folder, productName: version.product,
      productType: version.manifest.productType, version: version.version, representation: rep.name, nodes: [], backdrop: null,
      source: prepared.source, loadedAt: new Date().toISOString(),
    };
    // ONE call: the Harmony side refuses a version the scene already has (same product, version, representation
    // and loader, its nodes all there) unless `again`, answering with that container; nothing is made then.
    const r = await withHarmonyHalf(hub, session, loader, 'loader',
      () => hub.call(session.id, { request: 'dcckit.load.load', args: { ...prepared.args, container, again: a.again === true } }, { timeout: 10 * 60_000 }) as Promise<ContainerRecord | { alreadyLoaded: ContainerRecord }>);
    if ('alreadyLoaded' in r) throw alreadyLoaded(r.alreadyLoaded);
    return r;
  });
}

/** Loading what is already in the scene again is rarely meant (a second click, a script run twice): say so. */
function alreadyLoaded(same: ContainerRecord): AlreadyLoadedError {
  return new AlreadyLoadedError(`${same.product} v${same.version} (${same.representation}) is already loaded in this scene (container ${same.id.slice(0, 8)}: ${same.nodes.slice(0, 3).join(', ')}${same.nodes.length > 3 ? ', ...' : ''}); load it once more with --again (args.again: true), or update it with dcc-kit inventory update ${same.id.slice(0, 8)}`);
}

interface SceneContainer extends ContainerRecord { missingNodes: string[] }

async function sceneContainers(hub: HubServices, session: SessionInfo): Promise<SceneContainer[]> {
  const r = await hub.call(session.id, { request: 'dcckit.load.inventory' }) as { containers: SceneContainer[] };
  return r.containers;
}

interface StoreState { latest: number | null; complete: Set<number> }

/** The product's complete versions, read once per product however many containers load it. */
async function storeStateOf(store: ProductStore, c: ContainerRecord, cache: Map<string, Promise<StoreState>>): Promise<StoreState> {
  let state = cache.get(c.product);
  if (!state) {
    state = store.listVersions(c.folder, c.productName).then((versions) => {
      const complete = versions.filter((v) => v.complete).map((v) => v.version);
      return { latest: complete.at(-1) ?? null, complete: new Set(complete) };
    }, () => ({ latest: null, complete: new Set<number>() }));
    cache.set(c.product, state);
  }
  return state;
}

/** Nodes missing first (the scene needs a look), then the store: the product or the loaded version gone. */
async function withStatus(store: ProductStore, list: SceneContainer[]): Promise<InventoryItem[]> {
  const cache = new Map<string, Promise<StoreState>>();
  return Promise.all(list.map(async (c): Promise<InventoryItem> => {
    const { latest, complete } = await storeStateOf(store, c, cache);
    const status = c.missingNodes.length ? 'nodes-missing'
      : latest === null || !complete.has(c.version) ? 'missing-in-store'
        : c.version < latest ? 'outdated' : 'latest';
    return { ...c, latest, status };
  }));
}

export async function inventory(hub: HubServices, args: unknown): Promise<InventoryItem[]> {
  const { session: id } = commonArgs(args);
  const session = pickHarmonySession(hub, id, 'list containers');
  const [{ store }, list] = await Promise.all([sessionStore(hub, session), sceneContainers(hub, session)]);
  return withStatus(store, list);
}

/** READ-node colours telling latest (green) from outdated (red), for the containers of loaders that colour their READs. */
function colorsFor(items: { loader: string; nodes: string[]; version: number; latest: number | null }[], loaders: HarmonyLoader[]): Record<string, number[]> {
  const colors: Record<string, number[]> = {};
  for (const i of items) {
    if (!loaders.find((l) => l.name === i.loader)?.colorsReads) continue;
    const c = i.latest !== null && i.version < i.latest ? RED : GREEN;
    for (const n of i.nodes) colors[n] = c;
  }
  return colors;
}

function pickContainers(list: SceneContainer[], ids: string[] | undefined, all: boolean): SceneContainer[] {
  if (all) return list;
  if (!ids?.length) throw new UsageError('name containers (ids or unique prefixes, see dcc-kit inventory) or pass all');
  return ids.map((id) => {
    const hits = list.filter((c) => c.id === id || c.id.startsWith(id) || c.product === id || c.productName === id);
    if (hits.length === 0) throw new UsageError(`no container "${id}" in this scene (see dcc-kit inventory)`);
    if (hits.length > 1) throw new UsageError(`"${id}" names ${hits.length} containers (${hits.map((h) => h.id.slice(0, 8)).join(', ')}): use an id`);
    return hits[0]!;
  });
}

export interface UpdateResult {
  updated: { id: string; from: number; to: number }[];
  /** Containers left alone: already at the latest version (an explicit version reloads). */
  unchanged: string[];
  failed: { id: string; error: string }[];
}

/** Node colour after an update: READ nodes only, red while a newer version exists. */
function colorAfter(loader: HarmonyLoader, version: number, latest: number | null): number[] | null {
  if (!loader.colorsReads) return null;
  return latest !== null && version < latest ? RED : GREEN;
}

/** Products an update prepares at the same time (store reads, checked copies). */
const PREPARE_AT_ONCE = 8;

export async function updateContainers(hub: HubServices, args: unknown): Promise<UpdateResult> {
  const { session: id, a } = commonArgs(args);
  const session = pickHarmonySession(hub, id, 'update containers');
  const [{ store, zip }, list, { loaders }] = await Promise.all([sessionStore(hub, session), sceneContainers(hub, session), sessionExtensions(hub, session)]);
  const chosen = pickContainers(list, Array.isArray(a.ids) ? a.ids.map(String) : undefined, a.all === true);
  const target = a.version === undefined || a.version === null ? 'latest' : a.version;
  return withStaging(session.scene, async (staging) => {
    type Update = PreparedLoad['args'] & { id: string; version: number; representation: string; source: string; color: number[] | null };
    type Outcome = { unchanged: true } | { update: Update; plan: { id: string; from: number; to: number } } | { error: string };
    // The store is read once per product (the version asked for and the latest), however many containers load it.
    const versions = new Map<string, Promise<[Resolved, VersionInfo | null]>>();
    const prepareOne = async (c: SceneContainer): Promise<Outcome> => {
      try {
        const ref = { folder: c.folder, product: c.productName, version: target === 'latest' ? 'latest' as const : Number(String(target).replace(/^v/, '')) };
        if (ref.version !== 'latest' && !(Number.isInteger(ref.version) && ref.version > 0)) throw new UsageError(`version must be a number or "latest" (got "${String(target)}")`);
        let read = versions.get(c.product);
        if (!read) versions.set(c.product, read = store.resolve(ref).then(async (v) => [v, await store.latest(c.folder, c.productName)]));
        const [version, latest] = await read;
        if (ref.version === 'latest' && version.version === c.version && !c.missingNodes.length) return { unchanged: true };
        const loader = loaders.find((l) => l.name === c.loader);
        if (!loader) throw new Error(`it was loaded by "${c.loader}", a loader this project does not have (dcc-kit plugins lists them; a studio loader comes from harmony.loaders)`);
        const rep = version.manifest.representations.find((r) => r.name === c.representation) ?? chooseRepresentation(version.manifest, loader);
        const prepared = await prepareLoad(loader, version, rep, { staging, zip, productName: c.productName, mode: (c.data as { mode?: string } | undefined)?.mode, scene: session.scene });
        return {
          update: { ...prepared.args, id: c.id, version: version.version, representation: rep.name, source: prepared.source, color: colorAfter(loader, version.version, latest?.version ?? null) },
          plan: { id: c.id, from: c.version, to: version.version },
        };
      } catch (err) {
        return { error: `${c.product} v${c.version}: ${(err as Error).message}` };
      }
    };
    // Products are prepared side by side (their store reads and copies overlap), a product's containers one
    // after another (they may share a version: it is checked, and marked if damaged, once at a time).
    const byProduct = new Map<string, number[]>();
    chosen.forEach((c, i) => byProduct.set(c.product, [...byProduct.get(c.product) ?? [], i]));
    const groups = [...byProduct.values()];
    const outcomes = new Array<Outcome>(chosen.length);
    let nextGroup = 0;
    await Promise.all(Array.from({ length: Math.min(PREPARE_AT_ONCE, groups.length) }, async () => {
      while (nextGroup < groups.length) {
        for (const i of groups[nextGroup++]!) outcomes[i] = await prepareOne(chosen[i]!);
      }
    }));
    const updates: Update[] = [];
    const plan: { id: string; from: number; to: number }[] = [];
    const failed: { id: string; error: string }[] = [];
    const unchanged: string[] = [];
    outcomes.forEach((o, i) => {
      const id = chosen[i]!.id;
      if ('unchanged' in o) unchanged.push(id);
      else if ('error' in o) failed.push({ id, error: o.error });
      else {
        updates.push(o.update);
        plan.push(o.plan);
      }
    });
    if (!updates.length) return { updated: [], unchanged, failed };
    const r = await hub.call(session.id, { request: 'dcckit.load.update', args: { updates } }, { timeout: 10 * 60_000 }) as { updated: string[]; failed: { id: string; error: string }[] };
    const named = (f: { id: string; error: string }) => {
      const c = chosen.find((x) => x.id === f.id);
      return c ? { id: f.id, error: `${c.product} v${c.version}: ${f.error}` } : f;
    };
    return { updated: plan.filter((p) => r.updated.includes(p.id)), unchanged, failed: [...failed, ...r.failed.map(named)] };
  });
}

export async function removeContainers(hub: HubServices, args: unknown): Promise<{ removed: string[] }> {
  const { session: id, a } = commonArgs(args);
  const session = pickHarmonySession(hub, id, 'remove containers');
  const list = await sceneContainers(hub, session);
  const chosen = pickContainers(list, Array.isArray(a.ids) ? a.ids.map(String) : undefined, a.all === true);
  return await hub.call(session.id, { request: 'dcckit.load.remove', args: { ids: chosen.map((c) => c.id) } }) as { removed: string[] };
}

/** Colours outdated READ nodes when a scene opens (nothing to do without containers). */
export async function colorOnOpen(hub: HubServices, session: SessionInfo): Promise<number> {
  const list = await sceneContainers(hub, session);
  if (!list.length) return 0;
  const items = await withStatus((await sessionStore(hub, session)).store, list);
  const colors = colorsFor(items, (await sessionExtensions(hub, session)).loaders);
  if (!Object.keys(colors).length) return 0;
  const outdated = items.filter((i) => i.status === 'outdated');
  await hub.call(session.id, { request: 'dcckit.load.colorize', args: { colors } });
  if (outdated.length) {
    hub.call(session.id, { request: 'dcckit.message', args: { text: `dcc-kit: ${outdated.length} loaded product(s) have newer versions: ${outdated.map((o) => `${o.product} v${o.version} -> v${o.latest}`).join(', ')}.\nUpdate them with Manage... or dcc-kit inventory update --all`, kind: 'information' } }, { timeout: 60 * 60_000 }).catch(() => null);
  }
  return Object.keys(colors).length;
}
