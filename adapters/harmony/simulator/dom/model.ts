/**
 * The scene model behind the DOM: plain data, no behaviour. `SceneState` is what lives in memory (maps for
 * lookups); `SceneDoc` is its JSON form embedded in the .xstage. toDoc/fromDoc convert between them.
 */
import type { AttrType } from './nodetypes.ts';
import { NODE_TYPES } from './nodetypes.ts';

export interface Color { r: number; g: number; b: number; a: number }

export interface AttrState {
  keyword: string;
  type: AttrType;
  /** Value when not linked to a column, as getTextAttr returns it. */
  value: string;
  linkable: boolean;
  column?: string;
  dynamic?: boolean;
  displayName?: string;
}

export interface NodeState {
  name: string;
  /** Path of the parent group ("" only for Top itself). */
  group: string;
  type: string;
  x: number; y: number; z: number;
  enabled: boolean;
  color: Color | null;
  inputs: number;
  outputs: number;
  attrs: AttrState[];
}

export interface LinkState { src: string; srcPort: number; dst: string; dstPort: number }

export type ColumnType = 'DRAWING' | 'SOUND' | 'BEZIER' | 'EASE' | '3DPATH' | 'EXPR' | 'TIMING' | 'ANNOTATION';
export const COLUMN_TYPES: ColumnType[] = ['DRAWING', 'SOUND', 'BEZIER', 'EASE', '3DPATH', 'EXPR', 'TIMING', 'ANNOTATION'];
/** Column types whose cells are numbers interpolated between keyframes. */
export const FUNCTION_COLUMN_TYPES: ColumnType[] = ['BEZIER', 'EASE', '3DPATH'];

export interface SoundEntry { frame: number; file: string }

export interface ColumnState {
  name: string;
  type: ColumnType;
  /** DRAWING columns: the element whose drawings are exposed (-1: none yet). */
  elementId: number;
  /** DRAWING columns: drawing name exposed per frame. */
  exposures: Record<string, string>;
  /** Function columns: keyframe values per frame. */
  keys: Record<string, number>;
  /** SOUND columns: imported files (project-relative) and where they start. */
  sounds: SoundEntry[];
  /** EXPR columns: the expression text. */
  expr: string;
}

export interface ElementState {
  id: number;
  name: string;
  /** Folder under elements/ ("name", or "name.<id>" when another element already uses "name"). */
  folder: string;
  scanType: string;
  fieldChart: number;
  fileFormat: string;
  vectorFormat: string;
  drawings: string[];
}

export interface TextStyle { text: string; color: number; size: number; font: string }
export interface BackdropState {
  position: { x: number; y: number; w: number; h: number };
  title: TextStyle;
  description: TextStyle;
  color: number;
}

export interface MetadataEntry { name: string; type: string; creator: string; version: string; value: string }

export interface SceneSettings {
  fps: number;
  resX: number; resY: number; fov: number;
  unitsX: number; unitsY: number; unitsZ: number;
  frames: number;
  startFrame: number; stopFrame: number;
}

export interface PaletteRef {
  /** Absolute path of the .plt file. */
  file: string;
  /** Regenerated every time the scene is opened, like Harmony's. */
  id: string;
}

export interface SceneState {
  sceneName: string;
  settings: SceneSettings;
  nodes: Map<string, NodeState>;
  links: LinkState[];
  columns: Map<string, ColumnState>;
  elements: Map<number, ElementState>;
  nextElementId: number;
  backdrops: Map<string, BackdropState[]>;
  palettes: PaletteRef[];
  metadata: MetadataEntry[];
}

export interface SceneDoc {
  format: 'dcc-kit-harmony-scene';
  version: 1;
  sceneName: string;
  settings: SceneSettings;
  nodes: Array<NodeState & { path: string }>;
  links: LinkState[];
  columns: ColumnState[];
  elements: ElementState[];
  nextElementId: number;
  backdrops: Record<string, BackdropState[]>;
  /** Project-relative ("palette-library/x.plt") or absolute paths. */
  palettes: string[];
  metadata: MetadataEntry[];
}

export const ROOT = 'Top';

export function nodePath(n: NodeState): string {
  return n.group === '' ? n.name : `${n.group}/${n.name}`;
}

export function newNode(group: string, name: string, type: string, x: number, y: number, z: number): NodeState {
  const def = NODE_TYPES[type];
  if (def === undefined) throw new Error(`unknown node type ${type}`);
  return {
    name, group, type, x, y, z,
    enabled: true,
    color: null,
    inputs: def.ports.inputs,
    outputs: def.ports.outputs,
    attrs: def.attrs.map((a) => ({ keyword: a.keyword, type: a.type, value: a.value, linkable: a.linkable })),
  };
}

export function newColumn(name: string, type: ColumnType): ColumnState {
  return { name, type, elementId: -1, exposures: {}, keys: {}, sounds: [], expr: '' };
}

