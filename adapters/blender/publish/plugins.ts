/**
 * Blender's publish plugins on the shared engine (kit/publish): collect the scene and its instances,
 * validate the scene settings against the context (repairable), save a copy, render it in a batch Blender,
 * and integrate renders and the workfile into the product store — staged, then completed together by Commit
 * Products (all of a publish's products or none; a farm render integrates only after that commit); then the
 * workfile goes up a version.
 */
import path from 'node:path';
import type { HubServices, SessionInfo } from '../../../kit/adapter.ts';
import { commitProducts, type PublishContext, type PublishInstance, type PublishPlugin, type PublishReport } from '../../../kit/publish/index.ts';
import { resolveContext, assertPublishable, type ProjectContext } from '../../../kit/context.ts';
import type { ProductStore, VersionWriter } from '../../../kit/store/index.ts';
import { blenderConfig, resolveBlender } from '../launch.ts';
import { blenderRequest, type BlendInfo } from '../sessions.ts';
import { pipelineOf, type PipelineData, type BlenderInstanceRecord } from '../create.ts';
import type { BlenderCreator } from '../creator-types.ts';
import { sceneSettingsOf, type BlendSceneSettings } from '../workfiles.ts';
import { workfileSave } from '../workfile-service.ts';
import { renderFrames } from './render.ts';
import { submitBlenderFarmRender } from './farm.ts';
import { AfanasyClient } from '../../../kit/farm/index.ts';

export interface BlenderRunData {
  hub: HubServices;
  session: SessionInfo;
  store: ProductStore;
  staging: string;
  runId: string;
  info: BlendInfo;
  pipeline: PipelineData;
  context: ProjectContext;
  workfile: string;
  /** The creators of the session's project (built-in and blender.creators): an instance's families come from its creator. */
  creators: BlenderCreator[];
  /** The saved copy renders and the workfile product come from. */
  copy?: string;
  published: PublishReport['published'];
}

interface InstanceData { record?: BlenderInstanceRecord; frames?: { frame: number; file: string }[]; version?: number; versionDir?: string }

function run(ctx: PublishContext): BlenderRunData {
  return ctx.data as unknown as BlenderRunData;
}

function idata(instance: PublishInstance): InstanceData {
  return instance.data as InstanceData;
}

