/** Harmony's integrators: products into the store (manifest last), farm renders, the workfile's next version. */
import { commitProducts, type PublishPlugin } from '../../../kit/publish/index.ts';
import type { PublishReport } from '../../../kit/publish/index.ts';
import { AfanasyClient } from '../../../kit/farm/index.ts';
import { workfileService } from '../workfiles/service.ts';
import { harmonyBatchCommand } from './batch-render.ts';
import { data, instanceData } from './data.ts';
import { submitFarmRender } from './farm.ts';
import { reviewSettings } from './review.ts';

export const integrateProducts: PublishPlugin = {
  label: 'Integrate Products',
  order: 3,
  instance: true,
  hint: 'Check that publish.root is reachable and writable (dcc-kit config shows it).',
  async process(ctx, instance, log) {
    const d = data(ctx);
    const inst = instance!;
    if (inst.families.includes('render.farm')) {
      log.info('rendered on the farm: integrated when the job is done');
      return;
    }
    const reps = instanceData(inst).representations ?? [];
    if (!reps.length) throw new Error('nothing was extracted for it');
    const rec = instanceData(inst).record;
    const writer = await d.store.reserve({ folder: rec.folder, product: inst.name, productType: inst.productType });
    const stopLate = new AbortController();
    const late = instanceData(inst).lateRepresentations?.({ version: writer.version, signal: stopLate.signal, log });
    late?.catch(() => {}); // awaited below; a failure before that must not be an unhandled rejection
    try {
      let done = 0;
      const total = reps.reduce((n, r) => n + r.files.length, 0);
      for (const rep of reps) {
        await writer.addFiles(rep.name, rep.ext, rep.files, { frameStart: rep.frameStart, frameEnd: rep.frameEnd, tags: rep.tags },
          (p) => log.progress((done + p.filesDone) / total, `${inst.name}: ${done + p.filesDone}/${total} files`));
        done += rep.files.length;
      }
      for (const rep of (await late) ?? []) await writer.addFiles(rep.name, rep.ext, rep.files, { frameStart: rep.frameStart, frameEnd: rep.frameEnd, tags: rep.tags });
    } catch (err) {
      stopLate.abort();
      await late?.catch(() => {});
      await writer.abort().catch(() => {});
      throw err;
    }
    // Staged, not committed: Commit Products completes every product of the run together (or none).
    const meta = { source: d.workfile, context: { ...d.context.context, task: rec.task ?? d.context.context.task }, data: { runId: d.runId, instance: rec.key, harmonyVersion: d.scene.harmonyVersion }, comment: d.comment };
    const product = { product: `${rec.folder}/${inst.name}`, version: writer.version, path: writer.dir };
    ctx.stage({ label: `${product.product} v${writer.version}`, published: product,
      prepare: async () => { await writer.prepareCommit(meta); }, finish: () => writer.finishCommit(), rollback: () => writer.discard() });
    ((ctx.data.staged ??= []) as PublishReport['published']).push(product);
    log.info(`${rec.folder}/${inst.name} v${writer.version} (${writer.dir}): staged`);
  },
};

export const submitFarm: PublishPlugin = {
  label: 'Submit Farm Render',
  order: 3.1,
  instance: true,
  families: ['render.farm'],
  hint: 'Check farm.afanasy in the config (dcc-kit farm jobs tests the connection).',
  async process(ctx, instance, log) {
    const d = data(ctx);
    const inst = instance!;
    const rec = instanceData(inst).record;
    const write = d.scene.writes.find((w) => w.path === rec.node);
    if (!write) throw new Error(`the WRITE node ${rec.node} is not in the scene`);
    const staged = (ctx.data.staged ?? []) as PublishReport['published'];
    const wfInstance = ctx.instances.find((i) => i.productType === 'workfile')!;
    const wf = staged.find((p) => p.product.endsWith(`/${wfInstance.name}`));
    if (!wf) throw new Error('the workfile was not published in this run, and the farm renders the published workfile');
    const zip = `${wf.path}/${wfInstance.name}.zip`;
    const a = d.config.farm.afanasy;
    const c = d.context.context;
    const writer = await d.store.reserve({ folder: rec.folder, product: inst.name, productType: inst.productType });
    try {
      const sub = await submitFarmRender({
        hub: d.hub, runId: d.runId, settings: { host: a.host, port: a.port, user: a.user, hostName: a.hostName, timeoutMs: a.timeout, maxTasks: d.config.farm.maxTasks, maxFrames: d.context.maxFrames },
        writer, workfileZip: zip, versionName: d.scene.versionName, write, frames: d.scene.settings.frames, framesPerTask: d.config.farm.framesPerTask,
        firstFrame: c.frameStart - c.handleStart,
        command: await harmonyBatchCommand(d.config.harmony.executable, d.simulate || d.scene.versionInfo.includes('dcc-kit simulator')),
        product: `${rec.folder}/${inst.name}`, context: { ...c }, source: d.workfile,
        review: inst.families.includes('review') ? reviewSettings(ctx, { relativeAudio: true }) : null, comment: d.comment ?? null,
      });
      // Completed by the hub when the job is done; if this publish fails, the job is deleted and the version given up.
      ctx.stage({ label: `${rec.folder}/${inst.name} v${writer.version} (farm job ${sub.jobId})`, prepare: async () => {}, finish: () => sub.release(),
        rollback: async () => {
          sub.cancel('the publish that submitted it failed; nothing of it was integrated');
          await new AfanasyClient({ host: a.host, port: a.port, user: a.user, hostName: a.hostName, timeoutMs: a.timeout }).operate({ id: sub.jobId, serial: sub.serial }, 'delete').catch(() => {});
          await writer.abort();
        } });
      instanceData(inst).farmJob = { id: sub.jobId, serial: sub.serial, name: sub.name };
      const farmJobs = ((ctx.data.farmJobs ??= []) as unknown[]);
      farmJobs.push({ product: `${rec.folder}/${inst.name}`, version: writer.version, jobId: sub.jobId, serial: sub.serial, name: sub.name, path: writer.dir });
      log.info(`farm job ${sub.jobId} "${sub.name}" renders ${zip}; ${rec.folder}/${inst.name} v${writer.version} is integrated when it is done`);
    } catch (err) {
      await writer.abort().catch(() => {});
      throw err;
    }
  },
};

export const versionUpWorkfile: PublishPlugin = {
  label: 'Version Up Workfile',
  order: 3.9,
  async process(ctx, _i, log) {
    const d = data(ctx);
    if (!d.workfile) return;
    const service = workfileService(d.hub);
    const ticket = await service.save({ session: d.session.id, versionUp: true });
    const dest = await service.whenWritten(ticket.id);
    log.info(`the artist now works in ${dest}`);
  },
};

export const integrators = [integrateProducts, submitFarm, commitProducts, versionUpWorkfile];