export function randomId(): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/** A new scene like Harmony's own: Top with Composite feeding Display and Write, 60 frames of 1080p24. */
export function defaultSceneState(sceneName: string): SceneState {
  const nodes = new Map<string, NodeState>();
  const add = (n: NodeState): void => { nodes.set(nodePath(n), n); };
  add(newNode('', ROOT, 'GROUP', 0, 0, 0));
  add(newNode(ROOT, 'Composite', 'COMPOSITE', 0, 0, 0));
  add(newNode(ROOT, 'Display', 'DISPLAY', -100, 150, 0));
  const write = newNode(ROOT, 'Write', 'WRITE', 100, 150, 0);
  for (const a of write.attrs) if (a.keyword === 'DRAWING_TYPE') a.value = 'PNG4';
  add(write);
  return {
    sceneName,
    settings: {
      fps: 24, resX: 1920, resY: 1080, fov: 41.112,
      unitsX: 12, unitsY: 12, unitsZ: 12,
      frames: 60, startFrame: 1, stopFrame: 60,
    },
    nodes,
    links: [
      { src: 'Top/Composite', srcPort: 0, dst: 'Top/Display', dstPort: 0 },
      { src: 'Top/Composite', srcPort: 0, dst: 'Top/Write', dstPort: 0 },
    ],
    columns: new Map(),
    elements: new Map(),
    nextElementId: 1,
    backdrops: new Map(),
    palettes: [],
    metadata: [],
  };
}

const clone = <T>(x: T): T => structuredClone(x);

export function toDoc(state: SceneState, paletteFileToDoc: (abs: string) => string): SceneDoc {
  return {
    format: 'dcc-kit-harmony-scene',
    version: 1,
    sceneName: state.sceneName,
    settings: clone(state.settings),
    nodes: [...state.nodes.entries()].map(([path, n]) => ({ path, ...clone(n) })),
    links: clone(state.links),
    columns: [...state.columns.values()].map(clone),
    elements: [...state.elements.values()].map(clone),
    nextElementId: state.nextElementId,
    backdrops: Object.fromEntries([...state.backdrops.entries()].map(([g, list]) => [g, clone(list)])),
    palettes: state.palettes.map((p) => paletteFileToDoc(p.file)),
    metadata: clone(state.metadata),
  };
}

/** Throws an Error naming the first thing that is wrong; the caller turns it into a SceneFormatError. */
export function fromDoc(raw: unknown, paletteDocToFile: (p: string) => string): SceneState {
  const doc = raw as Partial<SceneDoc> | null;
  if (doc === null || typeof doc !== 'object') throw new Error('the scene state is not an object');
  if (doc.format !== 'dcc-kit-harmony-scene') throw new Error(`unknown scene format ${JSON.stringify(doc.format)}`);
  if (doc.version !== 1) throw new Error(`unsupported scene format version ${JSON.stringify(doc.version)}`);
  const arrays = ['nodes', 'links', 'columns', 'elements', 'palettes', 'metadata'] as const;
  for (const key of arrays) if (!Array.isArray(doc[key])) throw new Error(`"${key}" is missing or not a list`);
  if (typeof doc.sceneName !== 'string') throw new Error('"sceneName" is missing');
  const s = doc.settings;
  if (s === undefined || typeof s !== 'object') throw new Error('"settings" is missing');
  for (const key of ['fps', 'resX', 'resY', 'fov', 'unitsX', 'unitsY', 'unitsZ', 'frames', 'startFrame', 'stopFrame'] as const) {
    if (typeof s[key] !== 'number') throw new Error(`settings.${key} is not a number`);
  }
  if (doc.backdrops === null || typeof doc.backdrops !== 'object') throw new Error('"backdrops" is missing');
  const nodes = new Map<string, NodeState>();
  for (const n of doc.nodes!) {
    if (typeof n?.path !== 'string' || typeof n.type !== 'string' || !Array.isArray(n.attrs)) {
      throw new Error(`a node entry is malformed: ${JSON.stringify(n).slice(0, 200)}`);
    }
    const { path, ...rest } = n;
    nodes.set(path, rest);
  }
  if (!nodes.has(ROOT)) throw new Error('the scene has no Top group');
  return {
    sceneName: doc.sceneName,
    settings: { ...s },
    nodes,
    links: doc.links!,
    columns: new Map(doc.columns!.map((c) => [c.name, c])),
    elements: new Map(doc.elements!.map((e) => [e.id, e])),
    nextElementId: typeof doc.nextElementId === 'number' ? doc.nextElementId : 1,
    backdrops: new Map(Object.entries(doc.backdrops)),
    palettes: doc.palettes!.map((p) => ({ file: paletteDocToFile(String(p)), id: randomId() })),
    metadata: doc.metadata!,
  };
}
