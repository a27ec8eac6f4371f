/**
 * The documented members of Harmony 24's global objects that the per-object modules do not define: modelled
 * where a pipeline relies on them (scene resolution and units, node geometry and lookups, groups, columns,
 * element renames, palette lookups, timeline layers, render settings), recorded stubs where Harmony acts on
 * its user interface, caches or vector art (view refreshes, node-view cache flags, DrawingTools edits), so
 * that every documented member of the listed objects exists. modelling.ts says which is which.
 */
import path from 'node:path';
import { hostObject, native } from '../coerce.ts';
import { addNode, childrenOf, descendantsOf, isGroupPath } from '../graph.ts';
import { recordedStub, type CallRecorder } from '../modelling.ts';
import { compositionLayers } from './composition.ts';
import { ROOT } from '../model.ts';
import { createDrawing, setEntry } from '../timeline.ts';
import type { DomContext } from './context.ts';

type Api = Record<string, unknown>;
const slash = (p: string): string => p.split('\\').join('/');

/** A Qt signal object for scripts to connect to (render.frameReady...). */
function signal(): Api {
  const slots: Array<(...a: unknown[]) => unknown> = [];
  return hostObject({
    connect: (a: unknown, b?: unknown): void => { const fn = typeof a === 'function' ? a : b; if (typeof fn === 'function') slots.push(fn as (...x: unknown[]) => unknown); },
    disconnect: (a?: unknown): void => { const i = slots.indexOf(a as (...x: unknown[]) => unknown); if (i >= 0) slots.splice(i, 1); else if (a === undefined) slots.length = 0; },
    emit: (...args: unknown[]): void => { for (const s of slots.slice()) s(...args); },
  });
}

/** Adds members to one global object when it is built (objects are built on first use in a script engine). */
export type Extenders = Map<string, Array<(target: Api) => void>>;

/**
 * The extensions of each global object. `g` is the engine's globals (objects are built on first access, so
 * an extension may use another object at call time, or its own `target` at build time).
 */
