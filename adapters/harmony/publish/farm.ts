/**
 * Farm renders of render instances: one Afanasy job per instance, one block per WRITE node, rendering the
 * PUBLISHED workfile (extracted into the render version's folder), never the artist's live folder. The
 * render version is reserved when the job is submitted and completed by the hub when the job is done
 * (frames checked, copied, hashed, manifest written); a job in error leaves nothing half-written.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { HubServices } from '../../../kit/adapter.ts';
import { extractZip } from '../../../kit/archive/index.ts';
import { AfanasyClient, JobBuilder, type AfanasySettings } from '../../../kit/farm/index.ts';
import type { VersionWriter } from '../../../kit/store/index.ts';
import { checkFrames, expectedFrames, type WriteOutput } from './batch-render.ts';

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
}

export interface FarmSubmission { jobId: number; serial?: number; name: string; workDir: string }

const quote = (s: string) => (/^[A-Za-z0-9_./:=@#-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);

/** Afanasy cannot echo `"` or `\` in job names back: keep names plain. */
function jobName(text: string): string {
  return text.replace(/["\\]/g, '_');
}

export async function submitFarmRender(req: FarmRenderRequest): Promise<FarmSubmission> {
  const workDir = path.join(req.writer.dir, '.farm-work');
  await extractZip(req.workfileZip, workDir);
  const xstage = path.join(workDir, `${req.versionName}.xstage`);
  await fsp.access(xstage).catch(() => { throw new Error(`the published workfile ${req.workfileZip} has no ${req.versionName}.xstage`); });
  const cmd = [req.command.command, ...req.command.prefix, '-batch', '-frames', '@#@', '@#@', xstage].map(quote).join(' ');
  const name = jobName(`${req.product} v${String(req.writer.version).padStart(3, '0')}`);
  const job = new JobBuilder(name)
    .description(`dcc-kit publish ${req.runId}: ${req.write.path} of ${req.workfileZip}`)
    .frameBlock(req.write.name, cmd, { first: 1, last: req.frames, perTask: Math.max(1, Math.ceil(req.frames / 20)) })
    .build();
  const client = new AfanasyClient(req.settings);
  const submitted = await client.submit(job);
  const submission = { jobId: submitted.id, serial: submitted.serial, name, workDir };
  void watch(req, client, submission);
  return submission;
}

const pad4 = (n: number) => (n < 0 ? '-' : '') + String(Math.abs(n)).padStart(4, '0');

async function watch(req: FarmRenderRequest, client: AfanasyClient, sub: FarmSubmission): Promise<void> {
  const product = `${req.writer.folder}/${req.writer.product}`;
  const base = { runId: req.runId, product, version: req.writer.version, jobId: sub.jobId };
  try {
    const info = await client.waitForJob({ id: sub.jobId, serial: sub.serial }, { intervalMs: req.pollMs ?? 2000 });
    if (info.status !== 'done') throw new Error(`farm job ${sub.jobId} (${sub.name}) ended in ${info.status}: see dcc-kit farm log ${sub.jobId}`);
    const frames = expectedFrames(sub.workDir, req.write, req.frames);
    await checkFrames(frames, `${req.write.path} on the farm`, `dcc-kit farm log ${sub.jobId}`);
    await req.writer.addFiles('png', 'png', frames.map((f) => ({ source: f.file, path: `${req.writer.product}.${pad4(req.firstFrame + f.frame - 1)}.png` })),
      { frameStart: req.firstFrame, frameEnd: req.firstFrame + req.frames - 1, tags: ['review'] });
    await fsp.rm(sub.workDir, { recursive: true, force: true });
    await req.writer.commit({ source: req.source, context: req.context, data: { farm: { jobId: sub.jobId, name: sub.name } } });
    req.hub.log.info(`publish ${req.runId}: farm job ${sub.jobId} done; ${product} v${req.writer.version} integrated`);
    req.hub.emit('publish.farm', { ...base, state: 'integrated', path: req.writer.dir });
  } catch (err) {
    await req.writer.abort().catch(() => {});
    req.hub.log.warn(`publish ${req.runId}: ${product} v${req.writer.version} not integrated: ${(err as Error).message}`);
    req.hub.emit('publish.farm', { ...base, state: 'failed', error: { message: (err as Error).message } });
  }
}
