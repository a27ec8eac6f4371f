/**
 * SimScene: one open Harmony scene (a project folder) with its in-memory state, dirty flag, selection and
 * current frame. The DOM globals operate on it; the simulator process owns it across script engines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SceneExistsError, SceneFormatError, SceneWriteError } from './errors.ts';
import type { BackdropState, ElementState, SceneDoc, SceneState } from './model.ts';
import { defaultSceneState, fromDoc, toDoc } from './model.ts';
import { findXstage, parseXstage, writeProject } from './persist.ts';

/** Extension of drawing files for an element's file format. */
export function drawingExtension(el: ElementState): string {
  switch (el.fileFormat) {
    case 'SCAN': case 'OPT': return 'tvg';
    case 'JPEG': case 'JPG': return 'jpg';
    case 'TIFF': case 'TIF': return 'tif';
    default: return el.fileFormat.toLowerCase();
  }
}

export class SimScene {
  #projectDir: string;
  #versionName: string;
  #dirty = false;
  state: SceneState;
  /** Session state that Harmony does not save. */
  selection: { nodes: string[]; backdrops: BackdropState[] } = { nodes: [], backdrops: [] };
  currentFrame = 1;
  /** Why the last saveAll/saveAs returned false. */
  lastSaveError: Error | undefined;
  /** Files and folders to delete at the next save (Harmony removes deleted drawings/elements on save). */
  readonly pendingDeletes = new Set<string>();

  private constructor(projectDir: string, versionName: string, state: SceneState) {
    this.#projectDir = projectDir;
    this.#versionName = versionName;
    this.state = state;
  }

  /** Creates a new default scene (Top/Composite -> Display, Write) as a project folder on disk. */
  static createDefault(projectDir: string, name?: string): SimScene {
    const dir = path.resolve(projectDir);
    const sceneName = name ?? path.basename(dir);
    const xstage = path.join(dir, `${sceneName}.xstage`);
    if (fs.existsSync(xstage)) throw new SceneExistsError(xstage);
    const scene = new SimScene(dir, sceneName, defaultSceneState(sceneName));
    try {
      scene.#write();
    } catch (err) {
      throw new SceneWriteError(dir, err);
    }
    return scene;
  }

  /** Opens an .xstage file or a project folder holding one. */
  static open(input: string): SimScene {
    const xstage = findXstage(input);
    const dir = path.dirname(xstage);
    let text: string;
    try {
      text = fs.readFileSync(xstage, 'utf8');
    } catch (err) {
      throw new SceneFormatError(xstage, `it cannot be read (${(err as Error).message})`, err);
    }
    const raw = parseXstage(text, xstage);
    let state: SceneState;
    try {
      state = fromDoc(raw, (p) => (path.isAbsolute(p) ? p : path.join(dir, p)));
    } catch (err) {
      throw new SceneFormatError(xstage, (err as Error).message, err);
    }
    return new SimScene(dir, path.basename(xstage).slice(0, -'.xstage'.length), state);
  }

  get projectDir(): string { return this.#projectDir; }
  get versionName(): string { return this.#versionName; }
  get sceneName(): string { return this.state.sceneName; }
  get xstagePath(): string { return path.join(this.#projectDir, `${this.#versionName}.xstage`); }

  isDirty(): boolean { return this.#dirty; }
  /** Every mutation calls this. */
  touch(): void { this.#dirty = true; }

  elementDir(el: ElementState): string {
    return path.join(this.#projectDir, 'elements', el.folder);
  }

  drawingFile(el: ElementState, drawing: string): string {
    return path.join(this.elementDir(el), `${el.name}-${drawing}.${drawingExtension(el)}`);
  }

  /** The scene as saved (JSON document), with palette paths relative to the project when inside it. */
  snapshot(): SceneDoc {
    return toDoc(this.state, (abs) => this.#paletteToDoc(abs));
  }

  /** Replaces the in-memory state with a snapshot (used to cancel an undo accumulation). */
  restore(doc: SceneDoc): void {
    const ids = new Map(this.state.palettes.map((p) => [p.file, p.id]));
    this.state = fromDoc(structuredClone(doc), (p) => (path.isAbsolute(p) ? p : path.join(this.#projectDir, p)));
    for (const p of this.state.palettes) p.id = ids.get(p.file) ?? p.id;
    this.selection.nodes = this.selection.nodes.filter((n) => this.state.nodes.has(n));
  }

  saveAll(): boolean {
    try {
      this.#write();
      this.#dirty = false;
      this.lastSaveError = undefined;
      return true;
    } catch (err) {
      this.lastSaveError = new SceneWriteError(this.#projectDir, err);
      return false;
    }
  }

  /**
   * Saves into a new project folder `dir` whose .xstage is named after the folder, and makes it the current
   * scene. Fails (false) when `dir` exists and is not an empty folder.
   */
  saveAs(dir: string): boolean {
    const target = path.resolve(dir);
    const name = path.basename(target);
    if (name === '' || target === this.#projectDir) {
      this.lastSaveError = new SceneWriteError(target, new Error('choose a new folder for the scene'));
      return false;
    }
    if (fs.existsSync(target) && (!fs.statSync(target).isDirectory() || fs.readdirSync(target).length > 0)) {
      this.lastSaveError = new SceneWriteError(target, new Error('the destination exists and is not an empty folder'));
      return false;
    }
    const old = { dir: this.#projectDir, version: this.#versionName, sceneName: this.state.sceneName };
    const oldPalettes = this.state.palettes.map((p) => ({ ...p }));
    try {
      fs.mkdirSync(target, { recursive: true });
      const copyIfExists = (rel: string): void => {
        const src = path.join(old.dir, rel);
        if (fs.existsSync(src)) fs.cpSync(src, path.join(target, rel), { recursive: true });
      };
      for (const el of this.state.elements.values()) copyIfExists(path.join('elements', el.folder));
      copyIfExists('palette-library');
      copyIfExists('audio');
      for (const p of this.state.palettes) {
        const rel = path.relative(old.dir, p.file);
        if (!rel.startsWith('..') && !path.isAbsolute(rel)) p.file = path.join(target, rel);
      }
      this.#projectDir = target;
      this.#versionName = name;
      this.state.sceneName = name;
      this.pendingDeletes.clear();
      this.#write();
      this.#dirty = false;
      this.lastSaveError = undefined;
      return true;
    } catch (err) {
      this.#projectDir = old.dir;
      this.#versionName = old.version;
      this.state.sceneName = old.sceneName;
      this.state.palettes = oldPalettes;
      this.lastSaveError = new SceneWriteError(target, err);
      return false;
    }
  }

  /** Saves the scene as another .xstage version in the same project folder and makes it current. */
  saveAsNewVersion(versionName: string): boolean {
    if (!/^[^/\\:*?"<>|]+$/.test(versionName)) return false;
    const previous = this.#versionName;
    this.#versionName = versionName;
    if (this.saveAll()) return true;
    this.#versionName = previous;
    return false;
  }

  #paletteToDoc(abs: string): string {
    const rel = path.relative(this.#projectDir, abs);
    return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
  }

  #write(): void {
    const live = new Set<string>();
    for (const el of this.state.elements.values()) {
      live.add(this.elementDir(el));
      for (const d of el.drawings) live.add(this.drawingFile(el, d));
    }
    for (const p of this.pendingDeletes) {
      if (!live.has(p) && p.startsWith(this.#projectDir + path.sep)) fs.rmSync(p, { recursive: true, force: true });
    }
    this.pendingDeletes.clear();
    writeProject(this.#projectDir, this.#versionName, this.state, this.snapshot());
  }
}
