/**
 * Globals every Harmony script engine has besides the scene DOM and the Qt bindings: the File, Dir and
 * FileAccess classes (Harmony's own file API, not Qt's), the geometry classes Point2d, Point3d,
 * Vector2d, Vector3d and Matrix4x4, and Qt Script's print(). Libraries written for Harmony use them at load time (OpenHarmony
 * probes for curl with `new File(path).exists` and subclasses `Matrix4x4.prototype`), so a script engine
 * without them fails before any pipeline code runs. `__file__` is set by the engine around each include.
 */
import fs from 'node:fs';
import path from 'node:path';
import { QDir } from './qt.ts';

const slash = (p: string) => p.replace(/\\/g, '/');

/** Harmony's FileAccess open modes. */
export const FileAccess = Object.freeze({ ReadOnly: 1, WriteOnly: 2, ReadWrite: 3, Append: 4, Truncate: 8, Translate: 16 });

/** Harmony's File: properties for what the file is, slots to read and write it (text, UTF-8). */
export class File {
  private full: string;
  private fd: number | null = null;
  private readPos = 0;

  constructor(file: unknown) {
    this.full = slash(String(file ?? ''));
  }

  get fullName(): string { return this.full; }
  set fullName(p: unknown) { this.full = slash(String(p)); }
  get name(): string { return path.posix.basename(this.full); }
  get path(): string { return path.posix.dirname(this.full); }
  get baseName(): string { const n = this.name; const i = n.indexOf('.'); return i > 0 ? n.slice(0, i) : n; }
  get extension(): string { const n = this.name; const i = n.lastIndexOf('.'); return i > 0 ? n.slice(i + 1) : ''; }
  get exists(): boolean { return fs.statSync(this.full, { throwIfNoEntry: false })?.isFile() ?? false; }
  get readable(): boolean { return this.access(fs.constants.R_OK); }
  get writable(): boolean { return this.access(fs.constants.W_OK); }
  get executable(): boolean { return this.access(fs.constants.X_OK); }
  get hidden(): boolean { return this.name.startsWith('.'); }
  get size(): number { return fs.statSync(this.full, { throwIfNoEntry: false })?.size ?? 0; }
  get lastModified(): Date | null { return fs.statSync(this.full, { throwIfNoEntry: false })?.mtime ?? null; }
  get created(): Date | null { return fs.statSync(this.full, { throwIfNoEntry: false })?.birthtime ?? null; }
  get symLink(): string { try { return slash(fs.readlinkSync(this.full)); } catch { return ''; } }
  get eof(): boolean { return this.fd === null || this.readPos >= fs.fstatSync(this.fd).size; }

  private access(mode: number): boolean {
    try { fs.accessSync(this.full, mode); return true; } catch { return false; }
  }

