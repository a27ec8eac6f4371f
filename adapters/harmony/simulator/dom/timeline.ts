/**
 * Columns (drawing exposures, function curves, sound), elements and their drawing files, and inserting or
 * removing frames across all of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ColumnState, ColumnType, ElementState } from './model.ts';
import { COLUMN_TYPES, FUNCTION_COLUMN_TYPES, newColumn } from './model.ts';
import { encodePng, encodeTga } from './image.ts';
import type { SimScene } from './scene.ts';
import { drawingExtension } from './scene.ts';

/** Element file formats element.add takes (EXR: OpenEXR images, which current Harmony imports as bitmap drawings). */
export const ELEMENT_FORMATS = ['SCAN', 'OPT', 'TGA', 'PSD', 'PNG', 'JPEG', 'JPG', 'BMP', 'TIFF', 'TIF', 'OMF', 'SGI', 'YUV', 'EXR'];
export const SCAN_TYPES = ['COLOR', 'GRAY_SCALE', 'BW'];
const VECTOR_FORMATS = ['TVG', 'PNT', 'NONE', '', 'NULL', 'UNDEFINED'];
const SOUND_EXTENSIONS = ['.wav', '.mp3', '.aif', '.aiff', '.ogg'];

// ---- columns ----

export function addColumn(scene: SimScene, name: string, type: string): boolean {
  const t = type.toUpperCase() as ColumnType;
  if (name === '' || scene.state.columns.has(name) || !COLUMN_TYPES.includes(t)) return false;
  scene.state.columns.set(name, newColumn(name, t));
  scene.touch();
  return true;
}

/** The node attributes linked to a column. */
export function attrsLinkedTo(scene: SimScene, column: string): Array<{ node: string; keyword: string }> {
  const out: Array<{ node: string; keyword: string }> = [];
  for (const [p, n] of scene.state.nodes) for (const a of n.attrs) if (a.column === column) out.push({ node: p, keyword: a.keyword });
  return out;
}

export function renameColumn(scene: SimScene, oldName: string, newName: string): boolean {
  const col = scene.state.columns.get(oldName);
  if (col === undefined || newName === '' || scene.state.columns.has(newName)) return false;
  const rebuilt = new Map<string, ColumnState>();
  for (const [k, c] of scene.state.columns) rebuilt.set(k === oldName ? newName : k, c);
  col.name = newName;
  scene.state.columns = rebuilt;
  for (const n of scene.state.nodes.values()) for (const a of n.attrs) if (a.column === oldName) a.column = newName;
  scene.touch();
  return true;
}

export function removeColumn(scene: SimScene, name: string): void {
  scene.state.columns.delete(name);
  for (const n of scene.state.nodes.values()) for (const a of n.attrs) if (a.column === name) delete a.column;
  scene.touch();
}

export function isFunctionColumn(col: ColumnState): boolean {
  return FUNCTION_COLUMN_TYPES.includes(col.type);
}

/** Value of a function column at a frame: linear between keyframes, held before the first and after the last. */
export function functionValue(col: ColumnState, frame: number): number {
  const keys = Object.keys(col.keys).map(Number).sort((a, b) => a - b);
  if (keys.length === 0) return 0;
  if (frame <= keys[0]!) return col.keys[String(keys[0])]!;
  if (frame >= keys[keys.length - 1]!) return col.keys[String(keys[keys.length - 1])]!;
  for (let i = 0; i < keys.length - 1; i++) {
    const a = keys[i]!;
    const b = keys[i + 1]!;
    if (frame >= a && frame <= b) {
      const va = col.keys[String(a)]!;
      const vb = col.keys[String(b)]!;
      return va + ((vb - va) * (frame - a)) / (b - a);
    }
  }
  return 0;
}

