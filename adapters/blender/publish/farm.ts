/**
 * Blender farm renders: one Afanasy job per render instance, rendering the PUBLISHED .blend (the workfile
 * version integrated in the same run), never the artist's file, into the reserved render version's
 * `.farm-work/`. The hub waits for the job (through farm server outages), checks every frame, integrates
 * them and writes the manifest; a job that ends in error leaves nothing behind. The version carries
 * `.dcckit-awaiting.json` meanwhile, so `products prune` leaves it alone. (Unlike Harmony's farm renders,
 * a hub restarted during the job does not take the wait up again: the version then stays incomplete.)
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { HubServices } from '../../../kit/adapter.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { AfanasyClient, FarmConnectionError, FarmNoReplyError, FarmTimeoutError, JobBuilder, type AfanasySettings, type JobInfo } from '../../../kit/farm/index.ts';
import { AWAITING, type VersionWriter } from '../../../kit/store/index.ts';
import { frameFile } from './render.ts';

const quote = (s: string) => (/^[A-Za-z0-9_./:=@#-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);

export interface BlenderFarmRequest {
  hub: HubServices;
  runId: string;
  settings: AfanasySettings;
  maxTasks: number;
  writer: VersionWriter;
  blender: string;
  /** The published .blend. */
  blend: string;
  first: number;
  last: number;
  source: string;
  context: Record<string, unknown>;
  data: Record<string, unknown>;
  pollMs?: number;
}

export async function submitBlenderFarmRender(req: BlenderFarmRequest): Promise<{ jobId: number; name: string }> {
  const out = path.join(req.writer.dir, '.farm-work');
  await fsp.mkdir(out, { recursive: true });
  const product = req.writer.product;
  const cmd = [req.blender, '-b', req.blend, '-o', path.join(out, `${product}.####`), '-F', 'PNG', '-x', '1', '-s', '@#@', '-e', '@#@', '-a'].map(quote).join(' ');
  const name = `${req.writer.folder}/${product} v${String(req.writer.version).padStart(3, '0')}`.replace(/["\\]/g, '_');
  const frames = req.last - req.first + 1;
  const job = new JobBuilder(name)
    .description(`dcc-kit publish ${req.runId}: Blender renders ${req.blend}`)
    // A Blender start costs seconds: at most 10 tasks, of at least 10 frames each.
    .frameBlock(product, cmd, { first: req.first, last: req.last, perTask: Math.max(10, Math.ceil(frames / 10)) })
    .build();
  const client = new AfanasyClient(req.settings);
  const submitted = await client.submit(job);
  const what = `farm job ${submitted.id} "${name}" on ${req.settings.host}:${req.settings.port}`;
  await fsp.writeFile(path.join(req.writer.dir, AWAITING), JSON.stringify({ format: 1, kind: 'blender.farm-render', what, since: new Date().toISOString(), jobId: submitted.id }, null, 2));
  void watch(req, client, { id: submitted.id, serial: submitted.serial }, out, name);
  return { jobId: submitted.id, name };
}

/** The farm server down, unreachable or slow: the render goes on there, so the wait does too. */
const isOutage = (err: unknown) => err instanceof FarmConnectionError || err instanceof FarmTimeoutError || err instanceof FarmNoReplyError;

async function waitThroughOutages(req: BlenderFarmRequest, client: AfanasyClient, job: { id: number; serial?: number }): Promise<JobInfo> {
  const pollMs = req.pollMs ?? 1000;
  let retryMs = pollMs;
  for (;;) {
    try {
      return await client.waitForJob(job, { intervalMs: pollMs, onUpdate: () => { retryMs = pollMs; } });
    } catch (err) {
      if (!isOutage(err)) throw err;
      req.hub.log.warn(`farm: still waiting for job ${job.id}: ${(err as Error).message}`);
      await sleep(retryMs);
      retryMs = Math.min(60_000, retryMs * 2);
    }
  }
}

async function watch(req: BlenderFarmRequest, client: AfanasyClient, job: { id: number; serial?: number }, out: string, name: string): Promise<void> {
  const { hub, writer } = req;
  const product = `${writer.folder}/${writer.product}`;
  const base = { runId: req.runId, product, version: writer.version, jobId: job.id };
  try {
    const info = await waitThroughOutages(req, client, job);
    if (info.status !== 'done') throw new Error(`farm job ${job.id} (${name}) ended in ${info.status}: see dcc-kit farm log ${job.id}`);
    const files = [];
    for (let f = req.first; f <= req.last; f++) {
      const file = frameFile(out, writer.product, f);
      if (!(await fsp.stat(file).then((s) => s.size > 0, () => false))) throw new Error(`farm job ${job.id} finished but frame ${f} is missing (${file}): see dcc-kit farm log ${job.id}`);
      files.push({ source: file, path: path.basename(file) });
    }
    await writer.addFiles('png', 'png', files, { frameStart: req.first, frameEnd: req.last });
    await fsp.rm(out, { recursive: true, force: true });
    await fsp.rm(path.join(writer.dir, AWAITING), { force: true });
    await writer.commit({ source: req.source, context: req.context, data: { ...req.data, farm: { jobId: job.id, name, renders: req.blend } } });
    hub.log.info(`publish ${req.runId}: farm job ${job.id} done; ${product} v${writer.version} integrated`);
    hub.emit('publish.farm', { ...base, state: 'integrated', path: writer.dir });
  } catch (err) {
    await writer.abort().catch(() => {});
    hub.log.warn(`publish ${req.runId}: ${product} v${writer.version} not integrated: ${(err as Error).message}`);
    hub.emit('publish.farm', { ...base, state: 'failed', error: { message: (err as Error).message } });
  }
}
