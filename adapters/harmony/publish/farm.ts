/**
 * Farm renders of render instances: one Afanasy job per instance, one block per WRITE node, rendering the
 * PUBLISHED workfile (extracted into the render version's folder), never the artist's live folder. The
 * render version is reserved when the job is submitted and completed by the hub when the job is done
 * (frames checked, copied, hashed, manifest written); a job in error leaves nothing half-written.
 *
 * What the hub needs to finish that later is a farm wait (kit/farm/waits.ts: written into the version and
 * noted in the hub's journal): a hub that restarts while the farm renders picks the wait up again
 * (resumeFarmWaits), so no farm render is lost to a hub restart.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { HubServices } from '../../../kit/adapter.ts';
import { extractZip } from '../../../kit/archive/index.ts';
import { AfanasyClient, JobBuilder, type AfanasySettings } from '../../../kit/farm/index.ts';
import { farmRelease, farmWaitBase, forgetFarmWait, leftToNextHub, recordFarmWait, resumeFarmWaits as resumeKitFarmWaits, waitForJobAndRelease, type FarmRelease, type FarmWaitRecord } from '../../../kit/farm/waits.ts';
import type { VersionWriter } from '../../../kit/store/index.ts';
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
  /** Frames each task renders (farm.framesPerTask). */
  framesPerTask: number;
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

/** A submitted render, held until its publish commits (kit/farm/waits.ts FarmRelease). */
export type FarmHandle = FarmSubmission & Omit<FarmRelease, 'released'>;

/** Everything the hub needs to finish a farm render's version, kept in the version folder (kit/farm/waits.ts). */
export interface FarmWait extends FarmWaitRecord, FarmSubmission {
  kind: 'harmony.farm-render';
  write: WriteOutput;
  frames: number;
  firstFrame: number;
  context: Record<string, unknown>;
  source: string | null;
  review?: ReviewSettings | null;
  comment?: string | null;
}

const KIND = 'harmony.farm-render';

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
    .frameBlock(req.write.name, cmd, { first: 1, last: req.frames, perTask: req.framesPerTask })
    .build();
  const client = new AfanasyClient(req.settings);
  const submitted = await client.submit(job);
  const submission = { jobId: submitted.id, serial: submitted.serial, name, workDir };
  const wait: FarmWait = {
    ...farmWaitBase(KIND, { runId: req.runId, settings: req.settings, writer: req.writer, job: submitted, name }), kind: KIND, ...submission,
    write: req.write, frames: req.frames, firstFrame: req.firstFrame, context: req.context, source: req.source, review: req.review ?? null, comment: req.comment ?? null,
    released: false,
  };
  await recordFarmWait(req.hub, req.writer.dir, wait);
  const hold = farmRelease(req.writer.dir, wait);
  void watch(req.hub, wait, req.writer, client, req.pollMs, hold.released);
  return { ...submission, release: hold.release, cancel: hold.cancel };
}

/**
 * At hub start: takes up the Harmony farm renders a previous hub was waiting for (kit/farm/waits.ts), each
 * watched to the end as if submitted now. Returns the versions resumed.
 */
export function resumeFarmWaits(hub: HubServices, opts: { pollMs?: number } = {}): Promise<string[]> {
  return resumeKitFarmWaits<FarmWait>(hub, KIND, (wait, writer, client) => void watch(hub, wait, writer, client, opts.pollMs));
}

const pad4 = (n: number) => (n < 0 ? '-' : '') + String(Math.abs(n)).padStart(4, '0');

async function watch(hub: HubServices, wait: FarmWait, writer: VersionWriter, client: AfanasyClient, pollMs?: number,
  released?: Promise<void>): Promise<void> {
  const product = `${writer.folder}/${writer.product}`;
  const base = { runId: wait.runId, product, version: writer.version, jobId: wait.jobId };
  try {
    const info = await waitForJobAndRelease(hub, wait, client, pollMs ?? 2000, released, base);
    if (info.status !== 'done') throw new Error(`farm job ${wait.jobId} (${wait.name}) ended in ${info.status}: see dcc-kit farm log ${wait.jobId}`);
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
    if (leftToNextHub(hub, wait)) return;
    await writer.abort().catch(() => {});
    hub.log.warn(`publish ${wait.runId}: ${product} v${writer.version} not integrated: ${(err as Error).message}`);
    hub.emit('publish.farm', { ...base, state: 'failed', error: { message: (err as Error).message } });
  }
  await forgetFarmWait(hub, writer.dir);
}
