/**
 * Farm renders of render instances: one Afanasy job per instance, one block per WRITE node, rendering the
 * PUBLISHED workfile (extracted into the render version's folder), never the artist's live folder. The
 * render version is reserved when the job is submitted and completed by the hub when the job is done
 * (frames checked, copied, hashed, manifest written); a job in error leaves nothing half-written.
 *
 * What the hub needs to finish that later is written into the version (`.dcckit-awaiting.json`) and the
 * version noted in `<home>/run/farm-waits.json`: a hub that restarts while the farm renders picks the wait
 * up again (resumeFarmWaits), so no farm render is lost to a hub restart.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { HubServices } from '../../../kit/adapter.ts';
import { extractZip } from '../../../kit/archive/index.ts';
import { AfanasyClient, FarmConnectionError, FarmNoReplyError, FarmTimeoutError, JobBuilder, type AfanasySettings, type JobInfo } from '../../../kit/farm/index.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { AWAITING, ProductStore, type VersionWriter } from '../../../kit/store/index.ts';
import { JsonJournal } from '../../../kit/journal.ts';
import { checkFrames, expectedFrames, renderOnlyArgs, type WriteOutput } from './batch-render.ts';
import { reviewRepresentations, type ReviewSettings } from './review.ts';

export interface FarmRenderRequest {
  hub: HubServices;
  runId: string;
  settings: AfanasySettings;
  writer: VersionWriter;
  /** The published workfile archive the farm renders. */
  workfileZip: string;
  versionName: string;
  write: WriteOutput;
  frames: number;
  /** Context frame number of Harmony frame 1. */
  firstFrame: number;
  command: { command: string; prefix: string[] };
  product: string;
  context: Record<string, unknown>;
  source: string | null;
  pollMs?: number;
  /** Review media to make when the frames arrive (audio relative to the rendered project). */
  review?: ReviewSettings | null;
  comment?: string | null;
}

export interface FarmSubmission { jobId: number; serial?: number; name: string; workDir: string }

/**
 * A submitted render the hub completes only once the publish that submitted it has committed its own
 * products (the published workfile the farm renders among them): `release` after the commit, `cancel` when
 * the publish rolls back. A job done before that waits (state `rendered`), so a fast farm never integrates
 * the render of a publish that then fails.
 */
export interface FarmHandle extends FarmSubmission {
  release(): Promise<void>;
  cancel(reason: string): void;
}

/** Everything the hub needs to finish a farm render's version, kept in the version folder (AWAITING). */
export interface FarmWait extends FarmSubmission {
  format: 1;
  kind: 'harmony.farm-render';
  /** Said by `products prune` and the log: what the version waits for. */
  what: string;
  since: string;
  runId: string;
  settings: AfanasySettings;
  store: { root: string; template: string };
  version: { folder: string; product: string; productType: string; version: number };
  write: WriteOutput;
  frames: number;
  firstFrame: number;
  context: Record<string, unknown>;
  source: string | null;
  review?: ReviewSettings | null;
  comment?: string | null;
  /** False until the submitting publish committed; a hub that finds it false at start gives the render up. */
  released?: boolean;
}

const waitsJournal = (hub: HubServices) => (hub.home ? new JsonJournal(path.join(hub.home, 'run', 'farm-waits.json')) : null);

