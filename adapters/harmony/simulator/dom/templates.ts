/**
 * Templates (.tpl folders) and in-memory copies of nodes: what copyPaste creates and pastes. A template
 * folder holds scene.xstage (XML with the copied nodes, links, backdrops, columns and elements as JSON) and
 * the drawing files under elements/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sameBackdrop } from './backdrops.ts';
import { descendantsOf, uniqueName } from './graph.ts';
import type { BackdropState, ColumnState, ElementState, LinkState, NodeState } from './model.ts';
import { ROOT } from './model.ts';
import { writeFileAtomic } from './persist.ts';
import { SimScene, drawingExtension } from './scene.ts';
import { insertFrames } from './timeline.ts';

export interface TemplateDoc {
  format: 'dcc-kit-harmony-template';
  version: 1;
  frames: number;
  /** `rel` is the node's path below the group the copy was made from. */
  nodes: Array<NodeState & { rel: string }>;
  links: LinkState[];
  backdrops: BackdropState[];
  columns: ColumnState[];
  elements: ElementState[];
}

/** What copyFromTemplate / copyPaste.copy return: the copied content and where its drawing files are. */
export class DragObject {
  readonly doc: TemplateDoc;
  readonly drawingSource: (el: ElementState, drawing: string) => string;
  constructor(doc: TemplateDoc, drawingSource: (el: ElementState, drawing: string) => string) {
    this.doc = doc;
    this.drawingSource = drawingSource;
  }
  toString(): string { return '[object DragObject]'; }
}

const relOf = (group: string, p: string): string => p.slice(group.length + 1);

function frameWindow(start: number, count: number, total: number): { from: number; to: number } {
  if (start <= 0) return { from: 1, to: total };
  return { from: start, to: count > 0 ? start + count - 1 : total };
}

function windowRecord<T>(rec: Record<string, T>, from: number, to: number): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(rec)) {
    const f = Number(k);
    if (f >= from && f <= to) out[String(f - from + 1)] = v;
  }
  return out;
}

/** Copies nodes (all from one group; groups bring their contents) and backdrops of that group. */
export function copyNodes(
  scene: SimScene, paths: string[], backdrops: BackdropState[], startFrame: number, numFrames: number,
): DragObject | null {
  const existing = paths.filter((p) => scene.state.nodes.has(p) && p !== ROOT);
  const group = existing.length > 0 ? scene.state.nodes.get(existing[0]!)!.group
    : backdrops.length > 0 ? findGroupOf(scene, backdrops[0]!) : undefined;
  if (group === undefined) return null;
  const set = new Set<string>();
  for (const p of existing) {
    if (scene.state.nodes.get(p)!.group !== group) continue;
    set.add(p);
    if (scene.state.nodes.get(p)!.type === 'GROUP') for (const d of descendantsOf(scene, p)) set.add(d);
  }
  const ordered = [...scene.state.nodes.keys()].filter((p) => set.has(p));
  const { from, to } = frameWindow(startFrame, numFrames, scene.state.settings.frames);
  const columnNames = new Set<string>();
  const nodes = ordered.map((p) => {
    const n = structuredClone(scene.state.nodes.get(p)!);
    for (const a of n.attrs) if (a.column !== undefined) columnNames.add(a.column);
    return { ...n, rel: relOf(group, p) };
  });
  const columns: ColumnState[] = [];
  const elementIds = new Set<number>();
  for (const name of columnNames) {
    const c = scene.state.columns.get(name);
    if (c === undefined) continue;
    const copy = structuredClone(c);
    copy.exposures = windowRecord(copy.exposures, from, to);
    copy.keys = windowRecord(copy.keys, from, to);
    copy.sounds = [];
    columns.push(copy);
    if (copy.type === 'DRAWING' && scene.state.elements.has(copy.elementId)) elementIds.add(copy.elementId);
  }
  const groupBackdrops = scene.state.backdrops.get(group) ?? [];
  const doc: TemplateDoc = {
    format: 'dcc-kit-harmony-template',
    version: 1,
    frames: to - from + 1,
    nodes,
    links: scene.state.links.filter((l) => set.has(l.src) && set.has(l.dst))
      .map((l) => ({ ...l, src: relOf(group, l.src), dst: relOf(group, l.dst) })),
    backdrops: backdrops.filter((b) => groupBackdrops.some((x) => sameBackdrop(x, b))).map((b) => structuredClone(b)),
    columns,
    elements: [...elementIds].map((id) => structuredClone(scene.state.elements.get(id)!)),
  };
  return new DragObject(doc, (el, d) => scene.drawingFile(el, d));
}

function findGroupOf(scene: SimScene, bd: BackdropState): string | undefined {
  for (const [g, list] of scene.state.backdrops) if (list.some((x) => sameBackdrop(x, bd))) return g;
  return undefined;
}

const tplDrawing = (dir: string) => (el: ElementState, d: string): string =>
  path.join(dir, 'elements', el.folder, `${el.name}-${d}.${drawingExtension(el)}`);

