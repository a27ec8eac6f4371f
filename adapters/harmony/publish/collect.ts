/** Harmony's collectors: the scene in one call, the context, the instances, palettes and audio. */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { assertPublishable, contextFromConfig } from '../../../kit/context.ts';
import { loadConfig } from '../../../kit/config.ts';
import { storeFromConfig } from '../../../kit/store/index.ts';
import type { PublishPlugin } from '../../../kit/publish/index.ts';
import type { InstanceRecord } from '../pipeline-types.ts';
import { readOrigin } from '../workfiles/origin.ts';
import { data, type CollectedScene } from './data.ts';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const collectScene: PublishPlugin = {
  label: 'Collect Scene',
  order: -0.5,
  hint: 'Check that Harmony is responding (dcc-kit sessions).',
  async process(ctx, _i, log) {
    const d = data(ctx);
    d.scene = await d.hub.call(d.session.id, { request: 'dcckit.publish.collect' }, { timeout: 120_000 }) as CollectedScene;
    const s = d.scene.settings;
    log.info(`${d.scene.currentFile}: ${d.scene.nodes.length} nodes, ${d.scene.writes.length} WRITE, ${s.frames} frames at ${s.fps} fps, ${s.resX}x${s.resY}, Harmony ${d.scene.harmonyVersion}`);
  },
};

export const collectContext: PublishPlugin = {
  label: 'Collect Context',
  order: -0.4,
  hint: 'Set context.folder in a .dcckitrc beside the workfile (dcc-kit context shows what is set), or pass --folder.',
  async process(ctx, _i, log) {
    const d = data(ctx);
    const origin = await readOrigin(d.scene.projectDir);
    d.workfile = origin?.zip ?? null;
    const from = d.workfile ? path.dirname(d.workfile) : d.scene.projectDir;
    const loaded = await loadConfig({ cwd: from });
    const resolved = contextFromConfig(loaded, d.overrides);
    const config = loaded.config;
    assertPublishable(resolved);
    d.context = resolved;
    // The shot's project decides where products go and how (not the folder the hub started in).
    d.config = config;
    d.store = storeFromConfig(config);
    const c = resolved.context;
    log.info(`context ${c.project ?? '-'} / ${c.folder} / ${c.task ?? '-'}: frames ${c.frameStart}-${c.frameEnd} (+${c.handleStart}/+${c.handleEnd}), ${c.fps} fps, ${c.resolution.join('x')}`);
    if (!d.workfile) log.warn('this scene was never saved as a workfile: the workfile is published from its project folder only after a save with --to');
  },
};

export const collectInstances: PublishPlugin = {
  label: 'Collect Instances',
  order: -0.3,
  process(ctx, _i, log) {
    const d = data(ctx);
    const records = Object.values(d.scene.pipeline.instances) as InstanceRecord[];
    for (const record of records) {
      const families = [record.productType];
      if (record.creator === 'render') {
        families.push(`render.${record.attributes.target === 'farm' ? 'farm' : 'local'}`);
        if (record.attributes.review !== false) families.push('review');
      }
      ctx.createInstance({ id: record.id, name: record.productName, productType: record.productType, families, active: record.active !== false, data: { record } });
    }
    const task = d.context.context.task;
    const workfile: InstanceRecord = {
      id: `workfile:${d.context.context.folder}`, key: '__workfile__', creator: 'workfile', productType: 'workfile',
      productName: `workfile${capitalize(task ?? 'Main')}`, variant: task ?? 'Main', folder: d.context.context.folder, task,
      active: true, attributes: {}, node: null,
    };
    ctx.createInstance({ id: workfile.id, name: workfile.productName, productType: 'workfile', families: ['workfile'], data: { record: workfile } });
    log.info(`${records.length} instance(s) in the scene (${records.filter((r) => r.active === false).length} inactive) + the workfile`);
  },
};

/** The product name of a scene palette: "charA" -> "paletteCharA"; one already named "paletteBg" keeps its name. */
export function paletteProductName(paletteName: string): string {
  const plain = paletteName.replace(/[^A-Za-z0-9_]/g, '_');
  return /^palette[A-Z0-9_]/.test(plain) ? plain : `palette${capitalize(plain)}`;
}

/** Palette files the scene's containers loaded from the store (imported copies and links). */
function loadedPaletteFiles(scene: CollectedScene): Set<string> {
  const files = new Set<string>();
  for (const c of Object.values(scene.pipeline.containers ?? {})) {
    if (c.loader !== 'palette') continue;
    for (const f of [c.data?.file, ...c.nodes]) if (typeof f === 'string') files.add(path.resolve(f));
  }
  return files;
}

export const collectPalettes: PublishPlugin = {
  label: 'Collect Palettes',
  order: -0.2,
  process(ctx, _i, log) {
    const d = data(ctx);
    const loaded = loadedPaletteFiles(d.scene);
    const own: string[] = [];
    const fromStore: string[] = [];
    const outside: string[] = [];
    for (const p of d.scene.palettes) {
      // A palette loaded from the store is that product's, not this scene's: publishing it would make a copy
      // of another shot's product under this shot.
      if (loaded.has(path.resolve(p.file))) {
        fromStore.push(p.name);
        continue;
      }
      if (p.external) {
        outside.push(`${p.name} (${p.file})`);
        continue;
      }
      own.push(p.name);
      const name = paletteProductName(p.name);
      const record: InstanceRecord = {
        id: `palette:${p.id}`, key: `palette:${p.name}`, creator: 'palette', productType: 'palette', productName: name, variant: p.name,
        folder: d.context.context.folder, task: d.context.context.task, active: true, attributes: { file: p.file, location: p.location }, node: null,
      };
      ctx.createInstance({ id: record.id, name, productType: 'palette', families: ['palette'], data: { record } });
    }
    log.info(`${own.length} palette(s) of this scene to publish${own.length ? `: ${own.join(', ')}` : ''}`
      + `${fromStore.length ? `; ${fromStore.length} loaded from the store (${fromStore.join(', ')}), not published again` : ''}`
      + `${outside.length ? `; ${outside.length} linked from outside the scene, not published: ${outside.join(', ')}` : ''}`);
  },
};

export const collectAudio: PublishPlugin = {
  label: 'Collect Audio',
  order: -0.1,
  async process(ctx, _i, log) {
    const d = data(ctx);
    let file: string | null = null;
    try {
      const names = (await fsp.readdir(path.join(d.scene.projectDir, 'audio'))).filter((n) => /\.(wav|mp3|aiff?)$/i.test(n)).sort();
      if (names[0]) file = path.join(d.scene.projectDir, 'audio', names[0]);
    } catch {
      file = null;
    }
    d.audio = { file, columns: d.scene.sounds.map((s) => s.name) };
    log.info(d.audio.columns.length ? `sound columns: ${d.audio.columns.join(', ')}${file ? ` (${path.basename(file)})` : ''}` : 'no sound column');
  },
};

export const collectors = [collectScene, collectContext, collectInstances, collectPalettes, collectAudio];
