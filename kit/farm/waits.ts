/**
 * Farm waits that outlive the hub, for every adapter: a version the hub completes when a farm job is done
 * keeps what the hub needs for that in the version (`.dcckit-awaiting.json`, tagged with the adapter's
 * `kind`) and is noted in `<home>/run/farm-waits.json`. A hub that starts again takes up every wait of each
 * kind (resumeFarmWaits, called by each adapter at hub start for its own kind), so no farm render is lost
 * to a hub restart (one whose publish never committed is given up); `products prune` leaves an awaiting
 * version alone. A farm server outage does not end a wait (waitThroughOutages).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HubServices } from '../adapter.ts';
import { JsonJournal } from '../journal.ts';
import { AWAITING, ProductStore, type VersionWriter } from '../store/index.ts';
import { AfanasyClient } from './client.ts';
import { FarmConnectionError, FarmNoReplyError, FarmTimeoutError } from './errors.ts';
import type { AfanasySettings } from './settings.ts';
import type { JobInfo } from './status.ts';

/** What every farm wait records; an adapter's wait adds what its completion needs. */
export interface FarmWaitRecord {
  format: 1;
  /** `<adapter>.farm-render`: which adapter's resumeFarmWaits takes it up. */
  kind: string;
  /** Said by `products prune` and the log: what the version waits for. */
  what: string;
  since: string;
  runId: string;
  jobId: number;
  /** Afanasy reuses ids after deletes: the serial tells jobs apart. */
  serial?: number;
  name: string;
  settings: AfanasySettings;
  store: { root: string; template: string };
  version: { folder: string; product: string; productType: string; version: number };
  /**
   * False until the submitting publish committed (an adapter whose farm renders wait for their publish's
   * commit sets it); a hub that finds it false at start gives the render up: the job is deleted, the version
   * removed. Absent: the render is the publish's as soon as it is submitted.
   */
  released?: boolean;
}

/** The fields of a wait that come from the submission and the reserved version. */
export function farmWaitBase(kind: string, opts: { runId: string; settings: AfanasySettings; writer: VersionWriter; job: { id: number; serial?: number }; name: string }): FarmWaitRecord {
  const { writer, settings, job } = opts;
  return {
    format: 1, kind, what: `farm job ${job.id} "${opts.name}" on ${settings.host}:${settings.port}`, since: new Date().toISOString(), runId: opts.runId,
    jobId: job.id, serial: job.serial, name: opts.name, settings,
    store: { root: writer.store.root, template: writer.store.template.source },
    version: { folder: writer.folder, product: writer.product, productType: writer.productType, version: writer.version },
  };
}

const journalOf = (hub: HubServices) => (hub.home ? new JsonJournal(path.join(hub.home, 'run', 'farm-waits.json')) : null);

/** Writes (or rewrites) the wait in its version, atomically. */
export async function writeFarmWait(dir: string, wait: FarmWaitRecord): Promise<void> {
  const file = path.join(dir, AWAITING);
  await fsp.writeFile(`${file}.tmp`, JSON.stringify(wait, null, 2) + '\n');
  await fsp.rename(`${file}.tmp`, file);
}

/** Writes the wait into its version and notes the version in the hub's journal. */
export async function recordFarmWait(hub: HubServices, dir: string, wait: FarmWaitRecord): Promise<void> {
  await writeFarmWait(dir, wait);
  await journalOf(hub)?.add(dir).catch((err) => hub.log.warn(`publish ${wait.runId}: cannot note the farm wait of ${dir}: ${(err as Error).message}`));
}

/** The wait is over (integrated, failed or given up): the version's marker and the journal entry go. */
export async function forgetFarmWait(hub: HubServices, dir: string): Promise<void> {
  await fsp.rm(path.join(dir, AWAITING), { force: true }).catch(() => {});
  await journalOf(hub)?.remove(dir).catch(() => {});
}

/**
 * At hub start: takes up the waits of `kind` a previous hub noted, each handed to `watch` (with its version
 * adopted and a client for its server) as if submitted now. Waits of other kinds are left to their adapter;
 * entries whose version no longer waits (completed, removed) are dropped. Returns the versions resumed.
 */
export async function resumeFarmWaits<W extends FarmWaitRecord>(hub: HubServices, kind: string, watch: (wait: W, writer: VersionWriter, client: AfanasyClient) => void): Promise<string[]> {
  const journal = journalOf(hub);
  if (!journal) return [];
  const resumed: string[] = [];
  await journal.removeStaleTemps();
  for (const dir of Object.keys(await journal.read())) {
    const wait = await fsp.readFile(path.join(dir, AWAITING), 'utf8').then((t) => JSON.parse(t) as W, () => null);
    if (!wait) {
      await journal.remove(dir);
      continue;
    }
    if (wait.kind !== kind) continue;
    if (wait.released === false) {
      // Its publish never committed (the hub stopped in between): what it rendered belongs to nothing.
      hub.log.warn(`farm: ${wait.what} belongs to publish ${wait.runId}, which never completed; the job is deleted and ${dir} given up`);
      await new AfanasyClient(wait.settings).operate({ id: wait.jobId, serial: wait.serial }, 'delete').catch(() => {});
      await new ProductStore({ root: wait.store.root, template: wait.store.template }).adopt(wait.version).then((w) => w.abort(), () => {});
      await journal.remove(dir);
      continue;
    }
    let writer: VersionWriter;
    try {
      writer = await new ProductStore({ root: wait.store.root, template: wait.store.template }).adopt(wait.version);
    } catch (err) {
      hub.log.warn(`farm: cannot resume ${dir}: ${(err as Error).message}`);
      if ((err as { code?: string }).code !== 'VERSION_BUSY') await journal.remove(dir);
      continue;
    }
    hub.log.info(`farm: waiting again for ${wait.what}, to complete ${wait.version.folder}/${wait.version.product} v${wait.version.version}`);
    watch(wait, writer, new AfanasyClient(wait.settings));
    resumed.push(dir);
  }
  return resumed;
}