export function globalExtensions(ctx: DomContext, g: Record<string, Api>, recorder: CallRecorder | undefined): Extenders {
  const { scene, realm, host } = ctx;
  const st = () => scene.state;
  const stub = (obj: string, name: string, sig: string, result: () => unknown = () => undefined) =>
    recordedStub(realm, recorder, `${obj}.${name}`, sig, result);
  const def = (obj: string, name: string, sig: string, impl: (...a: never[]) => unknown) => native(realm, `${obj}.${name}`, sig, impl as (...a: unknown[]) => unknown);
  const extenders: Extenders = new Map();
  const extend = (obj: string, fn: (target: Api) => void): void => {
    const list = extenders.get(obj) ?? [];
    list.push(fn);
    extenders.set(obj, list);
  };
  const add = (obj: string, members: (target: Api) => Api): void => extend(obj, (target) => {
    for (const [k, v] of Object.entries(members(target))) if (!(k in target)) target[k] = v;
  });
  const nodeOf = (p: string) => st().nodes.get(p);

  // ---- node ----
  const nodeFlags = new Map<string, { locked: boolean; cached: boolean; thumbs: boolean; tag: string; version: number; controls: boolean }>();
  const flags = (p: string) => {
    let f = nodeFlags.get(p);
    if (f === undefined) { f = { locked: false, cached: false, thumbs: false, tag: '', version: 1, controls: false }; nodeFlags.set(p, f); }
    return f;
  };
  const NODE_WIDTH = 120;
  const NODE_HEIGHT = 32;
  add('node', () => ({
    noNode: def('node', 'noNode', '', () => ''),
    equals: def('node', 'equals', 'String,String', (a: string, b: string) => a === b && nodeOf(a) !== undefined),
    width: def('node', 'width', 'String', (p: string) => (nodeOf(p) === undefined ? 0 : NODE_WIDTH)),
    height: def('node', 'height', 'String', (p: string) => (nodeOf(p) === undefined ? 0 : NODE_HEIGHT)),
    subNodeByName: def('node', 'subNodeByName', 'String,String', (grp: string, name: string) =>
      (isGroupPath(scene, grp) && nodeOf(`${grp}/${name}`) !== undefined ? `${grp}/${name}` : '')),
    getAllAttrKeywords: def('node', 'getAllAttrKeywords', 'String', (p: string) => nodeOf(p)?.attrs.map((a) => a.keyword) ?? []),
    getAllAttrNames: def('node', 'getAllAttrNames', 'String', (p: string) => nodeOf(p)?.attrs.map((a) => a.displayName ?? a.keyword) ?? []),
    getLocked: def('node', 'getLocked', 'String', (p: string) => nodeOf(p) !== undefined && flags(p).locked),
    setLocked: def('node', 'setLocked', 'String,bool', (p: string, v: boolean) => { if (nodeOf(p) === undefined) return false; flags(p).locked = v; return true; }),
    getTimelineTag: def('node', 'getTimelineTag', 'String', (p: string) => (nodeOf(p) === undefined ? '' : flags(p).tag)),
    setTimelineTag: def('node', 'setTimelineTag', 'String,String', (p: string, t: string) => { if (nodeOf(p) === undefined) return false; flags(p).tag = t; return true; }),
    getTimelineTagList: def('node', 'getTimelineTagList', 'any?,any?', () => [...new Set([...nodeFlags.values()].map((f) => f.tag).filter(Boolean))]),
    getVersion: def('node', 'getVersion', 'String', (p: string) => (nodeOf(p) === undefined ? 0 : flags(p).version)),
    setVersion: def('node', 'setVersion', 'String,int', (p: string, v: number) => { if (nodeOf(p) === undefined) return false; flags(p).version = v; return true; }),
    getMaxVersionNumber: def('node', 'getMaxVersionNumber', 'String', (p: string) => (nodeOf(p) === undefined ? 0 : flags(p).version)),
    getShowTimelineThumbnails: def('node', 'getShowTimelineThumbnails', 'String', (p: string) => nodeOf(p) !== undefined && flags(p).thumbs),
    setShowTimelineThumbnails: def('node', 'setShowTimelineThumbnails', 'String,bool', (p: string, v: boolean) => { if (nodeOf(p) === undefined) return false; flags(p).thumbs = v; return true; }),
    isControlShown: def('node', 'isControlShown', 'String', (p: string) => nodeOf(p) !== undefined && flags(p).controls),
    showControls: def('node', 'showControls', 'String,bool', (p: string, v: boolean) => { if (nodeOf(p) === undefined) return false; flags(p).controls = v; return true; }),
    getCameras: def('node', 'getCameras', '', () => descendantsOf(scene, ROOT).filter((p) => nodeOf(p)!.type === 'CAMERA')),
    getDefaultCamera: def('node', 'getDefaultCamera', '', () => descendantsOf(scene, ROOT).find((p) => nodeOf(p)!.type === 'CAMERA') ?? ''),
    flatSrcNode: def('node', 'flatSrcNode', 'String,int', (p: string, port: number) => {
      // The source through groups and multiports: follow links until a node that is not a group port.
      let link = st().links.find((l) => l.dst === p && l.dstPort === port);
      for (let guard = 0; link !== undefined && guard < 1000; guard++) {
        const src = nodeOf(link.src);
        if (src === undefined || (src.type !== 'MULTIPORT_IN' && src.type !== 'GROUP')) return link.src;
        const from = link;
        link = src.type === 'MULTIPORT_IN'
          ? st().links.find((l) => l.dst === src.group && l.dstPort === from.srcPort)
          : st().links.find((l) => l.dst === `${from.src}/Multi-Port-Out` && l.dstPort === from.srcPort);
      }
      return link?.src ?? '';
    }),
    srcPortIsMattePort: def('node', 'srcPortIsMattePort', 'String,int', (p: string, port: number) => nodeOf(p)?.type === 'CUTTER' && port === 1),
    getMatrix: def('node', 'getMatrix', 'String,int', () => {
      const M = (globalThis as Record<string, unknown>).Matrix4x4;
      return typeof M === 'function' ? new (M as new () => unknown)() : {};
    }),
    getPivot: def('node', 'getPivot', 'String,int', () => ({ x: 0, y: 0, z: 0 })),
    getColorOverride: stub('node', 'getColorOverride', 'String', () => null),
    createGroup: def('node', 'createGroup', 'String,String', (nodes: string, name: string) => {
      // Harmony takes the nodes as one comma-separated string; the group goes where the first one was.
      const list = nodes.split(',').map((x) => x.trim()).filter((x) => nodeOf(x) !== undefined);
      if (list.length === 0) return '';
      const parent = nodeOf(list[0]!)!.group;
      const grp = addNode(scene, parent, name, 'GROUP', nodeOf(list[0]!)!.x, nodeOf(list[0]!)!.y, 0);
      if (grp === '') return '';
      for (const p of list) moveInto(p, grp);
      return grp;
    }),
    moveToGroup: def('node', 'moveToGroup', 'String,String', (p: string, grp: string) => moveInto(p, grp) !== ''),
    explodeGroup: def('node', 'explodeGroup', 'String', (grp: string) => {
      if (!isGroupPath(scene, grp) || grp === ROOT) return false;
      const parent = nodeOf(grp)!.group;
      for (const child of childrenOf(scene, grp)) moveInto(child, parent);
      st().nodes.delete(grp);
      st().links = st().links.filter((l) => l.src !== grp && l.dst !== grp);
      scene.touch();
      return true;
    }),
    // The group's multiport module, made on first request as Harmony does (name, position as given).
    getGroupInputModule: def('node', 'getGroupInputModule', 'String,String,int,int,int', (grp: string, name: string, x: number, y: number, z: number) =>
      groupPort(grp, 'MULTIPORT_IN', name || 'Multi-Port-In', x, y, z)),
    getGroupOutputModule: def('node', 'getGroupOutputModule', 'String,String,int,int,int', (grp: string, name: string, x: number, y: number, z: number) =>
      groupPort(grp, 'MULTIPORT_OUT', name || 'Multi-Port-Out', x, y, z)),
    addCompositeToGroup: def('node', 'addCompositeToGroup', 'String', () => false),
    groupAtNetworkBuilding: def('node', 'groupAtNetworkBuilding', 'String', () => false),
    isSupportingCache: def('node', 'isSupportingCache', 'String', (p: string) => nodeOf(p) !== undefined && nodeOf(p)!.type !== 'GROUP'),
    getCached: def('node', 'getCached', 'String', (p: string) => nodeOf(p) !== undefined && flags(p).cached),
    setCached: def('node', 'setCached', 'String,bool', (p: string, v: boolean) => { if (nodeOf(p) === undefined) return false; flags(p).cached = v; return true; }),
    getAllCachedNodes: def('node', 'getAllCachedNodes', 'any?', () => [...nodeFlags.entries()].filter(([p, f]) => f.cached && nodeOf(p) !== undefined).map(([p]) => p)),
    getCacheFillLevel: def('node', 'getCacheFillLevel', '', () => 0),
    clearCacheDisabledState: stub('node', 'clearCacheDisabledState', 'any?'),
    setAsDefaultCamera: stub('node', 'setAsDefaultCamera', 'String', () => false),
    setAsGlobalDisplay: stub('node', 'setAsGlobalDisplay', 'String', () => false),
    setGlobalToDisplayAll: stub('node', 'setGlobalToDisplayAll', ''),
    setOutlineMode: stub('node', 'setOutlineMode', 'String,bool', () => false),
    explodeElementSymbolsInGroups: stub('node', 'explodeElementSymbolsInGroups', 'String,bool,bool,String?', () => false),
  }));
  function groupPort(grp: string, type: 'MULTIPORT_IN' | 'MULTIPORT_OUT', name: string, x: number, y: number, z: number): string {
    if (!isGroupPath(scene, grp) || grp === ROOT) return '';
    return childrenOf(scene, grp).find((p) => nodeOf(p)!.type === type) ?? addNode(scene, grp, name, type, x, y, z);
  }
  function moveInto(p: string, grp: string): string {
    const n = nodeOf(p);
    if (n === undefined || !isGroupPath(scene, grp) || p === ROOT || grp === p || grp.startsWith(`${p}/`)) return '';
    if (n.group === grp) return p;
    let name = n.name;
    for (let i = 1; st().nodes.has(`${grp}/${name}`); i++) name = `${n.name}_${i}`;
    const target = `${grp}/${name}`;
    const rebuilt = new Map<string, typeof n>();
    for (const [q, m] of st().nodes) {
      if (q === p) { m.group = grp; m.name = name; rebuilt.set(target, m); continue; }
      if (q.startsWith(`${p}/`)) { m.group = target + m.group.slice(p.length); rebuilt.set(target + q.slice(p.length), m); continue; }
      rebuilt.set(q, m);
    }
    st().nodes = rebuilt;
    // Links leave with the node: Harmony reconnects through group ports, which the simulator does not add.
    st().links = st().links.filter((l) => l.src !== p && l.dst !== p);
    scene.selection.nodes = scene.selection.nodes.filter((x) => x !== p);
    scene.touch();
    return target;
  }

  // ---- column ----
  const colOf = (c: string) => st().columns.get(c);
  const columnColors = new Map<string, unknown>();
  const exposuresOf = (c: string) => colOf(c)?.exposures ?? {};
  add('column', () => ({
    getPos: def('column', 'getPos', 'String', (c: string) => [...st().columns.keys()].indexOf(c)),
    move: def('column', 'move', 'String,int', (c: string, pos: number) => {
      const entries = [...st().columns.entries()];
      const i = entries.findIndex(([k]) => k === c);
      if (i < 0 || pos < 0 || pos >= entries.length) return false;
      const [e] = entries.splice(i, 1);
      entries.splice(pos, 0, e!);
      st().columns = new Map(entries);
      scene.touch();
      return true;
    }),
    createDrawing: def('column', 'createDrawing', 'String,String', (c: string, name: string) => {
      const col = colOf(c);
      return col?.type === 'DRAWING' && createDrawing(scene, col.elementId, name, false);
    }),
    addKeyDrawingExposureAt: def('column', 'addKeyDrawingExposureAt', 'String,int', (c: string, f: number) => {
      const col = colOf(c);
      if (col?.type !== 'DRAWING') return false;
      const drawings = st().elements.get(col.elementId)?.drawings ?? [];
      let name = String(f);
      for (let i = 1; drawings.includes(name); i++) name = `${f}_${i}`;
      return createDrawing(scene, col.elementId, name, false) && setEntry(scene, c, f, name);
    }),
    removeKeyDrawingExposureAt: def('column', 'removeKeyDrawingExposureAt', 'String,int', (c: string, f: number) => {
      const ex = exposuresOf(c);
      if (!(String(f) in ex)) return false;
      const name = ex[String(f)];
      for (let g2 = f; ex[String(g2)] === name; g2++) delete ex[String(g2)];
      scene.touch();
      return true;
    }),
    removeDuplicateKeyDrawingExposureAt: def('column', 'removeDuplicateKeyDrawingExposureAt', 'String,int', (c: string, f: number) => {
      const ex = exposuresOf(c);
      if (f < 2 || ex[String(f)] === undefined || ex[String(f)] !== ex[String(f - 1)]) return false;
      delete ex[String(f)];
      scene.touch();
      return true;
    }),
    duplicateDrawingAt: def('column', 'duplicateDrawingAt', 'String,int', (c: string, f: number) => {
      const col = colOf(c);
      const cur = exposuresOf(c)[String(f)];
      if (col?.type !== 'DRAWING' || cur === undefined) return false;
      const drawings = st().elements.get(col.elementId)?.drawings ?? [];
      let name = `${cur}_1`;
      for (let i = 2; drawings.includes(name); i++) name = `${cur}_${i}`;
      return createDrawing(scene, col.elementId, name, false) && setEntry(scene, c, f, name);
    }),
    fillEmptyCels: def('column', 'fillEmptyCels', 'String,int,int', (c: string, from: number, to: number) => {
      const ex = exposuresOf(c);
      if (colOf(c)?.type !== 'DRAWING') return false;
      let last: string | undefined;
      for (let f = from; f <= to; f++) {
        if (ex[String(f)] !== undefined) last = ex[String(f)];
        else if (last !== undefined) ex[String(f)] = last;
      }
      scene.touch();
      return true;
    }),
    getNextKeyDrawing: def('column', 'getNextKeyDrawing', 'String,int', (c: string, f: number) => {
      const ex = exposuresOf(c);
      const frames = Object.keys(ex).map(Number).sort((a, b) => a - b);
      return frames.find((x) => x > f && ex[String(x)] !== ex[String(x - 1)]) ?? -1;
    }),
    getDrawingType: def('column', 'getDrawingType', 'String,int', (c: string, f: number) => (exposuresOf(c)[String(f)] === undefined ? '' : 'K')),
    setDrawingType: stub('column', 'setDrawingType', 'String,int,String', () => false),
    getTimesheetEntry: def('column', 'getTimesheetEntry', 'String,int,int', (c: string, _sub: number, f: number) => {
      const v = exposuresOf(c)[String(f)];
      return { heldFrame: v !== undefined && exposuresOf(c)[String(f - 1)] === v, emptyCell: v === undefined, value: v ?? '' };
    }),
    renameDrawing: def('column', 'renameDrawing', 'String,String,String', (c: string, oldName: string, newName: string) => {
      const col = colOf(c);
      const el = col === undefined ? undefined : st().elements.get(col.elementId);
      if (el === undefined || !el.drawings.includes(oldName) || el.drawings.includes(newName) || newName === '') return false;
      el.drawings = el.drawings.map((d) => (d === oldName ? newName : d));
      for (const other of st().columns.values()) {
        if (other.elementId !== el.id) continue;
        for (const [f, d] of Object.entries(other.exposures)) if (d === oldName) other.exposures[f] = newName;
      }
      scene.touch();
      return true;
    }),
    renameDrawingWithPrefix: stub('column', 'renameDrawingWithPrefix', 'String,String,String', () => false),
    generateTiming: stub('column', 'generateTiming', 'String,int,bool', () => false),
    getCurrentVersionForDrawing: def('column', 'getCurrentVersionForDrawing', 'String,String', () => 0),
    getColorForXSheet: def('column', 'getColorForXSheet', 'String', (c: string) => columnColors.get(c) ?? null),
    setColorForXSheet: def('column', 'setColorForXSheet', 'String,any', (c: string, color: unknown): void => { if (colOf(c) !== undefined) columnColors.set(c, color); }),
    resetColorForXSheet: def('column', 'resetColorForXSheet', 'String', (c: string): void => { columnColors.delete(c); }),
    selected: def('column', 'selected', '', () => ''),
    soundColumn: stub('column', 'soundColumn', 'String', () => null),
    velocityType: def('column', 'velocityType', 'String', (c: string) => (colOf(c) === undefined ? '' : 'LINEAR')),
    columnMarkers: stub('column', 'columnMarkers', 'String', () => null),
    getImageBlock: stub('column', 'getImageBlock', 'String,int,int', () => null),
    lineTestFill: stub('column', 'lineTestFill', 'String,int,int,String,bool', () => false),
    update: stub('column', 'update', ''),
  }));

  // ---- frame ----
  add('frame', () => ({
    setNumberOf: def('frame', 'setNumberOf', 'int', (n: number) => {
      const s = st().settings;
      if (n < 1) return false;
      s.frames = n;
      s.stopFrame = Math.min(s.stopFrame, n);
      s.startFrame = Math.min(s.startFrame, s.stopFrame);
      scene.touch();
      return true;
    }),
  }));

  // ---- scene ----
  const settings = () => st().settings;
  const sceneExtra = { description: '', colorSpace: 'Rec.709', bitDepth: 8, resolutionName: '', center: { x: 0, y: 0 }, hasBeenDirty: false };
  const NAMED: Record<string, [number, number]> = {
    HDTV_1080p24: [1920, 1080], HDTV_720p24: [1280, 720], '4K_UHD': [3840, 2160], DCI_2K: [2048, 1080], DCI_4K: [4096, 2160],
    NTSC: [720, 540], PAL: [768, 576], Film_1_33: [1920, 1440],
  };
  const unitsToOGL = (v: number, units: number): number => v / (units / 2);
  add('scene', () => ({
    // The camera resolution: the simulator has no cameras with their own resolution, so it is the scene's.
    currentResolutionX: def('scene', 'currentResolutionX', '', () => settings().resX),
    currentResolutionY: def('scene', 'currentResolutionY', '', () => settings().resY),
    defaultResolutionName: def('scene', 'defaultResolutionName', '', () => sceneExtra.resolutionName),
    setDefaultResolutionName: def('scene', 'setDefaultResolutionName', 'String', (n: string) => {
      const r = NAMED[n];
      if (r === undefined) return false;
      settings().resX = r[0]; settings().resY = r[1]; sceneExtra.resolutionName = n;
      scene.touch();
      return true;
    }),
    namedResolutions: def('scene', 'namedResolutions', '', () => Object.keys(NAMED)),
    namedResolutionX: def('scene', 'namedResolutionX', 'String', (n: string) => NAMED[n]?.[0] ?? 0),
    namedResolutionY: def('scene', 'namedResolutionY', 'String', (n: string) => NAMED[n]?.[1] ?? 0),
    setNumberOfUnits: def('scene', 'setNumberOfUnits', 'int,int,int', (x: number, y: number, z: number) => {
      if (x < 1 || y < 1 || z < 1) return false;
      Object.assign(settings(), { unitsX: x, unitsY: y, unitsZ: z });
      scene.touch();
      return true;
    }),
    unitsAspectRatioX: def('scene', 'unitsAspectRatioX', '', () => 4),
    unitsAspectRatioY: def('scene', 'unitsAspectRatioY', '', () => 3),
    setUnitsAspectRatio: stub('scene', 'setUnitsAspectRatio', 'double,double', () => false),
    coordAtCenterX: def('scene', 'coordAtCenterX', '', () => sceneExtra.center.x),
    coordAtCenterY: def('scene', 'coordAtCenterY', '', () => sceneExtra.center.y),
    setCoordAtCenter: def('scene', 'setCoordAtCenter', 'int,int', (x: number, y: number) => { sceneExtra.center = { x, y }; scene.touch(); return true; }),
    description: def('scene', 'description', '', () => sceneExtra.description),
    setDescription: def('scene', 'setDescription', 'String', (d: string): void => { sceneExtra.description = d; scene.touch(); }),
    colorSpace: def('scene', 'colorSpace', '', () => sceneExtra.colorSpace),
    colorSpaceNames: def('scene', 'colorSpaceNames', '', () => ['Rec.709', 'Rec.2020', 'DCI-P3', 'sRGB']),
    setColorSpace: def('scene', 'setColorSpace', 'String', (c: string) => { sceneExtra.colorSpace = c; scene.touch(); return true; }),
    getProcessingBitDepth: def('scene', 'getProcessingBitDepth', '', () => sceneExtra.bitDepth),
    setProcessingBitDepth: def('scene', 'setProcessingBitDepth', 'int', (b: number) => { if (b !== 8 && b !== 16 && b !== 32) return false; sceneExtra.bitDepth = b; return true; }),
    currentVersion: def('scene', 'currentVersion', '', () => 1),
    currentContainerPath: def('scene', 'currentContainerPath', '', () => slash(scene.projectDir)),
    currentEnvironmentPath: def('scene', 'currentEnvironmentPath', '', () => ''),
    currentJobPath: def('scene', 'currentJobPath', '', () => ''),
    tempProjectPath: def('scene', 'tempProjectPath', '', () => slash(scene.projectDir)),
    tempProjectPathRemapped: def('scene', 'tempProjectPathRemapped', '', () => slash(scene.projectDir)),
    hasBeenDirty: def('scene', 'hasBeenDirty', '', () => scene.isDirty() || sceneExtra.hasBeenDirty),
    getDefaultDisplay: def('scene', 'getDefaultDisplay', '', () => descendantsOf(scene, ROOT).find((p) => nodeOf(p)!.type === 'DISPLAY') ?? ''),
    getMissingPalettes: def('scene', 'getMissingPalettes', 'bool,bool', () => []),
    checkFiles: def('scene', 'checkFiles', 'any', () => true),
    toOGL: def('scene', 'toOGL', 'any', (p: unknown) => {
      const o = (p ?? {}) as { x?: number; y?: number; z?: number };
      return { x: unitsToOGL(Number(o.x) || 0, settings().unitsX), y: unitsToOGL(Number(o.y) || 0, settings().unitsY), z: unitsToOGL(Number(o.z) || 0, settings().unitsZ) };
    }),
    toOGLX: def('scene', 'toOGLX', 'double', (v: number) => unitsToOGL(v, settings().unitsX)),
    toOGLY: def('scene', 'toOGLY', 'double', (v: number) => unitsToOGL(v, settings().unitsY)),
    toOGLZ: def('scene', 'toOGLZ', 'double', (v: number) => unitsToOGL(v, settings().unitsZ)),
    fromOGL: def('scene', 'fromOGL', 'any', (p: unknown) => {
      const o = (p ?? {}) as { x?: number; y?: number; z?: number };
      return { x: (Number(o.x) || 0) * settings().unitsX / 2, y: (Number(o.y) || 0) * settings().unitsY / 2, z: (Number(o.z) || 0) * settings().unitsZ / 2 };
    }),
    fromOGLX: def('scene', 'fromOGLX', 'double', (v: number) => v * settings().unitsX / 2),
    fromOGLY: def('scene', 'fromOGLY', 'double', (v: number) => v * settings().unitsY / 2),
    fromOGLZ: def('scene', 'fromOGLZ', 'double', (v: number) => v * settings().unitsZ / 2),
    getCameraMatrix: def('scene', 'getCameraMatrix', 'int', () => {
      const M = (globalThis as Record<string, unknown>).Matrix4x4;
      return typeof M === 'function' ? new (M as new () => unknown)() : {};
    }),
    undo: stub('scene', 'undo', 'int?'),
    redo: stub('scene', 'redo', 'int?'),
    clearRedo: stub('scene', 'clearRedo', ''),
    closeScene: stub('scene', 'closeScene', ''),
    closeSceneAndExit: stub('scene', 'closeSceneAndExit', ''),
    closeSceneAndOpen: stub('scene', 'closeSceneAndOpen', 'String,String,String,String?,String?', () => false),
    closeSceneAndOpenOffline: stub('scene', 'closeSceneAndOpenOffline', 'String', () => false),
    setDefaultTexturePixelDensityforBitmapDrawings: stub('scene', 'setDefaultTexturePixelDensityforBitmapDrawings', 'double?'),
    setDefaultTexturePixelDensityforVectorDrawings: stub('scene', 'setDefaultTexturePixelDensityforVectorDrawings', 'double?'),
  }));

  // ---- selection ----
  const colSel: string[] = [];
  let frameRange = { start: 1, count: 1 };
  add('selection', () => ({
    addColumnToSelection: def('selection', 'addColumnToSelection', 'String', (c: string) => { if (colOf(c) === undefined) return false; if (!colSel.includes(c)) colSel.push(c); return true; }),
    addDrawingColumnToSelection: def('selection', 'addDrawingColumnToSelection', 'String', (c: string) => { if (colOf(c)?.type !== 'DRAWING') return false; if (!colSel.includes(c)) colSel.push(c); return true; }),
    extendSelectionWithColumn: def('selection', 'extendSelectionWithColumn', 'String', (c: string) => { if (colOf(c) === undefined) return false; if (!colSel.includes(c)) colSel.push(c); return true; }),
    numberOfColumnsSelected: def('selection', 'numberOfColumnsSelected', '', () => colSel.filter((c) => colOf(c) !== undefined).length),
    selectedColumn: def('selection', 'selectedColumn', 'int', (i: number) => colSel.filter((c) => colOf(c) !== undefined)[i] ?? ''),
    setSelectionFrameRange: def('selection', 'setSelectionFrameRange', 'int,int', (start: number, count: number): void => { frameRange = { start, count }; }),
    startFrame: def('selection', 'startFrame', '', () => frameRange.start),
    numberOfFrames: def('selection', 'numberOfFrames', '', () => frameRange.count),
    isSelectionRange: def('selection', 'isSelectionRange', '', () => frameRange.count > 1),
    removeBackdropFromSelection: def('selection', 'removeBackdropFromSelection', 'any,any?', (b: unknown) => {
      const before = scene.selection.backdrops.length;
      const wanted = JSON.stringify(b);
      scene.selection.backdrops = scene.selection.backdrops.filter((x) => JSON.stringify(x) !== wanted && JSON.stringify({ ...x, group: (b as { group?: unknown })?.group }) !== wanted);
      return scene.selection.backdrops.length !== before;
    }),
    addSubSelectionForNode: stub('selection', 'addSubSelectionForNode', 'String,any', () => false),
    clearSubSelectionForNode: stub('selection', 'clearSubSelectionForNode', 'String', () => false),
    subSelectionForNode: stub('selection', 'subSelectionForNode', 'String', () => []),
    subSelectionIdFromAttribute: stub('selection', 'subSelectionIdFromAttribute', 'any', () => -1),
    attributeFromSubSelectionId: stub('selection', 'attributeFromSubSelectionId', 'String,int', () => ''),
    addWaypointToSelection: stub('selection', 'addWaypointToSelection', 'String', () => false),
    removeWaypointFromSelection: stub('selection', 'removeWaypointFromSelection', 'String', () => false),
    selectedWaypoints: def('selection', 'selectedWaypoints', '', () => []),
    selectedWaypoint: def('selection', 'selectedWaypoint', 'int', () => ''),
  }));

  // ---- element ----
  add('element', () => ({
    renameById: def('element', 'renameById', 'int,String', (id: number, name: string) => {
      const el = st().elements.get(id);
      if (el === undefined || name === '') return false;
      el.name = name;
      scene.touch();
      return true;
    }),
    modify: def('element', 'modify', 'int,String,double,String,String', (id: number, scanType: string, fieldChart: number, format: string, vector: string) => {
      const el = st().elements.get(id);
      if (el === undefined) return false;
      Object.assign(el, { scanType: scanType.toUpperCase(), fieldChart, fileFormat: format.toUpperCase(), vectorFormat: vector === 'TVG' || vector === 'PNT' ? vector : 'None' });
      scene.touch();
      return true;
    }),
  }));

  // ---- Drawing ----
  const metadata = new Map<string, unknown>();
  add('Drawing', () => ({
    getMetaData: def('Drawing', 'getMetaData', 'any', (a: unknown) => metadata.get(JSON.stringify([(a as { drawing?: unknown })?.drawing, (a as { owner?: unknown })?.owner])) ?? null),
    setMetaData: def('Drawing', 'setMetaData', 'any', (a: unknown): void => {
      const o = a as { drawing?: unknown; owner?: unknown; data?: unknown };
      metadata.set(JSON.stringify([o?.drawing, o?.owner]), o?.data);
    }),
    getModificationCounter: def('Drawing', 'getModificationCounter', 'any', () => 0),
    getPivot: def('Drawing', 'getPivot', 'any', () => ({ x: 0, y: 0 })),
    setPivot: stub('Drawing', 'setPivot', 'any'),
  }));

  // ---- DrawingTools: vector and bitmap editing; the pipeline parts read drawings' colours ----
  add('DrawingTools', () => ({
    allArts: 15, underlayArt: 1, colourArt: 2, lineArt: 4, overlayArt: 8,
    getDrawingUsedColors: def('DrawingTools', 'getDrawingUsedColors', 'any', () => []),
    getDrawingUsedColorsWithSource: def('DrawingTools', 'getDrawingUsedColorsWithSource', 'any', () => []),
    getMultipleDrawingsUsedColors: def('DrawingTools', 'getMultipleDrawingsUsedColors', 'any', () => []),
    setCurrentDrawingFromColumnName: stub('DrawingTools', 'setCurrentDrawingFromColumnName', 'String,int?', () => false),
    setCurrentDrawingFromNodeName: stub('DrawingTools', 'setCurrentDrawingFromNodeName', 'String,int?', () => false),
    setCurrentArt: stub('DrawingTools', 'setCurrentArt', 'int', () => false),
  }));
  for (const [name, sig] of [
    ['changeDrawingBitmapLayerResolution', 'any,any,any?'], ['changeDrawingVectorLayerResolution', 'any,any,any?'], ['clearArt', 'any'],
    ['computeBreakingTriangles', 'any?'], ['convertPencilToBrush', 'any?,any?'], ['extractCenterline', 'any?,any?,any?'], ['flatten', 'any'],
    ['optimize', 'any'], ['recolorDrawing', 'any,any'], ['vectorize', ''], ['createLayers', 'any'], ['deleteLayers', 'any'],
    ['deleteStrokes', 'any'], ['eraseLayers', 'any'], ['modifyLayers', 'any'], ['modifyStrokes', 'any'], ['paintAt', 'any'],
  ] as const) add('DrawingTools', () => ({ [name]: stub('DrawingTools', name, sig, () => false) }));

  // ---- PaletteObjectManager / PaletteManager ----
  const sceneList = () => (g.PaletteObjectManager!.getScenePaletteList as () => Api)();
  add('PaletteObjectManager', () => ({
    getNumPaletteLists: def('PaletteObjectManager', 'getNumPaletteLists', '', () => 1),
    getPaletteListByIndex: def('PaletteObjectManager', 'getPaletteListByIndex', 'int', (i: number) => (i === 0 ? sceneList() : null)),
    getPaletteListById: def('PaletteObjectManager', 'getPaletteListById', 'String', (id: string) => (id === 'scene' ? sceneList() : null)),
    getPaletteListByElementId: def('PaletteObjectManager', 'getPaletteListByElementId', 'int', () => sceneList()),
    getPalette: def('PaletteObjectManager', 'getPalette', 'String', (id: string) => (sceneList().getPaletteById as (x: string) => unknown)(id)),
    removePaletteReferencesAndDeleteOnDisk: stub('PaletteObjectManager', 'removePaletteReferencesAndDeleteOnDisk', 'String', () => false),
  }));
  const current = { palette: 0, color: 0 };
  const palette = (i: number) => (sceneList().getPaletteByIndex as (x: number) => Api)(i);
  const paletteCount = () => Number(sceneList().numPalettes);
  const colorOf = (i: number) => (palette(current.palette).getColorByIndex as (x: number) => Api)(i);
  add('PaletteManager', () => ({
    getNumPalettes: def('PaletteManager', 'getNumPalettes', 'bool?', () => paletteCount()),
    getPaletteId: def('PaletteManager', 'getPaletteId', 'int,bool?', (i: number) => (i < paletteCount() ? palette(i).id : '')),
    getPaletteName: def('PaletteManager', 'getPaletteName', 'int,bool?', (i: number) => (i < paletteCount() ? (palette(i).getName as () => string)() : '')),
    getPalettePath: def('PaletteManager', 'getPalettePath', 'int,bool?', (i: number) => (i < paletteCount() ? (palette(i).getPath as () => string)() : '')),
    getCurrentPaletteId: def('PaletteManager', 'getCurrentPaletteId', '', () => (paletteCount() ? palette(current.palette).id : '')),
    getCurrentPaletteName: def('PaletteManager', 'getCurrentPaletteName', '', () => (paletteCount() ? (palette(current.palette).getName as () => string)() : '')),
    getCurrentPalettePath: def('PaletteManager', 'getCurrentPalettePath', '', () => (paletteCount() ? (palette(current.palette).getPath as () => string)() : '')),
    getCurrentPaletteSize: def('PaletteManager', 'getCurrentPaletteSize', '', () => (paletteCount() ? Number(palette(current.palette).nColors) : 0)),
    setCurrentPaletteById: def('PaletteManager', 'setCurrentPaletteById', 'String', (id: string) => {
      for (let i = 0; i < paletteCount(); i++) if (palette(i).id === id) { current.palette = i; current.color = 0; return true; }
      return false;
    }),
    getColorId: def('PaletteManager', 'getColorId', 'int', (i: number) => (paletteCount() ? String(colorOf(i).id ?? '') : '')),
    getColorName: def('PaletteManager', 'getColorName', 'int', (i: number) => (paletteCount() ? String(colorOf(i).name ?? '') : '')),
    getCurrentColorId: def('PaletteManager', 'getCurrentColorId', '', () => (paletteCount() ? String(colorOf(current.color).id ?? '') : '')),
    getCurrentColorName: def('PaletteManager', 'getCurrentColorName', '', () => (paletteCount() ? String(colorOf(current.color).name ?? '') : '')),
    setCurrentColorById: def('PaletteManager', 'setCurrentColorById', 'String', (id: string) => {
      if (!paletteCount()) return false;
      const n = Number(palette(current.palette).nColors);
      for (let i = 0; i < n; i++) if (colorOf(i).id === id) { current.color = i; return true; }
      return false;
    }),
    setCurrentPaletteAndColorById: def('PaletteManager', 'setCurrentPaletteAndColorById', 'String,String', (pid: string, cid: string) =>
      (g.PaletteManager!.setCurrentPaletteById as (x: string) => boolean)(pid) && (g.PaletteManager!.setCurrentColorById as (x: string) => boolean)(cid)),
    setCurrentPencilTextureById: stub('PaletteManager', 'setCurrentPencilTextureById', 'String', () => false),
    applyColorSelection: stub('PaletteManager', 'applyColorSelection', ''),
    removeUnusedFiles: stub('PaletteManager', 'removeUnusedFiles', 'any', () => false),
  }));

  // ---- copyPaste: paste-special switches are remembered; the paste itself uses what pasteNewNodes models ----
  const pasteSpecial: Record<string, unknown> = {};
  for (const name of [
    'setPasteSpecialAddRemoveAngleKeyFrame', 'setPasteSpecialAddRemoveMotionKeyFrame', 'setPasteSpecialAddRemoveScalingKeyFrame',
    'setPasteSpecialAddRemoveSkewKeyFrame', 'setPasteSpecialAddRemoveVelocityKeyFrame', 'setPasteSpecialColorPaletteOption',
    'setPasteSpecialCopyModelDir', 'setPasteSpecialCopyScanFiles', 'setPasteSpecialCreateNewColumn', 'setPasteSpecialDrawingAction',
    'setPasteSpecialDrawingFileMode', 'setPasteSpecialElementTimingColumnMode', 'setPasteSpecialForcesKeyFrameAtBegAndEnd',
    'setPasteSpecialFullTransfer', 'setPasteSpecialMatchNodeName', 'setPasteSpecialOffsetKeyFrames', 'setPasteSpecialReplaceExpressionColumns',
    'setPasteSpecialTVPreserveName', 'setNumFramesSrc', 'setStartFrameSrc', 'usePasteSpecial',
  ]) add('copyPaste', () => ({ [name]: stub('copyPaste', name, 'any', () => undefined) }));
  add('copyPaste', () => ({
    setPasteSpecialDefaultCameraName: def('copyPaste', 'setPasteSpecialDefaultCameraName', 'String?', (n?: string): void => { pasteSpecial.camera = n ?? ''; }),
    setPasteSpecialDrawingAutomaticExtendExposure: def('copyPaste', 'setPasteSpecialDrawingAutomaticExtendExposure', 'bool,bool', (a: boolean, b: boolean): void => { pasteSpecial.extend = [a, b]; }),
    useCreateTemplateSpecial: stub('copyPaste', 'useCreateTemplateSpecial', 'bool,bool?,bool?,bool?'),
    registerObjects: stub('copyPaste', 'registerObjects', 'any'),
    paste: def('copyPaste', 'paste', 'any,StringList,int,int,any', (drag: unknown, nodes: string[]) => {
      const grp = nodes.length > 0 ? nodeOf(nodes[0]!)?.group ?? ROOT : ROOT;
      return (g.copyPaste!.pasteNewNodes as (...a: unknown[]) => boolean)(drag, grp, g.copyPaste!.getCurrentPasteOptions ? (g.copyPaste!.getCurrentPasteOptions as () => unknown)() : {});
    }),
    pasteTemplateIntoScene: def('copyPaste', 'pasteTemplateIntoScene', 'String,String,int', (tpl: string, _col: string, f: number) =>
      (g.copyPaste!.pasteTemplateIntoGroup as (...a: unknown[]) => boolean)(tpl, ROOT, f)),
    pasteActionTemplateIntoNode: stub('copyPaste', 'pasteActionTemplateIntoNode', 'String,String,any,bool?', () => false),
  }));

  // ---- exporter ----
  const exportDir = () => slash(path.join(ctx.tempDir(), 'export'));  // where exportToQuicktime writes without a destination
  const quicktime = (...a: unknown[]): boolean => (g.exporter!.exportToQuicktime as (...x: unknown[]) => boolean)(...a);
  add('exporter', () => ({
    getExportDir: def('exporter', 'getExportDir', '', () => exportDir()),
    cleanExportDir: def('exporter', 'cleanExportDir', '', (): void => { /* nothing kept between exports */ }),
    exportMovie: def('exporter', 'exportMovie', 'any?', (o?: unknown) => {
      const opts = (o ?? {}) as Record<string, unknown>;
      const file = String(opts.fileName ?? opts.filename ?? path.join(exportDir(), 'movie.mov'));
      return quicktime('', Number(opts.startFrame ?? -1), Number(opts.stopFrame ?? -1), opts.withSound !== false, Number(opts.resX ?? -1), Number(opts.resY ?? -1), file);
    }),
    exportToProRes: def('exporter', 'exportToProRes', 'any?', (o?: unknown) => {
      const opts = (o ?? {}) as Record<string, unknown>;
      return quicktime('ProRes', Number(opts.startFrame ?? -1), Number(opts.stopFrame ?? -1), true, -1, -1, String(opts.fileName ?? path.join(exportDir(), 'movie.mov')));
    }),
    exportGIF: stub('exporter', 'exportGIF', 'any?', () => false),
    exportOGLToQuicktime: stub('exporter', 'exportOGLToQuicktime', 'String,String,int?,int?,int?,int?', () => false),
  }));

  // ---- render: settings are kept; a render emits frameReady / renderFinished for the frames asked ----
  const renderState = { resX: 0, resY: 0, bg: null as unknown, combine: [false, false], field: 0, display: '', white: false, write: true, crop: false, cancelled: false };
  const frameReady = signal();
  const nodeFrameReady = signal();
  const renderFinished = signal();
  const runRender = (from: number, to: number): void => {
    renderState.cancelled = false;
    for (let f = from; f <= to && !renderState.cancelled; f++) (frameReady.emit as (...a: unknown[]) => void)(f, null);
    (renderFinished.emit as () => void)();
  };
  add('render', () => ({
    frameReady, nodeFrameReady, renderFinished,
    setResolution: def('render', 'setResolution', 'int,int', (x: number, y: number): void => { renderState.resX = x; renderState.resY = y; }),
    setResolutionName: def('render', 'setResolutionName', 'String', (n: string): void => { const r = NAMED[n]; if (r) { renderState.resX = r[0]; renderState.resY = r[1]; } }),
    setBgColor: def('render', 'setBgColor', 'any', (c: unknown): void => { renderState.bg = c; }),
    setWhiteBackground: def('render', 'setWhiteBackground', 'bool', (b: boolean): void => { renderState.white = b; }),
    setCombine: def('render', 'setCombine', 'bool,bool', (a: boolean, b: boolean): void => { renderState.combine = [a, b]; }),
    setFieldType: def('render', 'setFieldType', 'int', (t: number): void => { renderState.field = t; }),
    setRenderDisplay: def('render', 'setRenderDisplay', 'String', (d: string): void => { renderState.display = d; }),
    setWriteEnabled: def('render', 'setWriteEnabled', 'bool', (b: boolean): void => { renderState.write = b; }),
    setAutoThumbnailCropping: def('render', 'setAutoThumbnailCropping', 'bool', (b: boolean): void => { renderState.crop = b; }),
    renderScene: def('render', 'renderScene', 'int,int', (from: number, to: number): void => runRender(from, to)),
    renderSceneAll: def('render', 'renderSceneAll', '', (): void => runRender(settings().startFrame, settings().stopFrame)),
    renderNodes: stub('render', 'renderNodes', 'any,int,int'),
    cancelRender: def('render', 'cancelRender', '', (): void => { renderState.cancelled = true; }),
    disconnect: def('render', 'disconnect', '', (): void => { for (const s of [frameReady, nodeFrameReady, renderFinished]) (s.disconnect as () => void)(); }),
  }));

  // ---- Timeline: the layers are the composition order of the first display ----
  const layers = () => compositionLayers(ctx, descendantsOf(scene, ROOT).find((p) => nodeOf(p)!.type === 'DISPLAY') ?? '').map((l) => l.node);
  const markers: Array<{ frame: number; length: number; type: string; note: string }> = [];
  add('Timeline', () => ({
    numLayers: def('Timeline', 'numLayers', '', () => layers().length),
    layerToNode: def('Timeline', 'layerToNode', 'int', (i: number) => layers()[i] ?? ''),
    layerIsNode: def('Timeline', 'layerIsNode', 'int', (i: number) => layers()[i] !== undefined),
    layerIsColumn: def('Timeline', 'layerIsColumn', 'int', () => false),
    layerToColumn: def('Timeline', 'layerToColumn', 'int', () => ''),
    parentNodeIndex: def('Timeline', 'parentNodeIndex', 'int', (i: number) => {
      const p = layers()[i];
      const up = p === undefined ? undefined : st().links.find((l) => l.dst === p && l.dstPort === 0)?.src;
      return up === undefined ? -1 : layers().indexOf(up);
    }),
    isAncestorOf: def('Timeline', 'isAncestorOf', 'int,int', (a: number, b: number) => {
      let cur: string | undefined = layers()[b];
      const target = layers()[a];
      for (let guard = 0; cur !== undefined && guard < 10000; guard++) {
        cur = st().links.find((l) => l.dst === cur && l.dstPort === 0)?.src;
        if (cur === target) return true;
      }
      return false;
    }),
    numLayerSel: def('Timeline', 'numLayerSel', '', () => scene.selection.nodes.filter((p) => layers().includes(p)).length),
    selToLayer: def('Timeline', 'selToLayer', 'int', (i: number) => layers().indexOf(scene.selection.nodes.filter((p) => layers().includes(p))[i] ?? '')),
    selToNode: def('Timeline', 'selToNode', 'int', (i: number) => scene.selection.nodes.filter((p) => layers().includes(p))[i] ?? ''),
    selIsNode: def('Timeline', 'selIsNode', 'int', (i: number) => scene.selection.nodes.filter((p) => layers().includes(p))[i] !== undefined),
    selIsColumn: def('Timeline', 'selIsColumn', 'int', () => false),
    selToColumn: def('Timeline', 'selToColumn', 'int', () => ''),
    firstFrameSel: def('Timeline', 'firstFrameSel', '', () => frameRange.start),
    numFrameSel: def('Timeline', 'numFrameSel', '', () => frameRange.count),
    centerOnFrame: def('Timeline', 'centerOnFrame', 'int', (f: number): void => { scene.currentFrame = Math.max(1, Math.min(settings().frames, f)); }),
    setDisplayToUnconnected: stub('Timeline', 'setDisplayToUnconnected', ''),
    frameMarkerTypes: def('Timeline', 'frameMarkerTypes', '', () => ['Generic', 'Keyframe', 'Breakdown', 'Inbetween', 'Extreme']),
    createFrameMarker: def('Timeline', 'createFrameMarker', 'int,int,String', (f: number, len: number, type: string) => {
      if (markers.some((m) => m.frame === f)) return false;
      markers.push({ frame: f, length: len, type, note: '' });
      return true;
    }),
    deleteFrameMarker: def('Timeline', 'deleteFrameMarker', 'any,int', (_n: unknown, f: number) => {
      const i = markers.findIndex((m) => m.frame === f);
      if (i < 0) return false;
      markers.splice(i, 1);
      return true;
    }),
    getFrameMarker: def('Timeline', 'getFrameMarker', 'any,int', (_n: unknown, f: number) => markers.find((m) => m.frame === f) ?? null),
    getAllFrameMarkers: def('Timeline', 'getAllFrameMarkers', 'any', () => markers.map((m) => ({ ...m }))),
    filterFrameMarkers: def('Timeline', 'filterFrameMarkers', 'any,String', (_n: unknown, type: string) => markers.filter((m) => m.type === type).map((m) => ({ ...m }))),
    moveFrameMarker: def('Timeline', 'moveFrameMarker', 'any,int,int', (_n: unknown, from: number, to: number) => {
      const m = markers.find((x) => x.frame === from);
      if (m === undefined || markers.some((x) => x.frame === to)) return false;
      m.frame = to;
      return true;
    }),
    changeFrameMarkerType: def('Timeline', 'changeFrameMarkerType', 'any,int,String', (_n: unknown, f: number, type: string) => {
      const m = markers.find((x) => x.frame === f);
      if (m === undefined) return false;
      m.type = type;
      return true;
    }),
  }));

  // ---- System ----
  add('System', () => ({ processOneEvent: def('System', 'processOneEvent', '', (): void => { /* events run on Node's loop between calls */ }) }));

  // ---- specialFolders: a simulated installation under the application path ----
  const app = host.applicationPath;
  const extra: Record<string, string> = {
    bin32: app, database: path.join(app, 'database'), etc: path.join(app, 'etc'), htmlHelp: path.join(app, 'help'), lang: path.join(app, 'lang'),
    legacyPlugins: path.join(app, 'plugins', 'legacy'), library: path.join(app, 'library'), platform: app, plugins: path.join(app, 'plugins'),
    root: app, templateLibrary: path.join(app, 'library', 'templates'),
  };
  extend('specialFolders', (sf) => {
    for (const [k, v] of Object.entries(extra)) if (!(k in sf)) Object.defineProperty(sf, k, { enumerable: true, get: () => slash(v) });
    if (!('userConfig' in sf)) Object.defineProperty(sf, 'userConfig', { enumerable: true, get: () => slash(String(sf.config)) });
    if (!('userLayouts' in sf)) Object.defineProperty(sf, 'userLayouts', { enumerable: true, get: () => slash(path.join(String(sf.config), 'layouts')) });
  });

  // ---- about ----
  add('about', (about) => ({
    advanced: false, essentials: false, stage: false, storyboard: false, macIntelArch: about.macArch === true && process.arch === 'x64', macPpcArch: false,
    binaryPath: about.applicationPath, resourcesPath: slash(path.join(app, 'resources')),
    isControlCenterApp: def('about', 'isControlCenterApp', '', () => false),
    isDatabaseMode: def('about', 'isDatabaseMode', '', () => false),
    isDemoVersion: def('about', 'isDemoVersion', '', () => false),
    isEducVersion: def('about', 'isEducVersion', '', () => false),
    isGameStoryboard: def('about', 'isGameStoryboard', '', () => false),
    isGameStudio: def('about', 'isGameStudio', '', () => false),
    isMacIntelArch: def('about', 'isMacIntelArch', '', () => about.macArch === true && process.arch === 'x64'),
    isMacPpcArch: def('about', 'isMacPpcArch', '', () => false),
    isScanApp: def('about', 'isScanApp', '', () => false),
    isStageAdvanced: def('about', 'isStageAdvanced', '', () => false),
    isStageEssentials: def('about', 'isStageEssentials', '', () => false),
    isXsheetMode: def('about', 'isXsheetMode', '', () => false),
  }));

  // ---- Action: Harmony's menu and toolbar actions ----
  const ACTIONS = ['onActionSave()', 'onActionSaveAll()', 'onActionNewDrawing()', 'onActionSelectAll()', 'onActionDeselectAll()', 'onActionUndo()', 'onActionRedo()'];
  const performed: string[] = [];
  add('Action', () => ({
    getActionList: def('Action', 'getActionList', 'String', () => ACTIONS.slice()),
    getResponderList: def('Action', 'getResponderList', '', () => ['sceneUI', 'Node View', 'Timeline', 'Drawing']),
    validate: def('Action', 'validate', 'String,String?', (a: string) => ({ isValid: ACTIONS.includes(a), enabled: ACTIONS.includes(a), checked: false })),
    perform: def('Action', 'perform', 'String,String?,any?', (a: string): void => {
      performed.push(a);
      if (a === 'onActionSave()' || a === 'onActionSaveAll()') (g.scene!.saveAll as () => boolean)();
      else if (a === 'onActionSelectAll()') (g.selection!.selectAll as () => void)();
      else if (a === 'onActionDeselectAll()') (g.selection!.clearSelection as () => void)();
      else recorder?.record?.('stub', `Action.perform("${a}")`);
    }),
    performForEach: def('Action', 'performForEach', 'String,String', (a: string): void => { (g.Action!.perform as (x: string) => void)(a); }),
  }));

  // ---- view ----
  add('view', () => ({
    column: def('view', 'column', 'String', () => ''),
    viewPosition: def('view', 'viewPosition', 'String', (v: string) => (v === 'View0' ? { x: 0, y: 0, width: 800, height: 600 } : null)),
    currentToolManager: stub('view', 'currentToolManager', 'any?', () => null),
    refreshViews: def('view', 'refreshViews', '', (): void => { /* nothing is drawn */ }),
  }));

  // ---- sound ----
  add('sound', () => ({
    soundReady: signal(),
    getSoundtrack: def('sound', 'getSoundtrack', 'int,int', () => (g.sound!.getSoundtrackAll as () => unknown)()),
    copy: stub('sound', 'copy', 'any,any', () => false),
    isUnicode: def('sound', 'isUnicode', 'String', () => true),
    setChannelCount: stub('sound', 'setChannelCount', 'int'),
    setChannelSize: stub('sound', 'setChannelSize', 'int'),
    setFrameRate: stub('sound', 'setFrameRate', 'double'),
    setSampleRate: stub('sound', 'setSampleRate', 'int'),
  }));
  return extenders;
}
