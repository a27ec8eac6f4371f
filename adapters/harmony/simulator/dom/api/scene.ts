/** The `scene` and `frame` globals: saving, scene settings, metadata, undo accumulation, frames. */
import { native } from '../coerce.ts';
import type { MetadataEntry, SceneDoc } from '../model.ts';
import { insertFrames, removeFrames } from '../timeline.ts';
import type { DomContext } from './context.ts';

const slash = (p: string): string => p.split('\\').join('/');

function readMetadata(x: unknown): MetadataEntry | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  const o = x as Record<string, unknown>;
  if (o.name === undefined || o.name === null || String(o.name) === '') return undefined;
  const str = (v: unknown, d: string): string => (v === undefined || v === null ? d : String(v));
  return { name: String(o.name), type: str(o.type, 'string'), creator: str(o.creator, ''), version: str(o.version, ''), value: str(o.value, '') };
}

export function createSceneApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm, host } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `scene.${name}`, sig, impl);
  const s = () => scene.state.settings;
  const change = (ok: boolean, apply: () => void): boolean => {
    if (!ok) return false;
    apply();
    scene.touch();
    return true;
  };
  const reportSave = (ok: boolean): boolean => {
    if (!ok && scene.lastSaveError !== undefined) host.log(`[error] ${scene.lastSaveError.message}`);
    return ok;
  };
  let undoDepth = 0;
  let undoSnapshot: SceneDoc | undefined;

  return {
    currentProjectPath: fn('currentProjectPath', '', () => slash(scene.projectDir)),
    currentProjectPathRemapped: fn('currentProjectPathRemapped', '', () => slash(scene.projectDir)),
    currentVersionName: fn('currentVersionName', '', () => scene.versionName),
    currentScene: fn('currentScene', '', () => scene.sceneName),
    currentEnvironment: fn('currentEnvironment', '', () => ''),
    currentJob: fn('currentJob', '', () => ''),
    isDirty: fn('isDirty', '', () => scene.isDirty()),
    saveAll: fn('saveAll', '', () => reportSave(scene.saveAll())),
    saveAs: fn('saveAs', 'String', (dir: string) => reportSave(dir !== '' && scene.saveAs(dir))),
    saveAsNewVersion: fn('saveAsNewVersion', 'String,bool?', (name: string) => reportSave(scene.saveAsNewVersion(name))),

    metadata: fn('metadata', 'String,String?', (name: string, type?: string) => {
      const t = type ?? 'string';
      const m = scene.state.metadata.find((e) => e.name === name && e.type === t);
      return m === undefined ? undefined : { ...m };
    }),
    metadatas: fn('metadatas', '', () => scene.state.metadata.map((m) => ({ ...m }))),
    setMetadata: fn('setMetadata', 'any', (obj: unknown): void => {
      const m = readMetadata(obj);
      if (m === undefined) return;
      const i = scene.state.metadata.findIndex((e) => e.name === m.name && e.type === m.type);
      if (i >= 0) scene.state.metadata[i] = m;
      else scene.state.metadata.push(m);
      scene.touch();
    }),
    removeMetadata: fn('removeMetadata', 'any', (obj: unknown): boolean => {
      const m = readMetadata(obj);
      const i = m === undefined ? -1 : scene.state.metadata.findIndex((e) => e.name === m.name && e.type === m.type);
      if (i < 0) return false;
      scene.state.metadata.splice(i, 1);
      scene.touch();
      return true;
    }),

    getFrameRate: fn('getFrameRate', '', () => s().fps),
    setFrameRate: fn('setFrameRate', 'double', (fps: number) =>
      change(Number.isFinite(fps) && fps > 0, () => { s().fps = fps; })),
    getStartFrame: fn('getStartFrame', '', () => s().startFrame),
    getStopFrame: fn('getStopFrame', '', () => s().stopFrame),
    setStartFrame: fn('setStartFrame', 'int', (f: number) =>
      change(f >= 1 && f <= s().stopFrame, () => { s().startFrame = f; })),
    setStopFrame: fn('setStopFrame', 'int', (f: number) =>
      change(f >= s().startFrame && f <= s().frames, () => { s().stopFrame = f; })),
    setDefaultResolution: fn('setDefaultResolution', 'int,int,double', (x: number, y: number, fov: number) =>
      change(x >= 1 && y >= 1 && x <= 16384 && y <= 16384 && Number.isFinite(fov) && fov > 0 && fov < 180, () => {
        s().resX = x; s().resY = y; s().fov = fov;
      })),
    defaultResolutionX: fn('defaultResolutionX', '', () => s().resX),
    defaultResolutionY: fn('defaultResolutionY', '', () => s().resY),
    defaultResolutionFOV: fn('defaultResolutionFOV', '', () => s().fov),
    numberOfUnitsX: fn('numberOfUnitsX', '', () => s().unitsX),
    numberOfUnitsY: fn('numberOfUnitsY', '', () => s().unitsY),
    numberOfUnitsZ: fn('numberOfUnitsZ', '', () => s().unitsZ),

    beginUndoRedoAccum: fn('beginUndoRedoAccum', 'String?', (): void => {
      if (undoDepth === 0) undoSnapshot = scene.snapshot();
      undoDepth++;
    }),
    endUndoRedoAccum: fn('endUndoRedoAccum', '', (): void => {
      if (undoDepth > 0) undoDepth--;
      if (undoDepth === 0) undoSnapshot = undefined;
    }),
    cancelUndoRedoAccum: fn('cancelUndoRedoAccum', '', (): void => {
      if (undoDepth > 0 && undoSnapshot !== undefined) scene.restore(undoSnapshot);
      undoDepth = 0;
      undoSnapshot = undefined;
    }),
    clearHistory: fn('clearHistory', '', (): void => {}),
  };
}

export function createFrameApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `frame.${name}`, sig, impl);
  return {
    current: fn('current', '', () => scene.currentFrame),
    setCurrent: fn('setCurrent', 'int', (f: number): void => {
      scene.currentFrame = Math.max(1, Math.min(scene.state.settings.frames, f));
    }),
    numberOf: fn('numberOf', '', () => scene.state.settings.frames),
    insert: fn('insert', 'int,int,any?', (at: number, n: number) => insertFrames(scene, at, n)),
    remove: fn('remove', 'int,int,any?', (at: number, n: number) => removeFrames(scene, at, n)),
  };
}
