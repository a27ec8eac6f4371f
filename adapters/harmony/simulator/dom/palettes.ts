/**
 * The scene palette list: .plt files referenced by path. Palettes inside the project are local (SCENE in
 * palette-library/, ELEMENT under elements/); anything else is linked (EXTERNAL).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomId } from './model.ts';
import type { PaletteRef } from './model.ts';
import type { SimScene } from './scene.ts';

/** Values of PaletteObjectManager.Constants.Location (numbering chosen by the simulator). */
export const LOCATION = { ENVIRONMENT: 0, JOB: 1, SCENE: 2, ELEMENT: 3, EXTERNAL: 4 } as const;

export interface PaletteColor { name: string; id: string; type: string; r: number; g: number; b: number; a: number }

const PLT_HEADER = 'ToonBoomAnimationInc PaletteFile 2';

export function paletteLocation(scene: SimScene, file: string): number {
  const rel = path.relative(scene.projectDir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return LOCATION.EXTERNAL;
  return rel.split(path.sep)[0] === 'elements' ? LOCATION.ELEMENT : LOCATION.SCENE;
}

export function readPaletteColors(file: string): PaletteColor[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: PaletteColor[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\w+)\s+(?:"([^"]*)"|(\S+))\s+(0x[0-9a-fA-F]+)\s*(.*)$/.exec(line.trim());
    if (m === null) continue;
    const [r, g, b, a] = m[5]!.split(/\s+/).map(Number);
    out.push({ type: m[1]!, name: m[2] ?? m[3]!, id: m[4]!, r: r ?? 0, g: g ?? 0, b: b ?? 0, a: a ?? 255 });
  }
  return out;
}

/** A new palette file with Harmony's default first colour. */
export function writeNewPalette(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const id = `0x${randomId()}`;
  fs.writeFileSync(file, `${PLT_HEADER}\nSolid    Black    ${id}   0   0   0 255\n`);
}

/** Resolves the path scripts pass (without extension) to the .plt file. */
export function pltFile(scene: SimScene, p: string): string {
  const withExt = p.toLowerCase().endsWith('.plt') ? p : `${p}.plt`;
  return path.resolve(scene.projectDir, withExt);
}

export function addPaletteRef(scene: SimScene, file: string, index?: number): PaletteRef {
  const existing = scene.state.palettes.find((p) => p.file === file);
  if (existing !== undefined) return existing;
  const ref = { file, id: randomId() };
  const at = index === undefined || index < 0 || index > scene.state.palettes.length ? scene.state.palettes.length : index;
  scene.state.palettes.splice(at, 0, ref);
  scene.touch();
  return ref;
}