export function formatNumber(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

export function getEntry(scene: SimScene, name: string, frame: number): string {
  const col = scene.state.columns.get(name);
  if (col === undefined) return '';
  const f = Math.floor(frame);
  if (col.type === 'DRAWING' || col.type === 'TIMING') return col.exposures[String(f)] ?? '';
  if (isFunctionColumn(col)) return formatNumber(functionValue(col, frame));
  if (col.type === 'EXPR') return col.expr;
  return '';
}

export function setEntry(scene: SimScene, name: string, frame: number, value: string): boolean {
  const col = scene.state.columns.get(name);
  if (col === undefined || !Number.isFinite(frame) || frame < 1) return false;
  const f = Math.floor(frame);
  if (col.type === 'DRAWING' || col.type === 'TIMING') {
    if (col.type === 'DRAWING' && !scene.state.elements.has(col.elementId)) return false;
    if (value === '') delete col.exposures[String(f)];
    else col.exposures[String(f)] = value;
  } else if (isFunctionColumn(col)) {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v)) return false;
    col.keys[String(frame)] = v;
  } else if (col.type === 'EXPR') {
    col.expr = value;
  } else {
    return false;
  }
  scene.touch();
  return true;
}

// ---- elements and drawings ----

/** element.add: returns the new element id, or -1 for an unknown scan type or file format. */
export function addElement(
  scene: SimScene, name: string, scanType: string, fieldChart: number, fileFormat: string, vectorFormat: string,
): number {
  const format = fileFormat.toUpperCase();
  const vector = vectorFormat.toUpperCase();
  if (name === '' || !SCAN_TYPES.includes(scanType.toUpperCase()) || !ELEMENT_FORMATS.includes(format)) return -1;
  if (!VECTOR_FORMATS.includes(vector)) return -1;
  const id = scene.state.nextElementId;
  const taken = new Set([...scene.state.elements.values()].map((e) => e.folder));
  const el: ElementState = {
    id,
    name,
    folder: taken.has(name) ? `${name}.${id}` : name,
    scanType: scanType.toUpperCase(),
    fieldChart: Number.isFinite(fieldChart) ? fieldChart : 12,
    fileFormat: format,
    vectorFormat: vector === 'TVG' || vector === 'PNT' ? vector : 'None',
    drawings: [],
  };
  try {
    fs.mkdirSync(scene.elementDir(el), { recursive: true });
  } catch {
    return -1;
  }
  scene.state.elements.set(id, el);
  scene.state.nextElementId = id + 1;
  scene.touch();
  return id;
}

export function removeElement(scene: SimScene, id: number, deleteFiles: boolean): boolean {
  const el = scene.state.elements.get(id);
  if (el === undefined) return false;
  scene.state.elements.delete(id);
  for (const col of scene.state.columns.values()) if (col.elementId === id) col.elementId = -1;
  if (deleteFiles) scene.pendingDeletes.add(scene.elementDir(el));
  scene.touch();
  return true;
}

export function removeElementIfUnused(scene: SimScene, id: number): void {
  for (const col of scene.state.columns.values()) if (col.elementId === id) return;
  removeElement(scene, id, true);
}

function placeholderDrawing(el: ElementState): Uint8Array {
  const transparent = { width: 1, height: 1, channels: 4 as const, pixels: new Uint8Array(4) };
  switch (drawingExtension(el)) {
    case 'png': return encodePng(transparent);
    case 'tga': return encodeTga(transparent);
    case 'tvg': return Buffer.from('dcc-kit harmony simulator: empty vector drawing\n');
    default: return new Uint8Array(0);
  }
}

/**
 * Drawing.create. With fileExists false the simulator writes an empty drawing file; with true the caller
 * provides the file at Drawing.filename(). Fails for an unknown element or an existing drawing name.
 */
export function createDrawing(scene: SimScene, elementId: number, name: string, fileExists: boolean): boolean {
  const el = scene.state.elements.get(elementId);
  if (el === undefined || name === '' || el.drawings.includes(name)) return false;
  if (!fileExists) {
    try {
      fs.mkdirSync(scene.elementDir(el), { recursive: true });
      fs.writeFileSync(scene.drawingFile(el, name), placeholderDrawing(el));
    } catch {
      return false;
    }
  }
  el.drawings.push(name);
  scene.pendingDeletes.delete(scene.drawingFile(el, name));
  scene.touch();
  return true;
}