  /** Opens with a FileAccess mode; throws as Harmony does when the file cannot be opened. */
  open(mode: unknown): void {
    const m = Number(mode) || FileAccess.ReadOnly;
    const flags = m & FileAccess.Append ? 'a' : (m & FileAccess.ReadWrite) === FileAccess.ReadWrite ? (m & FileAccess.Truncate ? 'w+' : fs.existsSync(this.full) ? 'r+' : 'w+')
      : m & FileAccess.WriteOnly ? 'w' : 'r';
    this.close();
    try {
      this.fd = fs.openSync(this.full, flags);
      this.readPos = 0;
    } catch (err) {
      throw new Error(`File.open: cannot open ${this.full} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }

  close(): void {
    if (this.fd !== null) { try { fs.closeSync(this.fd); } catch { /* closed */ } }
    this.fd = null;
  }

  private rest(): Buffer {
    if (this.fd === null) throw new Error(`File: ${this.full} is not open`);
    const size = fs.fstatSync(this.fd).size;
    const buf = Buffer.alloc(Math.max(0, size - this.readPos));
    if (buf.length) fs.readSync(this.fd, buf, 0, buf.length, this.readPos);
    return buf;
  }

  read(): string {
    const buf = this.rest();
    this.readPos += buf.length;
    return buf.toString('utf8');
  }

  readLine(): string {
    const buf = this.rest();
    const nl = buf.indexOf(0x0a);
    const line = nl < 0 ? buf : buf.subarray(0, nl);
    this.readPos += nl < 0 ? buf.length : nl + 1;
    return line.toString('utf8').replace(/\r$/, '');
  }

  readLines(): string[] {
    const text = this.read();
    const lines = text.split(/\r?\n/);
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  readByte(): number {
    const buf = this.rest();
    if (!buf.length) return -1;
    this.readPos++;
    return buf[0]!;
  }

  write(data: unknown, length?: unknown): void {
    if (this.fd === null) throw new Error(`File: ${this.full} is not open`);
    let text = String(data);
    if (length !== undefined && Number(length) >= 0) text = text.slice(0, Number(length));
    fs.writeSync(this.fd, text);
  }

  writeLine(data: unknown): void { this.write(`${String(data)}\n`); }

  writeByte(byte: unknown): void {
    if (this.fd === null) throw new Error(`File: ${this.full} is not open`);
    fs.writeSync(this.fd, Buffer.from([Number(byte) & 0xff]));
  }

  remove(): void {
    this.close();
    fs.rmSync(this.full, { force: true });
  }
}

/** Harmony's Dir: a settable `path` and slots that act on it (`dir.path = x; dir.mkdirs()`). */
export class Dir {
  path: string;

  constructor(dir?: unknown) {
    this.path = slash(String(dir ?? '.'));
  }

  get name(): string { return path.posix.basename(this.absPath); }
  get absPath(): string { return slash(path.resolve(this.path)); }
  get canonicalPath(): string { try { return slash(fs.realpathSync(this.path)); } catch { return ''; } }
  get exists(): boolean { return fs.statSync(this.path, { throwIfNoEntry: false })?.isDirectory() ?? false; }
  get readable(): boolean { try { fs.accessSync(this.path, fs.constants.R_OK); return true; } catch { return false; } }

  private at(name?: unknown): string {
    return name === undefined || name === null || String(name) === '' ? this.absPath : slash(path.resolve(this.absPath, String(name)));
  }

  filePath(file?: unknown): string { return file === undefined ? this.path : `${this.path.replace(/\/$/, '')}/${String(file)}`; }
  absFilePath(file?: unknown): string { return this.at(file); }
  cd(dirName: unknown): void { this.path = this.at(dirName); }
  cdUp(): void { this.path = slash(path.dirname(this.absPath)); }
  fileExists(name: unknown): boolean { return fs.existsSync(this.at(name)); }
  setCurrent(): void { process.chdir(this.absPath); }
  mkdir(name?: unknown): void { fs.mkdirSync(this.at(name)); }
  mkdirs(name?: unknown): void { fs.mkdirSync(this.at(name), { recursive: true }); }
  rmdir(name?: unknown): void { fs.rmdirSync(this.at(name)); }
  rmdirs(name?: unknown): void { fs.rmSync(this.at(name), { recursive: true, force: true }); }
  remove(name: unknown): void { fs.rmSync(this.at(name), { force: true }); }
  rename(from: unknown, to: unknown): void { fs.renameSync(this.at(from), this.at(to)); }

  /** Names matching the wildcard filter ("*.js", several separated by ';' or spaces), QDir filter and sort flags. */
  entryList(filter?: unknown, filterSpec?: unknown, sortSpec?: unknown): string[] {
    const names = filter === undefined || filter === null || String(filter) === '' ? [] : String(filter).split(/[;\s]+/).filter(Boolean);
    const q = new QDir(this.absPath);
    const spec = filterSpec === undefined ? -1 : Number(filterSpec);
    const sort = sortSpec === undefined || Number(sortSpec) === -1 ? undefined : Number(sortSpec);
    return q.entryList(names, spec, sort);
  }
}

type Vec = { x: number; y: number; z: number };
const num = (v: unknown) => Number(v) || 0;

export class Point2d {
  x: number; y: number;
  constructor(x?: unknown, y?: unknown) { this.x = num(x); this.y = num(y); }
  add(v: Vec): Point2d { return new Point2d(this.x + v.x, this.y + v.y); }
  minus(p: Vec): Vector2d { return new Vector2d(this.x - p.x, this.y - p.y); }
  distance(p: Vec): number { return Math.hypot(this.x - p.x, this.y - p.y); }
}

export class Vector2d extends Point2d {
  length(): number { return Math.hypot(this.x, this.y); }
  normalize(): Vector2d { const l = this.length() || 1; this.x /= l; this.y /= l; return this; }
  multiply(s: unknown): Vector2d { return new Vector2d(this.x * num(s), this.y * num(s)); }
  dot(v: Vec): number { return this.x * v.x + this.y * v.y; }
}

export class Point3d {
  x: number; y: number; z: number;
  constructor(x?: unknown, y?: unknown, z?: unknown) { this.x = num(x); this.y = num(y); this.z = num(z); }
  add(v: Vec): Point3d { return new Point3d(this.x + v.x, this.y + v.y, this.z + v.z); }
  minus(p: Vec): Vector3d { return new Vector3d(this.x - p.x, this.y - p.y, this.z - p.z); }
  distance(p: Vec): number { return Math.hypot(this.x - p.x, this.y - p.y, this.z - p.z); }
}

export class Vector3d extends Point3d {
  length(): number { return Math.hypot(this.x, this.y, this.z); }
  normalize(): Vector3d { const l = this.length() || 1; this.x /= l; this.y /= l; this.z /= l; return this; }
  multiply(s: unknown): Vector3d { return new Vector3d(this.x * num(s), this.y * num(s), this.z * num(s)); }
  dot(v: Vec): number { return this.x * v.x + this.y * v.y + this.z * v.z; }
  cross(v: Vec): Vector3d { return new Vector3d(this.y * v.z - this.z * v.y, this.z * v.x - this.x * v.z, this.x * v.y - this.y * v.x); }
  project(v: Vec): Vector3d { const d = v.x * v.x + v.y * v.y + v.z * v.z || 1; return new Vector3d(v.x, v.y, v.z).multiply(this.dot(v) / d); }
}

/** A 4x4 transformation matrix (row-major m00..m33), as Harmony's Matrix4x4. */
export class Matrix4x4 {
  [key: string]: unknown;
  constructor() { this.reset(); }

  reset(): Matrix4x4 {
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) this[`m${r}${c}`] = r === c ? 1 : 0;
    return this;
  }

  private cell(r: number, c: number): number { return this[`m${r}${c}`] as number; }

  /** this = this * m (a matrix), or the transformed point/vector. */
  multiply(m: unknown): unknown {
    if (m instanceof Matrix4x4) {
      const out: number[] = [];
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += this.cell(r, k) * m.cell(k, c);
        out.push(s);
      }
      out.forEach((v, i) => { this[`m${Math.floor(i / 4)}${i % 4}`] = v; });
      return this;
    }
    const p = m as Vec;
    const x = this.cell(0, 0) * p.x + this.cell(0, 1) * p.y + this.cell(0, 2) * p.z + this.cell(0, 3);
    const y = this.cell(1, 0) * p.x + this.cell(1, 1) * p.y + this.cell(1, 2) * p.z + this.cell(1, 3);
    const z = this.cell(2, 0) * p.x + this.cell(2, 1) * p.y + this.cell(2, 2) * p.z + this.cell(2, 3);
    return new Point3d(x, y, z);
  }

  private by(rows: number[][]): Matrix4x4 {
    const m = new Matrix4x4();
    rows.forEach((row, r) => row.forEach((v, c) => { m[`m${r}${c}`] = v; }));
    return this.multiply(m) as Matrix4x4;
  }

  translate(x?: unknown, y?: unknown, z?: unknown): Matrix4x4 {
    return this.by([[1, 0, 0, num(x)], [0, 1, 0, num(y)], [0, 0, 1, num(z)], [0, 0, 0, 1]]);
  }

  scale(x?: unknown, y?: unknown, z?: unknown): Matrix4x4 {
    const sx = x === undefined ? 1 : num(x);
    return this.by([[sx, 0, 0, 0], [0, y === undefined ? sx : num(y), 0, 0], [0, 0, z === undefined ? 1 : num(z), 0], [0, 0, 0, 1]]);
  }

  rotateRadians(angle: unknown, axis?: Vec): Matrix4x4 {
    const a = num(angle);
    const v = axis ? new Vector3d(axis.x, axis.y, axis.z).normalize() : new Vector3d(0, 0, 1);
    const c = Math.cos(a); const s = Math.sin(a); const t = 1 - c;
    return this.by([
      [t * v.x * v.x + c, t * v.x * v.y - s * v.z, t * v.x * v.z + s * v.y, 0],
      [t * v.x * v.y + s * v.z, t * v.y * v.y + c, t * v.y * v.z - s * v.x, 0],
      [t * v.x * v.z - s * v.y, t * v.y * v.z + s * v.x, t * v.z * v.z + c, 0],
      [0, 0, 0, 1],
    ]);
  }

  rotateDegrees(angle: unknown, axis?: Vec): Matrix4x4 { return this.rotateRadians(num(angle) * Math.PI / 180, axis); }
}

/** A test's answer to the next dialog a script shows: OK or Cancel, and what to type or pick, by widget label. */
export interface DialogAnswer { ok: boolean; values?: Record<string, string | number | boolean> }
/** A dialog a script showed (Dialog.exec): its title, its widgets, and the answer it got (null: nobody answered, cancelled). */
export interface ShownDialog { title: string; widgets: { kind: string; label: string }[]; answer: DialogAnswer | null }
/** Called when a script shows a dialog; returns the answer, or null for none (the dialog is cancelled). */
export type DialogResponder = (shown: Omit<ShownDialog, 'answer'>) => DialogAnswer | null;

/**
 * Harmony's own dialog classes (Dialog and its widgets Label, LineEdit, CheckBox, ComboBox, SpinBox...).
 * exec() takes the next answer a test queued (HarmonySimulator.dialogAnswers): the values are set on the
 * widgets of those labels as a user would type or pick them, and exec() returns true for OK, false for
 * Cancel. With no answer queued nobody is there to answer: exec() logs what it would show and returns false,
 * as a dialog the user cancelled, so scripts take their "cancelled" path instead of waiting.
 */
function dialogClasses(log: (line: string) => void, respond: DialogResponder | null): Record<string, unknown> {
  const widget = (kind: string, defaults: Record<string, unknown>) => function (this: Record<string, unknown>) {
    Object.assign(this, { kind, label: '', toolTip: '', enabled: true }, defaults);
  };
  function Dialog(this: Record<string, unknown>): void {
    Object.assign(this, { title: '', okButtonText: 'OK', cancelButtonText: 'Cancel', __widgets: [] as unknown[] });
  }
  Object.assign(Dialog.prototype, {
    add(this: { __widgets: unknown[] }, w: unknown): void { this.__widgets.push(w); },
    addSpace(): void {}, newColumn(): void {}, newTab(): void {},
    exec(this: { title: string; __widgets: Array<Record<string, unknown>> }): boolean {
      const title = String(this.title);
      const texts = this.__widgets.map((w) => String(w?.text ?? w?.label ?? '')).filter(Boolean);
      const answer = respond?.({ title, widgets: this.__widgets.map((w) => ({ kind: String(w?.kind ?? ''), label: String(w?.label ?? '') })) }) ?? null;
      if (!answer) {
        log(`[Dialog] ${title}${texts.length ? `: ${texts.join(' | ')}` : ''} (no user in the simulator: cancelled)`);
        return false;
      }
      for (const [label, value] of Object.entries(answer.values ?? {})) {
        const w = this.__widgets.find((x) => String(x?.label ?? '') === label);
        if (!w) throw new Error(`the test's answer to the dialog "${title}" names a widget "${label}" it does not have (it has: ${this.__widgets.map((x) => `"${String(x?.label ?? '')}"`).join(', ')})`);
        if (w.kind === 'CheckBox' || w.kind === 'RadioButton') w.checked = Boolean(value);
        else if (w.kind === 'ComboBox') w.currentItem = String(value);
        else if (w.kind === 'SpinBox' || w.kind === 'NumberEdit') w.value = Number(value);
        else w.text = String(value);
      }
      log(`[Dialog] ${title}: answered ${answer.ok ? 'OK' : 'Cancel'}`);
      return answer.ok;
    },
  });
  return {
    Dialog,
    Label: widget('Label', { text: '' }),
    LineEdit: widget('LineEdit', { text: '' }),
    TextEdit: widget('TextEdit', { text: '' }),
    CheckBox: widget('CheckBox', { text: '', checked: false }),
    RadioButton: widget('RadioButton', { text: '', checked: false }),
    ComboBox: widget('ComboBox', { itemList: [], currentItem: '', editable: false }),
    SpinBox: widget('SpinBox', { value: 0, minimum: 0, maximum: 100 }),
    NumberEdit: widget('NumberEdit', { value: 0, decimals: 2, minimum: 0, maximum: 100 }),
    GroupBox: widget('GroupBox', { title: '' }),
  };
}

/** The engine-level globals for one script engine; `print` (Qt Script's) writes to the message log. */
export function createEngineGlobals(log: (line: string) => void, respond: DialogResponder | null = null): Record<string, unknown> {
  const print = (...args: unknown[]): void => log(args.map(String).join(' '));
  return { File, Dir, FileAccess, Point2d, Point3d, Vector2d, Vector3d, Matrix4x4, print, ...dialogClasses(log, respond) };
}
