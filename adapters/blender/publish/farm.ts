/**
 * Blender farm renders: one Afanasy job per render instance, rendering the PUBLISHED .blend (the workfile
 * version staged in the same run), never the artist's file, into the reserved render version's
 * `.farm-work/`. The hub waits for the job (through farm server outages), checks every frame, integrates
 * them and writes the manifest; a job that ends in error leaves nothing behind. What the hub needs for that
 * is a farm wait (kit/farm/waits.ts, as Harmony's): written into the version and noted in the hub's journal,
 * so a hub restarted during the job takes the wait up again (resumeBlenderFarmWaits, at hub start) and
 * `products prune` leaves the version alone meanwhile.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { HubServices } from '../../../kit/adapter.ts';
import { AfanasyClient, JobBuilder, type AfanasySettings } from '../../../kit/farm/index.ts';
import { farmRelease, farmWaitBase, forgetFarmWait, leftToNextHub, recordFarmWait, resumeFarmWaits, waitForJobAndRelease, type FarmRelease, type FarmWaitRecord } from '../../../kit/farm/waits.ts';
import type { VersionWriter } from '../../../kit/store/index.ts';
import { frameFile } from './render.ts';

const KIND = 'blender.farm-render';

const quote = (s: string) => (/^[A-Za-z0-9_./:=@#-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);

/** The render a farm job makes and what its version's manifest records: in the request, and kept for the wait. */
interface FarmRender {
  /** The published .blend. */
  blend: string;
  first: number;
  last: number;
  source: string;
  context: Record<string, unknown>;
  data: Record<string, unknown>;
}

export interface BlenderFarmRequest extends FarmRender {
  hub: HubServices;
  runId: string;
  settings: AfanasySettings;
  maxTasks: number;
  /** Frames each task renders (farm.framesPerTask). */
  framesPerTask: number;
  writer: VersionWriter;
  blender: string;
  pollMs?: number;
}

/** Everything a hub needs to complete a Blender farm render's version, kept in the version (kit/farm/waits.ts). */
export interface BlenderFarmWait extends FarmWaitRecord, FarmRender {
  kind: typeof KIND;
  /** Where the job writes its frames (the version's `.farm-work/`). */
  out: string;
}

/** A submitted render, held until its publish commits (kit/farm/waits.ts FarmRelease). */
export type BlenderFarmHandle = { jobId: number; name: string } & Omit<FarmRelease, 'released'>;

export async function submitBlenderFarmRender(req: BlenderFarmRequest): Promise<BlenderFarmHandle> {
  const out = path.join(req.writer.dir, '.farm-work');
  await fsp.mkdir(out, { recursive: true });
  const product = req.writer.product;
  const cmd = [req.blender, '-b', req.blend, '-o', path.join(out, `${product}.####`), '-F', 'PNG', '-x', '1', '-s', '@#@', '-e', '@#@', '-a'].map(quote).join(' ');
  const name = `${req.writer.folder}/${product} v${String(req.writer.version).padStart(3, '0')}`.replace(/["\\]/g, '_');
  const job = new JobBuilder(name)
    .description(`dcc-kit publish ${req.runId}: Blender renders ${req.blend}`)
    .frameBlock(product, cmd, { first: req.first, last: req.last, perTask: req.framesPerTask })
    .build();
  const client = new AfanasyClient(req.settings);
  const submitted = await client.submit(job);
  const wait: BlenderFarmWait = {
    ...farmWaitBase(KIND, { runId: req.runId, settings: req.settings, writer: req.writer, job: submitted, name }), kind: KIND,
    out, blend: req.blend, first: req.first, last: req.last, source: req.source, context: req.context, data: req.data,
    released: false,
  };
  await recordFarmWait(req.hub, req.writer.dir, wait);
  const hold = farmRelease(req.writer.dir, wait);
  void watch(req.hub, wait, req.writer, client, req.pollMs, hold.released);
  return { jobId: submitted.id, name, release: hold.release, cancel: hold.cancel };
}

/** At hub start: takes up the Blender farm renders a previous hub was waiting for. Returns the versions resumed. */
export function resumeBlenderFarmWaits(hub: HubServices, opts: { pollMs?: number } = {}): Promise<string[]> {
  return resumeFarmWaits<BlenderFarmWait>(hub, KIND, (wait, writer, client) => void watch(hub, wait, writer, client, opts.pollMs));
}

async function watch(hub: HubServices, wait: BlenderFarmWait, writer: VersionWriter, client: AfanasyClient, pollMs = 1000,
  released?: Promise<void>): Promise<void> {
  const product = `${writer.folder}/${writer.product}`;
  const base = { runId: wait.runId, product, version: writer.version, jobId: wait.jobId };
  try {
    const info = await waitForJobAndRelease(hub, wait, client, pollMs, released, base);
    if (info.status !== 'done') throw new Error(`farm job ${wait.jobId} (${wait.name}) ended in ${info.status}: see dcc-kit farm log ${wait.jobId}`);
    const files = [];
    for (let f = wait.first; f <= wait.last; f++) {
      const file = frameFile(wait.out, writer.product, f);
      if (!(await fsp.stat(file).then((s) => s.size > 0, () => false))) throw new Error(`farm job ${wait.jobId} finished but frame ${f} is missing (${file}): see dcc-kit farm log ${wait.jobId}`);
      files.push({ source: file, path: path.basename(file) });
    }
    await writer.addFiles('png', 'png', files, { frameStart: wait.first, frameEnd: wait.last });
    await fsp.rm(wait.out, { recursive: true, force: true });
    await writer.commit({ source: wait.source, context: wait.context, data: { ...wait.data, farm: { jobId: wait.jobId, serial: wait.serial, name: wait.name, renders: wait.blend } } });
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
