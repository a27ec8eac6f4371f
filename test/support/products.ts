/** Publishes test products straight into a store with the store's own API (files made here). */
import fs from 'node:fs';
import path from 'node:path';
import type { ProductStore } from '../../kit/store/index.ts';
import { zipDirectory } from '../../kit/archive/index.ts';
import { SimScene } from '../../adapters/harmony/simulator/dom/index.ts';
import { copyNodes, writeTemplate } from '../../adapters/harmony/simulator/dom/templates.ts';
import { normalizeBackdrop } from '../../adapters/harmony/simulator/dom/backdrops.ts';

export const PNG_1PX = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e1f4e70000000049454e44ae426082', 'hex');

export async function publishFiles(store: ProductStore, dir: string, folder: string, product: string, productType: string,
  rep: { name: string; ext: string }, files: Record<string, Buffer | string>, extra: { frameStart?: number; frameEnd?: number } = {}): Promise<number> {
  const src = fs.mkdtempSync(path.join(dir, 'src-'));
  const list = Object.entries(files).map(([name, body]) => {
    const file = path.join(src, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
    return { source: file, path: name };
  });
  const v = await store.reserve({ folder, product, productType });
  await v.addFiles(rep.name, rep.ext, list, extra);
  await v.commit({ source: null, context: { folder } });
  return v.version;
}

/** A frame sequence `<product>.<frame:04>.png` with distinct bytes per frame and version. */
export function frames(product: string, first: number, last: number, tag = 'v1'): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (let f = first; f <= last; f++) out[`${product}.${String(f).padStart(4, '0')}.png`] = Buffer.concat([PNG_1PX, Buffer.from(`${tag}:${f}`)]);
  return out;
}

/** A zipped .tpl holding a READ + COMPOSITE pair made in a throwaway simulator scene (with a backdrop around them: `backdrop` titles it). */
export async function templateZip(dir: string, name: string, nodeNames: string[] = ['tplRead', 'tplComp'], backdrop?: string): Promise<Buffer> {
  const proj = fs.mkdtempSync(path.join(dir, 'tplsrc-'));
  const scene = SimScene.createDefault(path.join(proj, 'scene'), 'scene');
  const paths: string[] = [];
  for (const [i, n] of nodeNames.entries()) {
    const p = `Top/${n}`;
    scene.state.nodes.set(p, { ...structuredClone(scene.state.nodes.get('Top/Composite')!), name: n, x: i * 100, y: 0, type: 'COMPOSITE' });
    paths.push(p);
  }
  const backdrops = backdrop === undefined ? [] : [normalizeBackdrop({ position: { x: -20, y: -40, w: nodeNames.length * 100 + 40, h: 120 }, title: { text: backdrop } })!];
  if (backdrops.length) scene.state.backdrops.set('Top', [...(scene.state.backdrops.get('Top') ?? []), ...backdrops]);
  const drag = copyNodes(scene, paths, backdrops, 0, 0)!;
  const out = path.join(proj, 'out');
  fs.mkdirSync(out);
  writeTemplate(drag, out, name);
  const zip = path.join(proj, `${name}.zip`);
  await zipDirectory(out, zip);
  return fs.readFileSync(zip);
}

/** A zipped project (a workfile) whose Top has the default nodes plus `extra` nodes. */
export async function workfileZip(dir: string, name: string, extra: string[] = ['charRig']): Promise<Buffer> {
  const proj = fs.mkdtempSync(path.join(dir, 'wfsrc-'));
  const scene = SimScene.createDefault(path.join(proj, name), name);
  for (const [i, n] of extra.entries()) {
    scene.state.nodes.set(`Top/${n}`, { ...structuredClone(scene.state.nodes.get('Top/Composite')!), name: n, x: 300 + i * 100, y: 0, type: 'COMPOSITE' });
  }
  scene.saveAll();
  const zip = path.join(proj, `${name}.zip`);
  await zipDirectory(path.join(proj, name), zip);
  return fs.readFileSync(zip);
}