function capitalised(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

const collectScene: PublishPlugin = {
  label: 'Collect Blender Scene',
  order: 0,
  hint: 'Save the scene as a workfile in the shot folder (dcc-kit blender save --to FILE.blend).',
  async process(ctx, _i, log) {
    const d = run(ctx);
    d.info = await blenderRequest<BlendInfo>(d.hub, d.session, 'blend.info');
    if (!d.info.path) throw new Error('this Blender scene was never saved: there is no workfile to publish');
    d.workfile = d.info.path;
    const resolved = await resolveContext({ cwd: path.dirname(d.info.path), env: process.env });
    assertPublishable(resolved);
    d.context = resolved.context;
    d.pipeline = await pipelineOf(d.hub, d.session);
    d.published = (ctx.data.published as PublishReport['published']) ?? [];
    ctx.createInstance({ id: 'workfile', name: `workfile${capitalised(d.context.task ?? 'Main')}`, productType: 'workfile', families: ['workfile'], data: {} });
    for (const record of Object.values(d.pipeline.instances)) {
      // The creator's record says the families (render: render.local or render.farm); a studio creator's instances are its plugins' to publish.
      const creator = d.creators.find((c) => c.name === record.creator);
      if (!creator) log.warn(`${record.productName}: its creator "${record.creator}" is not among this project's creators (blender.creators); published with its product type's family only`);
      const families = [record.productType, ...(creator?.families?.(record) ?? [])];
      const inst = ctx.createInstance({ id: record.key, name: record.productName, productType: record.productType, families: [...new Set(families)], active: record.active, data: {} });
      idata(inst).record = record;
    }
    log.info(`${d.info.path} (Blender ${d.info.version}), ${ctx.instances.length} instances`);
  },
};

function settingsDiff(info: BlendInfo, want: BlendSceneSettings): string[] {
  const out: string[] = [];
  if (info.frameStart !== want.frameStart || info.frameEnd !== want.frameEnd) out.push(`frames ${info.frameStart}-${info.frameEnd}, the context wants ${want.frameStart}-${want.frameEnd} (${want.frameStart + 0}..${want.frameEnd} is the shot with handles)`);
  if (Math.abs(info.fps - want.fps) > 1e-3) out.push(`fps ${info.fps}, the context wants ${want.fps}`);
  if (info.resolution[0] !== want.resolution[0] || info.resolution[1] !== want.resolution[1] || info.resolutionPercentage !== 100) {
    out.push(`resolution ${info.resolution.join('x')} at ${info.resolutionPercentage}%, the context wants ${want.resolution.join('x')} at 100%`);
  }
  return out;
}

const validateSceneSettings: PublishPlugin = {
  label: 'Validate Scene Settings',
  order: 1,
  hint: 'Run the publish with --repair (or the page\'s Repair) to set frame range with handles, fps and resolution from the context.',
  process(ctx, _i, log) {
    const d = run(ctx);
    const diff = settingsDiff(d.info, sceneSettingsOf(d.context));
    if (diff.length) throw new Error(`the scene does not match the context: ${diff.join('; ')}`);
    log.info(`frames ${d.info.frameStart}-${d.info.frameEnd}, ${d.info.fps} fps, ${d.info.resolution.join('x')}`);
  },
  async repair(ctx, _i, log) {
    const d = run(ctx);
    d.info = await blenderRequest<BlendInfo>(d.hub, d.session, 'scene.settings', { ...sceneSettingsOf(d.context) });
    log.info(`set frames ${d.info.frameStart}-${d.info.frameEnd}, ${d.info.fps} fps, ${d.info.resolution.join('x')}`);
  },
};

const validateInstances: PublishPlugin = {
  label: 'Validate Render Instances',
  order: 1.1,
  families: ['render'],
  instance: true,
  hint: 'Recreate the instance in this shot (dcc-kit blender create render Main).',
  process(ctx, instance) {
    const rec = idata(instance!).record!;
    const d = run(ctx);
    if (rec.folder !== d.context.folder) throw new Error(`${rec.productName} was created for ${rec.folder}, but this workfile is in ${d.context.folder}`);
  },
};

const extractCopy: PublishPlugin = {
  label: 'Extract Scene Copy',
  order: 2,
  async process(ctx, _i, log) {
    const d = run(ctx);
    const copy = path.join(d.staging, path.basename(d.workfile));
    await blenderRequest(d.hub, d.session, 'blend.save', { path: copy, copy: true });
    d.copy = copy;
    log.info(`saved a copy: ${copy}`);
  },
};

const extractRender: PublishPlugin = {
  label: 'Extract Render',
  order: 2.1,
  families: ['render.local'],
  instance: true,
  hint: 'Check the render log named in the error; a version left incomplete is removed by dcc-kit products prune.',
  async process(ctx, instance, log) {
    const d = run(ctx);
    const inst = instance!;
    const rec = idata(inst).record!;
    const want = sceneSettingsOf(d.context);
    // The version is reserved before the render: the render process claims it (see render.ts).
    const writer = await d.store.reserve({ folder: rec.folder, product: inst.name, productType: inst.productType });
    idata(inst).version = writer.version;
    idata(inst).versionDir = writer.dir;
    const blender = await resolveBlender(blenderConfig(d.hub.config), process.env);
    const frames = await renderFrames({
      blender, copy: d.copy!, outDir: path.join(d.staging, 'render', inst.name), product: inst.name,
      first: want.frameStart, last: want.frameEnd, versionDir: writer.dir,
      logFile: path.join(d.staging, `${inst.name}-render.log`), signal: ctx.signal,
      onFrame: (n, total) => log.progress(n / total, `${inst.name}: frame ${n}/${total}`),
    });
    idata(inst).frames = frames;
    log.info(`${frames.length} frames rendered (${want.frameStart}-${want.frameEnd})`);
  },
};

/** Copies a product's files into its version and stages it: Commit Products completes it with the others. */
async function stageFiles(ctx: PublishContext, d: BlenderRunData, writer: VersionWriter, inst: PublishInstance, rep: { name: string; ext: string; files: { source: string; path: string }[]; frameStart?: number; frameEnd?: number }, folder: string, task: string | null) {
  try {
    await writer.addFiles(rep.name, rep.ext, rep.files, { frameStart: rep.frameStart, frameEnd: rep.frameEnd });
  } catch (err) {
    await writer.abort().catch(() => {});
    throw err;
  }
  const meta = {
    source: d.workfile, context: { ...d.context, task: task ?? d.context.task },
    data: { dcc: 'blender', blenderVersion: d.info.version, runId: d.runId, instance: inst.id },
  };
  const product = { product: `${folder}/${inst.name}`, version: writer.version, path: writer.dir };
  ctx.stage({ label: `${product.product} v${writer.version}`, published: product,
    prepare: async () => { await writer.prepareCommit(meta); }, finish: () => writer.finishCommit(), rollback: () => writer.discard() });
  ((ctx.data.staged ??= []) as PublishReport['published']).push(product);
}

const integrate: PublishPlugin = {
  label: 'Integrate Products',
  order: 3,
  instance: true,
  families: ['workfile', 'render.local'],
  hint: 'Check that publish.root is reachable and writable (dcc-kit config shows it).',
  async process(ctx, instance, log) {
    const d = run(ctx);
    const inst = instance!;
    if (inst.productType === 'workfile') {
      const writer = await d.store.reserve({ folder: d.context.folder!, product: inst.name, productType: 'workfile' });
      await stageFiles(ctx, d, writer, inst, { name: 'blend', ext: 'blend', files: [{ source: d.copy!, path: `${inst.name}.blend` }] }, d.context.folder!, d.context.task);
      log.info(`${d.context.folder}/${inst.name} v${writer.version}: staged`);
      return;
    }
    const data = idata(inst);
    const rec = data.record!;
    // The render process held the reservation; the hub takes it back to complete the version.
    const writer = await d.store.adopt({ folder: rec.folder, product: inst.name, productType: inst.productType, version: data.version! });
    const frames = data.frames!;
    await stageFiles(ctx, d, writer, inst, {
      name: 'png', ext: 'png', files: frames.map((f) => ({ source: f.file, path: path.basename(f.file) })),
      frameStart: frames[0].frame, frameEnd: frames[frames.length - 1].frame,
    }, rec.folder, rec.task);
    log.info(`${rec.folder}/${inst.name} v${writer.version}: ${frames.length} frames, staged`);
  },
};

const submitFarm: PublishPlugin = {
  label: 'Submit Farm Render',
  order: 3.1,
  instance: true,
  families: ['render.farm'],
  hint: 'Check farm.afanasy in the config (dcc-kit farm jobs tests the connection), and that blender.executable is the Blender the render hosts run.',
  async process(ctx, instance, log) {
    const d = run(ctx);
    const inst = instance!;
    const rec = idata(inst).record!;
    const wfInstance = ctx.instances.find((i) => i.productType === 'workfile')!;
    const staged = (ctx.data.staged ?? []) as PublishReport['published'];
    const wf = staged.find((p) => p.product === `${d.context.folder}/${wfInstance.name}`);
    if (!wf) throw new Error('the workfile was not published in this run, and the farm renders the published .blend');
    const cfg = d.hub.config as { farm: { afanasy: { host: string; port: number; user: string; hostName: string; timeout: number }; maxTasks: number; framesPerTask: number } };
    const a = cfg.farm.afanasy;
    const want = sceneSettingsOf(d.context);
    const writer = await d.store.reserve({ folder: rec.folder, product: inst.name, productType: inst.productType });
    try {
      const sub = await submitBlenderFarmRender({
        hub: d.hub, runId: d.runId, settings: { host: a.host, port: a.port, user: a.user, hostName: a.hostName, timeoutMs: a.timeout, maxTasks: cfg.farm.maxTasks },
        maxTasks: cfg.farm.maxTasks, framesPerTask: cfg.farm.framesPerTask, writer, blender: blenderConfig(d.hub.config).executable ?? 'blender',
        blend: path.join(wf.path, `${wfInstance.name}.blend`), first: want.frameStart, last: want.frameEnd,
        source: d.workfile, context: { ...d.context, task: rec.task ?? d.context.task }, data: { dcc: 'blender', blenderVersion: d.info.version, instance: inst.id },
      });
      // Completed by the hub when the job is done and this publish has committed; if it fails, the job is deleted.
      ctx.stage({ label: `${rec.folder}/${inst.name} v${writer.version} (farm job ${sub.jobId})`, prepare: async () => {}, finish: () => sub.release(),
        rollback: async () => {
          sub.cancel('the publish that submitted it failed; nothing of it was integrated');
          await new AfanasyClient({ host: a.host, port: a.port, user: a.user, hostName: a.hostName, timeoutMs: a.timeout }).operate({ id: sub.jobId }, 'delete').catch(() => {});
          await writer.abort();
        } });
      ((ctx.data.farmJobs ??= []) as unknown[]).push({ product: `${rec.folder}/${inst.name}`, version: writer.version, jobId: sub.jobId, name: sub.name });
      log.info(`farm job ${sub.jobId} "${sub.name}" renders the published ${wfInstance.name} v${wf.version}; ${rec.folder}/${inst.name} v${writer.version} is integrated when it is done`);
    } catch (err) {
      await writer.abort().catch(() => {});
      throw err;
    }
  },
};

const versionUp: PublishPlugin = {
  label: 'Version Up Workfile',
  order: 3.9,
  async process(ctx, _i, log) {
    const d = run(ctx);
    const r = await workfileSave({ session: d.session.id, versionUp: true }, { session: null, hub: d.hub }) as { dest: string };
    log.info(`the artist now works in ${r.dest}`);
  },
};

export const BLENDER_PLUGINS: PublishPlugin[] = [collectScene, validateSceneSettings, validateInstances, extractCopy, extractRender, integrate, submitFarm, commitProducts, versionUp];
