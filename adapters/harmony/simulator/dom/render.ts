/**
 * Batch rendering (`Harmony -batch -frames A B scene.xstage`): every enabled WRITE node writes one image per
 * frame to DRAWING_NAME + the file number zero-padded to LEADING_ZEROS + 1 digits (Harmony's default Write
 * gives frames/final-0001.png) + the format's extension. The file number is frame + START - 1. Relative
 * paths are resolved against the project folder. Images are generated (a colour per frame) at the scene
 * resolution; PNG and TGA output types are supported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { attrText } from './attrs.ts';
import { BatchRenderError } from './errors.ts';
import { descendantsOf } from './graph.ts';
import type { Channels } from './image.ts';
import { encodePng, encodeTga, frameImage, frameRows, type RowImage } from './image.ts';
import { ROOT } from './model.ts';
import { SimScene } from './scene.ts';
import { createHarmonyGlobals } from './index.ts';
import type { SimHost } from './api/context.ts';

function parseVersion(text: string | undefined): { major: number; minor: number } {
  const m = /^(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0) } : { major: 24, minor: 0 };
}

interface OutputFormat { ext: 'png' | 'tga'; channels: Channels }

const FORMATS: Record<string, OutputFormat> = {
  PNG: { ext: 'png', channels: 3 },
  PNG4: { ext: 'png', channels: 4 },
  TGA: { ext: 'tga', channels: 3 },
  TGA3: { ext: 'tga', channels: 3 },
  TGA4: { ext: 'tga', channels: 4 },
  TGA1: { ext: 'tga', channels: 1 },
};

interface RenderJob { node: string; prefix: string; digits: number; start: number; format: OutputFormat }

/** Enabled means the node and every group above it are enabled. */
function isRenderable(scene: SimScene, p: string): boolean {
  for (let cur = p; cur !== '' && cur !== ROOT; cur = scene.state.nodes.get(cur)?.group ?? '') {
    if (scene.state.nodes.get(cur)?.enabled !== true) return false;
  }
  return true;
}

/**
 * -preRenderScript / -preRenderInlineScript: Harmony runs the script in the scene it is about to render
 * (its DOM, no startup scripts), so it can disable or retarget WRITE nodes; the scene file is not saved.
 */
function runPreRender(scene: SimScene, script: { source: string; filename: string }, log: (s: string) => void): void {
  const context = vm.createContext({});
  const host: SimHost = {
    env: process.env, version: parseVersion(process.env.DCC_KIT_SIM_VERSION), applicationPath: path.join(os.tmpdir(), 'harmony-simulator'),
    log, messageBox: (kind, text) => log(`[MessageBox.${kind}] ${text}`),
  };
  Object.assign(context, createHarmonyGlobals(scene, host, { context }));
  try {
    vm.runInContext(script.source, context, { filename: script.filename });
  } catch (err) {
    throw new BatchRenderError(`the pre-render script ${script.filename} failed: ${(err as Error)?.message ?? String(err)}`, err);
  }
}

export function outputFileName(prefix: string, digits: number, fileNumber: number, ext: string): string {
  const sign = fileNumber < 0 ? '-' : '';
  return `${prefix}${sign}${String(Math.abs(fileNumber)).padStart(digits, '0')}.${ext}`;
}

export async function batchRender(
  scenePath: string, first: number, last: number, opts: { log?(s: string): void; preRender?: { source: string; filename: string }[] } = {},
): Promise<{ files: string[] }> {
  const scene = SimScene.open(scenePath);
  const log = opts.log ?? ((): void => {});
  for (const script of opts.preRender ?? []) runPreRender(scene, script, log);
  const frames = scene.state.settings.frames;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first || last > frames) {
    throw new BatchRenderError(
      `Cannot render frames ${first}-${last} of ${scene.xstagePath}: the scene has frames 1-${frames}. ` +
        'Pass a first frame >= 1 and a last frame between it and the scene length.',
    );
  }
  const jobs: RenderJob[] = [];
  for (const p of descendantsOf(scene, ROOT)) {
    if (scene.state.nodes.get(p)!.type !== 'WRITE' || !isRenderable(scene, p)) continue;
    const type = attrText(scene, p, 'DRAWING_TYPE', first);
    const format = FORMATS[type];
    if (format === undefined) {
      throw new BatchRenderError(
        `WRITE node ${p} renders ${type || 'an unknown type'}, which the Harmony simulator cannot write. ` +
          `Set its DRAWING_TYPE to one of ${Object.keys(FORMATS).join(', ')} or disable the node.`,
      );
    }
    const name = attrText(scene, p, 'DRAWING_NAME', first);
    const zeros = Number(attrText(scene, p, 'LEADING_ZEROS', first));
    const start = Number(attrText(scene, p, 'START', first));
    jobs.push({
      node: p,
      prefix: path.isAbsolute(name) ? name : path.join(scene.projectDir, name),
      digits: Math.max(1, (Number.isFinite(zeros) ? zeros : 3) + 1),
      start: Number.isFinite(start) ? start : 1,
      format,
    });
  }
  const { resX, resY } = scene.state.settings;
  const files: string[] = [];
  log(`Rendering ${scene.xstagePath}, frames ${first}-${last}, ${jobs.length} write node(s), ${resX}x${resY}`);
  for (let f = first; f <= last; f++) {
    const progress = last === first ? 0 : (f - first) / (last - first);
    const images = new Map<Channels, RowImage>();
    for (const job of jobs) {
      let img = images.get(job.format.channels);
      if (img === undefined) {
        img = frameRows(resX, resY, job.format.channels, f, progress);
        images.set(job.format.channels, img);
      }
      const file = outputFileName(job.prefix, job.digits, f + job.start - 1, job.format.ext);
      try {
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        await fs.promises.writeFile(file, job.format.ext === 'png' ? encodePng(img) : encodeTga(frameImage(resX, resY, job.format.channels, f, progress)));
      } catch (err) {
        throw new BatchRenderError(
          `WRITE node ${job.node} could not write ${file}: ${(err as Error).message}. Check its DRAWING_NAME and ` +
            'that the folder is writable.',
          err,
        );
      }
      files.push(file);
      log(`${job.node}: frame ${f} -> ${file}`);
    }
  }
  return { files };
}
