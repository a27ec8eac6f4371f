/** Harmony's extractors: the workfile archive, local renders, templates and palettes. */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { zipDirectory } from '../../../kit/archive/index.ts';
import type { PublishContext, PublishPlugin } from '../../../kit/publish/index.ts';
import { workfileService } from '../workfiles/service.ts';
import { checkFrames, expectedFrames, harmonyBatchCommand, renderCopy } from './batch-render.ts';
import { data, instanceData } from './data.ts';

const pad4 = (n: number) => (n < 0 ? '-' : '') + String(Math.abs(n)).padStart(4, '0');

export const extractWorkfile: PublishPlugin = {
  label: 'Extract Workfile',
  order: 2,
  hint: 'Save the scene as a workfile first: dcc-kit workfile save --to <shot>/work/<name>_v001.zip',
  async process(ctx, _i, log) {
    const d = data(ctx);
    if (!d.workfile) throw new Error('this scene has no workfile archive to publish from');
    const service = workfileService(d.hub);
    const ticket = await service.save({ session: d.session.id });
    log.info(`Harmony saved the scene; zipping ${ticket.dest}`);
    d.workfileZip = await service.whenWritten(ticket.id);
    const wf = ctx.instances.find((i) => i.productType === 'workfile')!;
    instanceData(wf).representations = [{ name: 'zip', ext: 'zip', files: [{ source: d.workfileZip, path: `${wf.name}.zip` }] }];
    log.info(`wrote ${d.workfileZip}`);
  },
};

/** One render of the saved copy serves every local render instance of the run. */
function localRender(ctx: PublishContext, log: { info(m: string): void; progress(f: number, l?: string): void }): Promise<{ copy: string; log: string }> {
  const d = data(ctx);
  const cache = ctx.data as { localRender?: Promise<{ copy: string; log: string }> };
  cache.localRender ??= (async () => {
    const command = await harmonyBatchCommand(d.config.harmony.executable, d.simulate || d.scene.versionInfo.includes('dcc-kit simulator'));
    const total = d.scene.settings.frames;
    let done = 0;
    // Only the WRITE nodes of the active local render instances: not the scene's default Write, not farm ones.
    const only = ctx.instances.filter((i) => i.active && i.families.includes('render.local')).map((i) => instanceData(i).record.node).filter((n): n is string => Boolean(n));
    return renderCopy({
      scene: d.scene, staging: d.staging, command, signal: ctx.signal, only,
      onLine: (line) => {
        if (/\.(png|tga)\b/i.test(line)) log.progress(Math.min(1, ++done / total), line.trim());
      },
    });
  })();
  return cache.localRender;
}

export const extractRenderLocal: PublishPlugin = {
  label: 'Extract Render (local)',
  order: 2.1,
  instance: true,
  families: ['render.local'],
  hint: 'Check the render log named above; a missing frame usually means the WRITE node or its inputs are disabled.',
  async process(ctx, instance, log) {
    const d = data(ctx);
    const rec = instanceData(instance!).record;
    const write = d.scene.writes.find((w) => w.path === rec.node);
    if (!write) throw new Error(`the WRITE node ${rec.node} is not in the scene`);
    const rendered = await localRender(ctx, log);
    const frames = expectedFrames(rendered.copy, write, d.scene.settings.frames);
    await checkFrames(frames, `${write.path} (${instance!.name})`, rendered.log);
    const c = d.context.context;
    const first = c.frameStart - c.handleStart;
    instanceData(instance!).representations = [{
      name: 'png', ext: 'png', frameStart: first, frameEnd: first + frames.length - 1, tags: instance!.families.includes('review') ? ['review'] : [],
      files: frames.map((f) => ({ source: f.file, path: `${instance!.name}.${pad4(first + f.frame - 1)}.png` })),
    }];
    log.info(`${frames.length} frames rendered (${first}-${first + frames.length - 1})`);
  },
};

export const extractTemplate: PublishPlugin = {
  label: 'Extract Template',
  order: 2.2,
  instance: true,
  families: ['harmony.template'],
  async process(ctx, instance, log) {
    const d = data(ctx);
    const rec = instanceData(instance!).record;
    const folder = path.join(d.staging, `template-${instance!.name}`);
    await fsp.mkdir(folder, { recursive: true });
    const tpl = await d.hub.call(d.session.id, { request: 'dcckit.publish.exportTemplate', args: { title: rec.node, folder, name: instance!.name } }) as string;
    const zip = path.join(d.staging, `${instance!.name}.zip`);
    await zipDirectory(folder, zip);
    instanceData(instance!).representations = [{ name: 'tpl', ext: 'zip', files: [{ source: zip, path: `${instance!.name}.zip` }] }];
    log.info(`exported ${path.basename(tpl)} and zipped it`);
  },
};

export const extractPalette: PublishPlugin = {
  label: 'Extract Palette',
  order: 2.3,
  instance: true,
  families: ['palette'],
  async process(_ctx, instance) {
    const rec = instanceData(instance!).record;
    const file = String(rec.attributes.file);
    const st = await fsp.stat(file).catch(() => null);
    if (!st?.isFile()) throw new Error(`the palette file ${file} does not exist`);
    instanceData(instance!).representations = [{ name: 'plt', ext: 'plt', files: [{ source: file, path: `${instance!.name}.plt` }] }];
  },
};

export const extractors = [extractWorkfile, extractRenderLocal, extractTemplate, extractPalette];