const quote = (s: string) => (/^[A-Za-z0-9_./:=@#-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);

/** Afanasy cannot echo `"` or `\` in job names back: keep names plain. */
function jobName(text: string): string {
  return text.replace(/["\\]/g, '_');
}

export async function submitFarmRender(req: FarmRenderRequest): Promise<FarmHandle> {
  const workDir = path.join(req.writer.dir, '.farm-work');
  await extractZip(req.workfileZip, workDir);
  const xstage = path.join(workDir, `${req.versionName}.xstage`);
  await fsp.access(xstage).catch(() => { throw new Error(`the published workfile ${req.workfileZip} has no ${req.versionName}.xstage`); });
  // The job renders this instance's WRITE node only (Harmony renders every enabled one otherwise).
  const only = await renderOnlyArgs(workDir, [req.write.path]);
  const cmd = [req.command.command, ...req.command.prefix, '-batch', '-frames', '@#@', '@#@', ...only, xstage].map(quote).join(' ');
  const name = jobName(`${req.product} v${String(req.writer.version).padStart(3, '0')}`);
  const job = new JobBuilder(name)
    .description(`dcc-kit publish ${req.runId}: ${req.write.path} of ${req.workfileZip}`)
    .frameBlock(req.write.name, cmd, { first: 1, last: req.frames, perTask: Math.max(1, Math.ceil(req.frames / 20)) })
    .build();
  const client = new AfanasyClient(req.settings);
  const submitted = await client.submit(job);
  const submission = { jobId: submitted.id, serial: submitted.serial, name, workDir };
  const store = req.writer.store;
  const wait: FarmWait = {
    format: 1, kind: 'harmony.farm-render', ...submission,
    what: `farm job ${submitted.id} "${name}" on ${req.settings.host}:${req.settings.port}`,
    since: new Date().toISOString(), runId: req.runId, settings: req.settings,
    store: { root: store.root, template: store.template.source },
    version: { folder: req.writer.folder, product: req.writer.product, productType: req.writer.productType, version: req.writer.version },
    write: req.write, frames: req.frames, firstFrame: req.firstFrame, context: req.context, source: req.source, review: req.review ?? null, comment: req.comment ?? null,
    released: false,
  };
  await writeWait(req.writer.dir, wait);
  await waitsJournal(req.hub)?.add(req.writer.dir).catch((err) => req.hub.log.warn(`publish ${req.runId}: cannot note the farm wait of ${req.writer.dir}: ${(err as Error).message}`));
  let open!: () => void;
  let refuse!: (err: Error) => void;
  const released = new Promise<void>((resolve, reject) => { open = resolve; refuse = reject; });
  released.catch(() => {});
  void watch(req.hub, wait, req.writer, client, req.pollMs, released);
  return {
    ...submission,
    release: async () => {
      await writeWait(req.writer.dir, { ...wait, released: true });
      open();
    },
    cancel: (reason) => refuse(new Error(reason)),
  };
}

async function writeWait(dir: string, wait: FarmWait): Promise<void> {
  const file = path.join(dir, AWAITING);
  await fsp.writeFile(`${file}.tmp`, JSON.stringify(wait, null, 2) + '\n');
  await fsp.rename(`${file}.tmp`, file);
}

/**
 * At hub start: takes up the farm renders a previous hub was waiting for (its journal), each watched to the
 * end as if submitted now. Returns the versions resumed.
 */
export async function resumeFarmWaits(hub: HubServices, opts: { pollMs?: number } = {}): Promise<string[]> {
  const journal = waitsJournal(hub);
  if (!journal) return [];
  const resumed: string[] = [];
  await journal.removeStaleTemps();
  for (const dir of Object.keys(await journal.read())) {
    const wait = await fsp.readFile(path.join(dir, AWAITING), 'utf8').then((t) => JSON.parse(t) as FarmWait, () => null);
    if (!wait || wait.kind !== 'harmony.farm-render') {
      await journal.remove(dir); // completed, given up or removed meanwhile
      continue;
    }
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
    void watch(hub, wait, writer, new AfanasyClient(wait.settings), opts.pollMs);
    resumed.push(dir);
  }
  return resumed;
}

const pad4 = (n: number) => (n < 0 ? '-' : '') + String(Math.abs(n)).padStart(4, '0');

/** The farm server down, unreachable or slow: the render goes on there, so the wait does too. */
const isOutage = (err: unknown) => err instanceof FarmConnectionError || err instanceof FarmTimeoutError || err instanceof FarmNoReplyError;
const OUTAGE_LOG_EVERY_MS = 10 * 60_000;
const MAX_RETRY_MS = 60_000;

/**
 * waitForJob that outlives farm server outages (a restarted afserver, a network cut): a render of hours must
 * not be thrown away because one poll failed. Other errors (the job deleted, a refused request) end the wait.
 */
async function waitThroughOutages(hub: HubServices, wait: FarmWait, client: AfanasyClient, pollMs: number): Promise<JobInfo> {
  let retryMs = pollMs;
  let loggedAt = 0;
  let down = false;
  for (;;) {
    try {
      const info = await client.waitForJob({ id: wait.jobId, serial: wait.serial }, { intervalMs: pollMs, onUpdate: () => { retryMs = pollMs; } });
      if (down) hub.log.info(`farm: the server answers again; ${wait.what} is ${info.status}`);
      return info;
    } catch (err) {
      if (!isOutage(err)) throw err;
      down = true;
      if (Date.now() - loggedAt >= OUTAGE_LOG_EVERY_MS) {
        hub.log.warn(`farm: still waiting for ${wait.what}: ${(err as Error).message}`);
        loggedAt = Date.now();
      }
      await sleep(retryMs);
      retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
    }
  }
}

async function watch(hub: HubServices, wait: FarmWait, writer: VersionWriter, client: AfanasyClient, pollMs?: number,
  released?: Promise<void>): Promise<void> {
  const product = `${writer.folder}/${writer.product}`;
  const base = { runId: wait.runId, product, version: writer.version, jobId: wait.jobId };
  let commitOpen = !released;
  released?.then(() => { commitOpen = true; }, () => {});
  try {
    // A publish that rolls back ends the wait at once (its rollback deletes the job).
    const polling = waitThroughOutages(hub, wait, client, pollMs ?? 2000);
    const info = released ? await Promise.race([polling, released.then(() => new Promise<never>(() => {}))]) : await polling;
    if (info.status !== 'done') throw new Error(`farm job ${wait.jobId} (${wait.name}) ended in ${info.status}: see dcc-kit farm log ${wait.jobId}`);
    if (!commitOpen) {
      hub.log.info(`publish ${wait.runId}: farm job ${wait.jobId} done; ${product} v${writer.version} waits for the publish to commit`);
      hub.emit('publish.farm', { ...base, state: 'rendered' });
      await released;
    }
    const frames = expectedFrames(wait.workDir, wait.write, wait.frames);
    await checkFrames(frames, `${wait.write.path} on the farm`, `dcc-kit farm log ${wait.jobId}`);
    // The review movie is made while the frames are copied and hashed (see review.ts for why here).
    const review = wait.review ? reviewRepresentations({
      settings: { ...wait.review, audio: wait.review.audio ? path.resolve(wait.workDir, wait.review.audio) : null },
      frames: frames.map((f) => f.file), firstFrame: wait.firstFrame, product: writer.product, version: writer.version,
      workDir: path.join(wait.workDir, '.dcckit-review'), log: { progress: () => {}, warn: (m) => hub.log.warn(`publish ${wait.runId}: ${m}`) },
    }) : null;
    review?.catch(() => {});
    try {
      await writer.addFiles('png', 'png', frames.map((f) => ({ source: f.file, path: `${writer.product}.${pad4(wait.firstFrame + f.frame - 1)}.png` })),
        { frameStart: wait.firstFrame, frameEnd: wait.firstFrame + wait.frames - 1, tags: ['review'] });
    } finally {
      await review?.catch(() => {});
    }
    for (const rep of (await review) ?? []) await writer.addFiles(rep.name, rep.ext, rep.files, { frameStart: rep.frameStart, frameEnd: rep.frameEnd, tags: rep.tags });
    await fsp.rm(wait.workDir, { recursive: true, force: true });
    await writer.commit({ source: wait.source, context: wait.context, data: { farm: { jobId: wait.jobId, serial: wait.serial, name: wait.name, server: `${wait.settings.host}:${wait.settings.port}` } }, comment: wait.comment });
    hub.log.info(`publish ${wait.runId}: farm job ${wait.jobId} done; ${product} v${writer.version} integrated`);
    hub.emit('publish.farm', { ...base, state: 'integrated', path: writer.dir });
  } catch (err) {
    await writer.abort().catch(() => {});
    hub.log.warn(`publish ${wait.runId}: ${product} v${writer.version} not integrated: ${(err as Error).message}`);
    hub.emit('publish.farm', { ...base, state: 'failed', error: { message: (err as Error).message } });
  }
  await waitsJournal(hub)?.remove(writer.dir).catch(() => {});
}