/** Writes a .tpl folder (a fresh name when `<folder>/<name>.tpl` exists); returns its path. */
export function writeTemplate(drag: DragObject, folder: string, name: string): string {
  const base = name.toLowerCase().endsWith('.tpl') ? name.slice(0, -4) : name;
  let dir = path.join(folder, `${base}.tpl`);
  for (let i = 1; fs.existsSync(dir); i++) dir = path.join(folder, `${base}_${i}.tpl`);
  fs.mkdirSync(dir, { recursive: true });
  for (const el of drag.doc.elements) {
    fs.mkdirSync(path.join(dir, 'elements', el.folder), { recursive: true });
    for (const d of el.drawings) {
      const src = drag.drawingSource(el, d);
      if (fs.existsSync(src)) fs.copyFileSync(src, tplDrawing(dir)(el, d));
    }
  }
  const json = JSON.stringify(drag.doc).replace(/>/g, '\\u003e');
  writeFileAtomic(
    path.join(dir, 'scene.xstage'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<project source="dcc-kit-harmony-simulator" template="true">\n' +
      ` <dcckitTemplate><![CDATA[${json}]]></dcckitTemplate>\n</project>\n`,
  );
  return dir;
}

/**
 * A project folder pasted as a template (Harmony accepts a scene folder where a .tpl is expected, which is
 * how AYON imports a published workfile): its Top nodes and backdrops.
 */
function projectAsTemplate(dir: string, startFrame: number, numFrames: number): DragObject | null {
  let scene: SimScene;
  try {
    scene = SimScene.open(dir);
  } catch {
    return null;
  }
  const top = [...scene.state.nodes.values()].filter((n) => n.group === ROOT).map((n) => [...scene.state.nodes.entries()].find(([, v]) => v === n)![0]);
  return copyNodes(scene, top, scene.state.backdrops.get(ROOT) ?? [], startFrame, numFrames);
}

/** Reads a .tpl folder written by writeTemplate (or a project folder); null when it is missing or not one. */
export function readTemplate(tplPath: string, startFrame: number, numFrames: number): DragObject | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(tplPath, 'scene.xstage'), 'utf8');
  } catch {
    return projectAsTemplate(tplPath, startFrame, numFrames);
  }
  const m = /<dcckitTemplate><!\[CDATA\[([\s\S]*?)\]\]><\/dcckitTemplate>/.exec(text);
  if (m === null) return null;
  let doc: TemplateDoc;
  try {
    doc = JSON.parse(m[1]!) as TemplateDoc;
  } catch {
    return null;
  }
  if (doc.format !== 'dcc-kit-harmony-template' || !Array.isArray(doc.nodes)) return null;
  if (startFrame > 0) {
    const { from, to } = frameWindow(startFrame, numFrames, doc.frames);
    for (const c of doc.columns) {
      c.exposures = windowRecord(c.exposures, from, to);
      c.keys = windowRecord(c.keys, from, to);
    }
    doc.frames = Math.max(1, Math.min(doc.frames, to) - from + 1);
  }
  return new DragObject(doc, tplDrawing(tplPath));
}

/**
 * Pastes a copy as new nodes into `group`: nodes get unique names, columns unique names, elements new ids
 * (drawing files copied), exposures shifted to start at `insertFrame`. The pasted nodes and backdrops become
 * the selection.
 */
export function pasteNewNodes(scene: SimScene, drag: DragObject, group: string, insertFrame: number, extendScene: boolean): boolean {
  if (scene.state.nodes.get(group)?.type !== 'GROUP') return false;
  const doc = structuredClone(drag.doc);
  const offset = Math.max(1, insertFrame) - 1;
  const elementIds = new Map<number, number>();
  try {
    for (const el of doc.elements) {
      const id = scene.state.nextElementId++;
      const taken = new Set([...scene.state.elements.values()].map((e) => e.folder));
      const copy: ElementState = { ...el, id, folder: taken.has(el.name) ? `${el.name}.${id}` : el.name };
      fs.mkdirSync(scene.elementDir(copy), { recursive: true });
      for (const d of el.drawings) {
        const src = drag.drawingSource(el, d);
        if (fs.existsSync(src)) fs.copyFileSync(src, scene.drawingFile(copy, d));
      }
      scene.state.elements.set(id, copy);
      elementIds.set(el.id, id);
    }
  } catch {
    return false;
  }
  const columnNames = new Map<string, string>();
  for (const c of doc.columns) {
    let name = c.name;
    for (let i = 1; scene.state.columns.has(name); i++) name = `${c.name}_${i}`;
    columnNames.set(c.name, name);
    const shift = <T>(rec: Record<string, T>): Record<string, T> =>
      Object.fromEntries(Object.entries(rec).map(([k, v]) => [String(Number(k) + offset), v]));
    scene.state.columns.set(name, {
      ...c, name, elementId: elementIds.get(c.elementId) ?? -1, exposures: shift(c.exposures), keys: shift(c.keys),
    });
  }
  const topNames = new Map<string, string>();
  const mapRel = (rel: string): string => {
    const [top, ...rest] = rel.split('/');
    return [topNames.get(top!) ?? top!, ...rest].join('/');
  };
  const pasted: string[] = [];
  for (const n of doc.nodes) {
    const { rel, ...node } = n;
    if (!rel.includes('/')) topNames.set(rel, uniqueName(scene, group, rel));
    const p = `${group}/${mapRel(rel)}`;
    node.name = p.slice(p.lastIndexOf('/') + 1);
    node.group = p.slice(0, p.lastIndexOf('/'));
    for (const a of node.attrs) if (a.column !== undefined) a.column = columnNames.get(a.column) ?? a.column;
    scene.state.nodes.set(p, node);
    if (!rel.includes('/')) pasted.push(p);
  }
  for (const l of doc.links) {
    scene.state.links.push({ ...l, src: `${group}/${mapRel(l.src)}`, dst: `${group}/${mapRel(l.dst)}` });
  }
  const list = scene.state.backdrops.get(group) ?? [];
  list.push(...doc.backdrops);
  scene.state.backdrops.set(group, list);
  const end = offset + doc.frames;
  if (extendScene && end > scene.state.settings.frames) insertFrames(scene, scene.state.settings.frames, end - scene.state.settings.frames);
  scene.selection = { nodes: pasted, backdrops: structuredClone(doc.backdrops) };
  scene.touch();
  return true;
}
