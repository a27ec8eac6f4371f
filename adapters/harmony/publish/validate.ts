/** Harmony's validators; each that can fix what it finds has a repair. */
import { checkFrameCount, frameRangeWithHandles } from '../../../kit/context.ts';
import type { PublishPlugin } from '../../../kit/publish/index.ts';
import { data, instanceData } from './data.ts';

/** What the scene should be for the context: Harmony frames start at 1 and include the handles. */
export function expectedSettings(c: { fps: number; resolution: readonly [number, number]; frameStart: number; frameEnd: number; handleStart: number; handleEnd: number }) {
  return { fps: c.fps, resolution: [c.resolution[0], c.resolution[1]] as [number, number], frames: frameRangeWithHandles(c).count };
}

export const validateSceneSettings: PublishPlugin = {
  label: 'Validate Scene Settings',
  order: 1,
  optional: true,
  hint: 'Use Set Scene Settings... in Harmony, or publish with --repair.',
  process(ctx) {
    const d = data(ctx);
    const want = expectedSettings(d.context.context);
    const s = d.scene.settings;
    const problems: string[] = [];
    if (Math.abs(s.fps - want.fps) > 0.005) problems.push(`fps is ${s.fps}, the context says ${want.fps}`);
    if (s.frames !== want.frames) problems.push(`the scene has ${s.frames} frames, the context ${want.frames} (${d.context.context.frameStart}-${d.context.context.frameEnd} with handles ${d.context.context.handleStart}+${d.context.context.handleEnd})`);
    if (s.startFrame !== 1 || s.stopFrame !== want.frames) problems.push(`the play range is ${s.startFrame}-${s.stopFrame}, it should be 1-${want.frames}`);
    if (s.resX !== want.resolution[0] || s.resY !== want.resolution[1]) problems.push(`the resolution is ${s.resX}x${s.resY}, the context says ${want.resolution.join('x')}`);
    if (problems.length) throw new Error(problems.join('; '));
  },
  async repair(ctx, _i, log) {
    const d = data(ctx);
    // Never stretch a scene to a range over context.maxFrames (the context is checked when read; this is the last guard).
    checkFrameCount(d.context.context, { maxFrames: d.context.maxFrames, source: d.context.maxFramesSource }, d.context.sources);
    const r = await d.hub.call(d.session.id, { request: 'dcckit.publish.applySettings', args: expectedSettings(d.context.context) }) as { changed: { key: string; from: unknown; to: unknown }[]; settings: typeof d.scene.settings };
    d.scene.settings = r.settings;
    log.info(r.changed.length ? r.changed.map((c) => `${c.key}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join(', ') : 'nothing to change');
  },
};

export const validateInstanceContext: PublishPlugin = {
  label: 'Validate Instance Context',
  order: 1.1,
  instance: true,
  families: ['render', 'harmony.template'],
  hint: 'The instance was made for another shot (a copied scene?): publish with --repair to move it to this context.',
  process(ctx, instance) {
    const d = data(ctx);
    const rec = instanceData(instance!).record;
    const c = d.context.context;
    if (rec.folder !== c.folder) throw new Error(`it belongs to ${rec.folder}, but this scene's context is ${c.folder}`);
    if (c.task && rec.task && rec.task !== c.task) throw new Error(`it was made for task ${rec.task}, the context's task is ${c.task}`);
  },
  async repair(ctx, instance, log) {
    const d = data(ctx);
    const rec = instanceData(instance!).record;
    const c = d.context.context;
    const updated = await d.hub.call(d.session.id, { request: 'dcckit.create.update', args: { key: rec.key, folder: c.folder, task: c.task } }) as typeof rec;
    instanceData(instance!).record = updated;
    log.info(`${rec.key}: ${rec.folder} -> ${c.folder}`);
  },
};

export const validateWriteNodes: PublishPlugin = {
  label: 'Validate Write Nodes',
  order: 1.2,
  instance: true,
  families: ['render'],
  hint: 'Publish with --repair to reset the WRITE node\'s output, or recreate the instance.',
  process(ctx, instance) {
    const d = data(ctx);
    const rec = instanceData(instance!).record;
    const w = d.scene.writes.find((x) => x.path === rec.node);
    if (!w) throw new Error(`its WRITE node ${rec.node} is not in the scene any more`);
    const expected = `render/${w.name}/${w.name}.`;
    const problems: string[] = [];
    if (w.drawingName !== expected) problems.push(`DRAWING_NAME is "${w.drawingName}", expected "${expected}"`);
    if (!/^PNG4?$/.test(w.drawingType)) problems.push(`DRAWING_TYPE is ${w.drawingType || 'empty'}, expected PNG4`);
    if (!w.input) problems.push('nothing is connected to its input');
    if (problems.length) throw new Error(`${w.path}: ${problems.join('; ')}`);
  },
  async repair(ctx, instance, log) {
    const d = data(ctx);
    const rec = instanceData(instance!).record;
    const w = d.scene.writes.find((x) => x.path === rec.node);
    if (!w) throw new Error(`the WRITE node ${rec.node} is gone: remove the instance and create it again`);
    const output = `render/${w.name}/${w.name}.`;
    for (const [attr, value] of [['DRAWING_NAME', output], ['MOVIE_PATH', output], ['DRAWING_TYPE', 'PNG4']] as const) {
      await d.hub.call(d.session.id, { function: '(function (a) { return node.setTextAttr(a[0], a[1], 1, a[2]); })', args: [w.path, attr, value] });
    }
    w.drawingName = output;
    w.drawingType = 'PNG4';
    log.info(`${w.path}: output reset to ${output} (PNG4)`);
  },
};

export const validateAudio: PublishPlugin = {
  label: 'Validate Audio',
  order: 1.3,
  optional: true,
  hint: 'Import the shot\'s sound into a SOUND column, or set harmony.publish.audioRequired: false.',
  process(ctx, _i, log) {
    const d = data(ctx);
    if (d.audio && d.audio.columns.length > 0) return;
    if (d.config.harmony.publish.audioRequired) throw new Error('the scene has no sound column, and harmony.publish.audioRequired is true');
    log.warn('the scene has no sound column');
  },
};

/** Before any render: a store the integrators could not write to would waste it. */
export const validateProductStore: PublishPlugin = {
  label: 'Validate Product Store',
  order: 1.05,
  hint: 'Check that publish.root is reachable and writable (a mounted share, your permissions).',
  async process(ctx) {
    // Every product this run would write, so a name too long for the file system is refused before the render.
    const products = ctx.instances.filter((i) => i.active).map((i) => ({ folder: instanceData(i).record?.folder ?? data(ctx).context.context.folder ?? '', product: i.name, productType: i.productType }));
    await data(ctx).store.checkWritable(products);
  },
};

export const validators = [validateSceneSettings, validateProductStore, validateInstanceContext, validateWriteNodes, validateAudio];