/** The farm server down, unreachable or slow: the render goes on there, so the wait does too. */
const isOutage = (err: unknown) => err instanceof FarmConnectionError || err instanceof FarmTimeoutError || err instanceof FarmNoReplyError;
const OUTAGE_LOG_EVERY_MS = 10 * 60_000;
const MAX_RETRY_MS = 60_000;

/**
 * waitForJob that outlives farm server outages (a restarted afserver, a network cut): a render of hours must
 * not be thrown away because one poll failed. Other errors (the job deleted, a refused request) end the wait,
 * and so does the hub stopping (see leftToNextHub).
 */
export async function waitThroughOutages(hub: HubServices, wait: Pick<FarmWaitRecord, 'jobId' | 'serial' | 'what'>, client: AfanasyClient, pollMs: number): Promise<JobInfo> {
  let retryMs = pollMs;
  let loggedAt = 0;
  let down = false;
  for (;;) {
    try {
      const info = await client.waitForJob({ id: wait.jobId, serial: wait.serial }, { intervalMs: pollMs, signal: hub.stopping, onUpdate: () => { retryMs = pollMs; } });
      if (down) hub.log.info(`farm: the server answers again; ${wait.what} is ${info.status}`);
      return info;
    } catch (err) {
      if (!isOutage(err) || hub.stopping.aborted) throw err;
      down = true;
      if (Date.now() - loggedAt >= OUTAGE_LOG_EVERY_MS) {
        hub.log.warn(`farm: still waiting for ${wait.what}: ${(err as Error).message}`);
        loggedAt = Date.now();
      }
      await sleep(retryMs, undefined, { signal: hub.stopping });
      retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
    }
  }
}

/**
 * The publish's hold on a farm render it submitted: the hub completes the render only once that publish has
 * committed its own products (the published workfile the farm renders among them). `release` after the
 * commit (noted in the version, so a restarted hub knows), `cancel` when the publish rolls back. A job done
 * before that waits (event state `rendered`), so a fast farm never integrates the render of a publish that
 * then fails.
 */
export interface FarmRelease {
  readonly released: Promise<void>;
  release(): Promise<void>;
  cancel(reason: string): void;
}

/** A hold for `wait` (recorded with `released: false`), released by rewriting it with `released: true`. */
export function farmRelease(dir: string, wait: FarmWaitRecord): FarmRelease {
  let open!: () => void;
  let refuse!: (err: Error) => void;
  const released = new Promise<void>((resolve, reject) => { open = resolve; refuse = reject; });
  released.catch(() => {});
  return {
    released,
    release: async () => {
      await writeFarmWait(dir, { ...wait, released: true });
      open();
    },
    cancel: (reason) => refuse(new Error(reason)),
  };
}

/**
 * Waits for the job to end (through outages) and, when it is done before its publish committed, for the
 * commit. A publish that rolls back ends the wait at once (its rollback deletes the job): the promise rejects.
 */
export async function waitForJobAndRelease(hub: HubServices, wait: FarmWaitRecord, client: AfanasyClient, pollMs: number,
  released: Promise<void> | undefined, event: Record<string, unknown>): Promise<JobInfo> {
  let open = !released;
  released?.then(() => { open = true; }, () => {});
  const polling = waitThroughOutages(hub, wait, client, pollMs);
  const info = released ? await Promise.race([polling, released.then(() => new Promise<never>(() => {}))]) : await polling;
  if (info.status === 'done' && released && !open) {
    hub.log.info(`publish ${wait.runId}: farm job ${wait.jobId} done; ${event.product} v${event.version} waits for the publish to commit`);
    hub.emit('publish.farm', { ...event, state: 'rendered' });
    await unlessStopped(hub, released);
  }
  return info;
}

/** `promise`, or a rejection with the hub's stop reason if the hub stops first (the listener goes either way). */
function unlessStopped<T>(hub: HubServices, promise: Promise<T>): Promise<T> {
  const signal = hub.stopping;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onStop = () => reject(signal.reason);
    signal.addEventListener('abort', onStop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onStop));
  });
}

/**
 * True when a wait ended because the hub stops: the version keeps its marker and the journal its entry, for
 * the next hub (resumeFarmWaits). Logs that.
 */
export function leftToNextHub(hub: HubServices, wait: Pick<FarmWaitRecord, 'runId' | 'what'>): boolean {
  if (!hub.stopping.aborted) return false;
  hub.log.info(`publish ${wait.runId}: the hub stops; ${wait.what} is left to the next hub`);
  return true;
}
