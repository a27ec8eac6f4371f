/**
 * A new scene for the Harmony simulator when it is launched without a workfile: a copy of a small scene
 * template (the simulator's default scene: Top/Composite -> Display, Write), extracted like any workfile into
 * `<workArea>/untitled-<date>-<time>/`. The template archive is built once, at first use, under
 * `<workArea>/.templates/`. Real Harmony makes its own new scene, so nothing is prepared for it.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractZip, verifyZip, zipDirectory } from '../../../kit/archive/index.ts';
import { writeOrigin, newestSceneMtime } from './origin.ts';

export const TEMPLATE_NAME = 'untitled';
/** Bump when the simulator's default scene changes, so old template archives are not reused. */
const TEMPLATE_VERSION = 1;

export function templateZipPath(workArea: string): string {
  return path.join(workArea, '.templates', `simulator-${TEMPLATE_NAME}-v${TEMPLATE_VERSION}.zip`);
}

/** The template archive, built from SimScene.createDefault the first time. */
export async function ensureSimulatorTemplate(workArea: string): Promise<string> {
  const zip = templateZipPath(workArea);
  if (await verifyZip(zip).then(() => true, () => false)) return zip;
  const { SimScene } = await import('../simulator/dom/index.ts');
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'dcckit-template-'));
  try {
    const project = path.join(tmp, TEMPLATE_NAME);
    SimScene.createDefault(project, TEMPLATE_NAME);
    await fsp.mkdir(path.dirname(zip), { recursive: true });
    await zipDirectory(project, zip);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return zip;
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Extracts the template into a new folder of the work area and returns its .xstage. */
export async function newSimulatorScene(workArea: string): Promise<{ dir: string; scene: string }> {
  const zip = await ensureSimulatorTemplate(workArea);
  const base = `${TEMPLATE_NAME}-${stamp(new Date())}`;
  let dir = path.join(workArea, base);
  for (let n = 2; fs.existsSync(dir); n++) dir = path.join(workArea, `${base}-${n}`);
  await extractZip(zip, dir);
  await writeOrigin(dir, {
    format: 1, zip: null, zipMtimeMs: null, zipSize: null, sceneMtimeMs: newestSceneMtime(dir), source: 'template',
    usedAt: new Date().toISOString(),
  });
  return { dir, scene: path.join(dir, `${TEMPLATE_NAME}.xstage`) };
}