/** column.deleteDrawingAt: removes the drawing exposed at `frame` from the element and all its exposures. */
export function deleteDrawingAt(scene: SimScene, columnName: string, frame: number): boolean {
  const col = scene.state.columns.get(columnName);
  if (col === undefined || col.type !== 'DRAWING') return false;
  const drawing = col.exposures[String(Math.floor(frame))];
  const el = scene.state.elements.get(col.elementId);
  if (drawing === undefined || el === undefined) return false;
  el.drawings = el.drawings.filter((d) => d !== drawing);
  for (const c of scene.state.columns.values()) {
    if (c.elementId !== el.id) continue;
    for (const [f, d] of Object.entries(c.exposures)) if (d === drawing) delete c.exposures[f];
  }
  scene.pendingDeletes.add(scene.drawingFile(el, drawing));
  scene.touch();
  return true;
}

export function importSound(scene: SimScene, columnName: string, frame: number, file: string): boolean {
  const col = scene.state.columns.get(columnName);
  if (col === undefined || col.type !== 'SOUND' || frame < 1) return false;
  const ext = path.extname(file).toLowerCase();
  if (!SOUND_EXTENSIONS.includes(ext)) return false;
  try {
    if (!fs.statSync(file).isFile()) return false;
    const audioDir = path.join(scene.projectDir, 'audio');
    fs.mkdirSync(audioDir, { recursive: true });
    const base = path.basename(file, ext);
    let name = `${base}${ext}`;
    for (let i = 1; fs.existsSync(path.join(audioDir, name)); i++) name = `${base}_${i}${ext}`;
    fs.copyFileSync(file, path.join(audioDir, name));
    col.sounds.push({ frame, file: `audio/${name}` });
  } catch {
    return false;
  }
  scene.touch();
  return true;
}

// ---- frames ----

function shiftRecord<T>(rec: Record<string, T>, map: (frame: number) => number | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(rec)) {
    const f = map(Number(k));
    if (f !== undefined) out[String(f)] = v;
  }
  return out;
}

function remapAll(scene: SimScene, map: (frame: number) => number | undefined): void {
  for (const col of scene.state.columns.values()) {
    col.exposures = shiftRecord(col.exposures, map);
    col.keys = shiftRecord(col.keys, map);
    col.sounds = col.sounds.flatMap((s) => {
      const f = map(s.frame);
      return f === undefined ? [] : [{ ...s, frame: f }];
    });
  }
}

/** frame.insert: `n` empty frames after frame `at` (0 = before the first frame). */
export function insertFrames(scene: SimScene, at: number, n: number): boolean {
  const s = scene.state.settings;
  if (n < 1 || at < 0) return false;
  const after = Math.min(at, s.frames);
  remapAll(scene, (f) => (f > after ? f + n : f));
  const oldFrames = s.frames;
  s.frames += n;
  if (s.startFrame > after) s.startFrame += n;
  if (s.stopFrame > after || s.stopFrame === oldFrames) s.stopFrame += n;
  scene.touch();
  return true;
}

/** frame.remove: removes `n` frames after frame `at` (0 = starting with the first frame). */
export function removeFrames(scene: SimScene, at: number, n: number): boolean {
  const s = scene.state.settings;
  if (n < 1 || at < 0 || at >= s.frames) return false;
  const count = Math.min(n, s.frames - at);
  if (s.frames - count < 1) return false;
  remapAll(scene, (f) => (f <= at ? f : f <= at + count ? undefined : f - count));
  s.frames -= count;
  const clamp = (f: number): number => Math.max(1, Math.min(s.frames, f > at + count ? f - count : Math.min(f, Math.max(at, 1))));
  s.startFrame = clamp(s.startFrame);
  s.stopFrame = Math.max(s.startFrame, clamp(s.stopFrame));
  scene.currentFrame = Math.min(scene.currentFrame, s.frames);
  scene.touch();
  return true;
}
