/**
 * The Qt Script bindings the Harmony scripts use, over real Node sockets, timers and files:
 * QTcpSocket, QByteArray, QTextCodec, QTimer, QFile/QIODevice, QDir, QCoreApplication, QApplication,
 * QMainWindow/QMenuBar/QMenu/QAction. Everything a script engine creates is owned by its QtScope and
 * dies with it, as Harmony destroys the engine on every scene switch.
 */
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QFileInfo, QTextStream, PROCESS_ENUMS, createQProcess } from './qt-io.ts';

export interface QtHost {
  log(line: string): void;
  /** Fault injection on the sockets scripts open. */
  faults?: SocketFaults;
  /** Harmony 21.1+ has no QDataStream in its bindings. */
  hasQDataStream: boolean;
  /** GUI sessions have a main window with a menu bar; batch ones do not. */
  gui: boolean;
  /**
   * What the scripts' sockets do, for the simulator's own waits (--trigger): a connection attempt, bytes
   * written and read, a failed connection (its error code as the bytes' text).
   */
  onSocket?(what: 'connecting' | 'write' | 'read' | 'error', bytes: Buffer): void;
}

export interface SocketFaults {
  /** Deliver incoming bytes to the script in pieces of at most this many bytes, one readyRead each. */
  splitIncoming?: number;
  /** Hold incoming bytes this many ms so several frames arrive in one readyRead. */
  coalesceMs?: number;
  /** Delay every incoming chunk by this many ms. */
  delayMs?: number;
  /** Close the connection after this many incoming chunks. */
  dropAfterChunks?: number;
  /** Called for every incoming chunk (e.g. to crash the process mid-call). */
  onIncoming?(bytes: Buffer): void;
}

type Slot = (...args: unknown[]) => unknown;

/** A Qt signal as scripts see it: `sig.connect(fn)`, `sig.connect(obj, fn)`, `sig.disconnect(fn)`. */
export class Signal {
  private slots: { fn: Slot; self: unknown }[] = [];
  private readonly scope: QtScope;

  constructor(scope: QtScope) {
    this.scope = scope;
  }

  connect(a: unknown, b?: unknown): void {
    if (typeof a === 'function') this.slots.push({ fn: a as Slot, self: undefined });
    else if (typeof b === 'function') this.slots.push({ fn: b as Slot, self: a });
    else if (typeof b === 'string' && a && typeof (a as Record<string, unknown>)[b] === 'function') this.slots.push({ fn: (a as Record<string, Slot>)[b], self: a });
    else throw new TypeError('connect: target is not a function');
  }

  disconnect(a?: unknown, b?: unknown): void {
    const fn = typeof a === 'function' ? a : b;
    this.slots = fn ? this.slots.filter((s) => s.fn !== fn) : [];
  }

  emit(...args: unknown[]): void {
    if (this.scope.dead) return;
    for (const slot of this.slots.slice()) {
      try {
        slot.fn.apply(slot.self, args);
      } catch (err) {
        this.scope.host.log(`[error] uncaught exception in a signal handler: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
  }
}

/** Owns what one script engine created; `destroy()` tears it all down. */
export class QtScope {
  readonly host: QtHost;
  dead = false;
  private readonly disposers = new Set<() => void>();

  constructor(host: QtHost) {
    this.host = host;
  }

  own(dispose: () => void): () => void {
    this.disposers.add(dispose);
    return () => this.disposers.delete(dispose);
  }

  destroy(): void {
    this.dead = true;
    for (const d of this.disposers) {
      try { d(); } catch { /* already gone */ }
    }
    this.disposers.clear();
  }
}

export class QByteArray {
  buf: Buffer;

  constructor(init?: unknown) {
    this.buf = init === undefined || init === null ? Buffer.alloc(0) : toBytes(init);
  }

  append(x: unknown): QByteArray { this.buf = Buffer.concat([this.buf, toBytes(x)]); return this; }
  prepend(x: unknown): QByteArray { this.buf = Buffer.concat([toBytes(x), this.buf]); return this; }
  size(): number { return this.buf.length; }
  length(): number { return this.buf.length; }
  count(): number { return this.buf.length; }
  isEmpty(): boolean { return this.buf.length === 0; }
  clear(): void { this.buf = Buffer.alloc(0); }
  /** Signed, like QByteArray::at() returning a char. */
  at(i: number): number {
    const n = Number(i);
    return n >= 0 && n < this.buf.length ? this.buf.readInt8(n) : 0;
  }
  mid(pos: number, len?: number): QByteArray {
    const p = Math.max(0, Number(pos) | 0);
    const end = len === undefined || Number(len) < 0 ? this.buf.length : Math.min(this.buf.length, p + (Number(len) | 0));
    return new QByteArray(Buffer.from(this.buf.subarray(p, Math.max(p, end))));
  }
  left(n: number): QByteArray { return this.mid(0, n); }
  right(n: number): QByteArray { return this.mid(Math.max(0, this.buf.length - Number(n))); }
  remove(pos: number, len: number): QByteArray {
    const p = Math.max(0, Number(pos) | 0);
    const l = Math.max(0, Number(len) | 0);
    this.buf = Buffer.concat([this.buf.subarray(0, p), this.buf.subarray(Math.min(this.buf.length, p + l))]);
    return this;
  }
  toString(): string { return this.buf.toString('utf8'); }
}

function toBytes(x: unknown): Buffer {
  if (x instanceof QByteArray) return Buffer.from(x.buf);
  if (Buffer.isBuffer(x)) return x;
  // Qt 5+: QByteArray::append(const QString &) appends the UTF-8 bytes.
  return Buffer.from(String(x), 'utf8');
}

function codecName(name: unknown): string {
  return (name instanceof QByteArray ? name.toString() : String(name)).toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export const QTextCodec = {
  codecForName(name: unknown) {
    const n = codecName(name);
    if (n !== 'UTF8' && n !== 'LATIN1' && n !== 'ISO88591') return null;
    const encoding: BufferEncoding = n === 'UTF8' ? 'utf8' : 'latin1';
    return {
      fromUnicode: (text: unknown) => new QByteArray(Buffer.from(String(text), encoding)),
      toUnicode: (bytes: unknown) => (bytes instanceof QByteArray ? bytes.buf : toBytes(bytes)).toString(encoding),
      name: () => new QByteArray(n === 'UTF8' ? 'UTF-8' : 'ISO-8859-1'),
    };
  },
};

export const QIODevice = { NotOpen: 0, ReadOnly: 1, WriteOnly: 2, ReadWrite: 3, Append: 4, Truncate: 8, Text: 16 };

export const QAbstractSocket = { UnconnectedState: 0, HostLookupState: 1, ConnectingState: 2, ConnectedState: 3, ClosingState: 6 };

/** Builds the binding classes for one engine; instances register with the scope so they die with it. */
export function createQtBindings(scope: QtScope, app: QtApplication) {
  class QTcpSocket {
    readonly connected = new Signal(scope);
    readonly disconnected = new Signal(scope);
    readonly readyRead = new Signal(scope);
    readonly errorOccurred = new Signal(scope);
    readonly error = this.errorOccurred;
    private socket: net.Socket | null = null;
    private incoming: Buffer[] = [];
    private socketState = QAbstractSocket.UnconnectedState;
    private chunks = 0;
    private coalesceTimer: NodeJS.Timeout | null = null;
    private readonly splitQueue: Buffer[] = [];
    private splitPumping = false;

    constructor(_parent?: unknown) {
      scope.own(() => this.abort());
    }

    connectToHost(host: unknown, port: unknown): void {
      if (this.socket) this.abort();
      const faults = scope.host.faults ?? {};
      const s = net.connect({ host: String(host), port: Number(port) });
      scope.host.onSocket?.('connecting', Buffer.from(`${String(host)}:${Number(port)}`));
      this.socket = s;
      this.socketState = QAbstractSocket.ConnectingState;
      s.setNoDelay(true);
      s.on('connect', () => { this.socketState = QAbstractSocket.ConnectedState; this.connected.emit(); });
      s.on('data', (chunk: Buffer) => {
        faults.onIncoming?.(chunk);
        scope.host.onSocket?.('read', chunk);
        this.chunks++;
        if (faults.dropAfterChunks !== undefined && this.chunks > faults.dropAfterChunks) {
          s.destroy();
          return;
        }
        if (faults.delayMs) setTimeout(() => this.deliver(chunk), faults.delayMs);
        else this.deliver(chunk);
      });
      s.on('error', (err: NodeJS.ErrnoException) => {
        scope.host.log(`[debug] QTcpSocket error: ${err.code ?? err.message}`);
        scope.host.onSocket?.('error', Buffer.from(err.code ?? err.message));
        this.errorOccurred.emit(err.code === 'ECONNREFUSED' ? 0 : 1);
      });
      s.on('close', () => {
        const was = this.socketState;
        this.socketState = QAbstractSocket.UnconnectedState;
        if (this.socket === s && was === QAbstractSocket.ConnectedState) this.disconnected.emit();
      });
    }

    private deliver(chunk: Buffer): void {
      if (scope.dead) return;
      const faults = scope.host.faults ?? {};
      if (faults.splitIncoming && faults.splitIncoming > 0) {
        // One queue for every chunk, so pieces of consecutive chunks never interleave.
        const n = faults.splitIncoming;
        for (let i = 0; i < chunk.length; i += n) this.splitQueue.push(chunk.subarray(i, i + n));
        if (this.splitQueue.length > 0 && !this.splitPumping) {
          this.splitPumping = true;
          const next = () => {
            const piece = this.splitQueue.shift();
            if (!piece || scope.dead) { this.splitPumping = false; return; }
            this.incoming.push(piece);
            this.readyRead.emit();
            setImmediate(next);
          };
          next();
        }
        return;
      }
      this.incoming.push(chunk);
      if (faults.coalesceMs) {
        if (!this.coalesceTimer) this.coalesceTimer = setTimeout(() => { this.coalesceTimer = null; this.readyRead.emit(); }, faults.coalesceMs);
        return;
      }
      this.readyRead.emit();
    }

    readAll(): QByteArray {
      const out = new QByteArray(Buffer.concat(this.incoming));
      this.incoming = [];
      return out;
    }

    bytesAvailable(): number { return this.incoming.reduce((n, b) => n + b.length, 0); }

    write(data: unknown): number {
      if (!this.socket || this.socketState !== QAbstractSocket.ConnectedState) return -1;
      const bytes = toBytes(data);
      this.socket.write(bytes);
      scope.host.onSocket?.('write', bytes);
      return bytes.length;
    }

    state(): number { return this.socketState; }
    flush(): boolean { return true; }

    close(): void {
      if (this.socket) this.socket.end();
    }

    abort(): void {
      if (this.coalesceTimer) clearTimeout(this.coalesceTimer);
      if (this.socket) {
        const s = this.socket;
        this.socket = null;
        this.socketState = QAbstractSocket.UnconnectedState;
        s.destroy();
      }
    }
  }

  class QTimer {
    readonly timeout = new Signal(scope);
    singleShot = false;
    interval = 0;
    private handle: NodeJS.Timeout | null = null;

    constructor(_parent?: unknown) {
      scope.own(() => this.stop());
    }

    static singleShot(ms: unknown, a: unknown, b?: unknown): void {
      const t = new QTimer();
      t.singleShot = true;
      t.interval = Number(ms) || 0;
      t.timeout.connect(a, b);
      t.start();
    }

    get active(): boolean { return this.handle !== null; }
    isActive(): boolean { return this.handle !== null; }

    start(ms?: unknown): void {
      this.stop();
      if (ms !== undefined) this.interval = Number(ms) || 0;
      if (this.singleShot) this.handle = setTimeout(() => { this.handle = null; this.timeout.emit(); }, this.interval);
      else this.handle = setInterval(() => this.timeout.emit(), Math.max(1, this.interval));
    }

    stop(): void {
      if (this.handle) { clearTimeout(this.handle); clearInterval(this.handle); }
      this.handle = null;
    }
  }

  class QFile {
    private readonly file: string;
    private fd: number | null = null;
    private pos = 0;

    constructor(path: unknown) {
      this.file = String(path);
      scope.own(() => this.close());
    }

    static exists(path: unknown): boolean { return fs.existsSync(String(path)); }
    static remove(path: unknown): boolean { try { fs.unlinkSync(String(path)); return true; } catch { return false; } }
    /** Like Qt, refuses to overwrite an existing destination. */
    static copy(from: unknown, to: unknown): boolean {
      try { fs.copyFileSync(String(from), String(to), fs.constants.COPYFILE_EXCL); return true; } catch { return false; }
    }
    static rename(from: unknown, to: unknown): boolean {
      if (fs.existsSync(String(to))) return false;
      try { fs.renameSync(String(from), String(to)); return true; } catch { return false; }
    }
    exists(): boolean { return fs.existsSync(this.file); }
    fileName(): string { return this.file; }
    size(): number { return fs.statSync(this.file, { throwIfNoEntry: false })?.size ?? 0; }
    isOpen(): boolean { return this.fd !== null; }
    remove(): boolean { this.close(); return QFile.remove(this.file); }
    copy(to: unknown): boolean { return QFile.copy(this.file, to); }
    rename(to: unknown): boolean { return QFile.rename(this.file, to); }
    atEnd(): boolean { return this.fd === null || this.pos >= fs.fstatSync(this.fd).size; }
    readLine(): QByteArray {
      if (this.fd === null) return new QByteArray();
      const size = fs.fstatSync(this.fd).size;
      const buf = Buffer.alloc(Math.max(0, size - this.pos));
      fs.readSync(this.fd, buf, 0, buf.length, this.pos);
      const nl = buf.indexOf(0x0a);
      const line = nl < 0 ? buf : buf.subarray(0, nl + 1);
      this.pos += line.length;
      return new QByteArray(Buffer.from(line));
    }

    open(mode: unknown): boolean {
      const m = Number(mode);
      const flags = (m & 3) === 3 ? 'r+' : m & 2 ? (m & 4 ? 'a' : 'w') : 'r';
      try {
        this.fd = fs.openSync(this.file, flags);
        this.pos = 0;
        return true;
      } catch {
        return false;
      }
    }

    readAll(): QByteArray {
      if (this.fd === null) return new QByteArray();
      const st = fs.fstatSync(this.fd);
      const buf = Buffer.alloc(Math.max(0, st.size - this.pos));
      fs.readSync(this.fd, buf, 0, buf.length, this.pos);
      this.pos = st.size;
      return new QByteArray(buf);
    }

    write(data: unknown): number {
      if (this.fd === null) return -1;
      const bytes = toBytes(data);
      fs.writeSync(this.fd, bytes);
      return bytes.length;
    }

    close(): void {
      if (this.fd !== null) { try { fs.closeSync(this.fd); } catch { /* closed */ } }
      this.fd = null;
    }
  }

  const bindings: Record<string, unknown> = {
    QTcpSocket, QTimer, QFile, QDir, QByteArray, QTextCodec, QIODevice, QAbstractSocket,
    QFileInfo, QTextStream, QProcess: Object.assign(createQProcess(scope), PROCESS_ENUMS),
    QCursor: { pos: () => ({ x: 0, y: 0 }) },
    QCoreApplication: app.coreApplicationFor(scope),
    QApplication: app.applicationFor(scope),
    QMainWindow, QMenuBar, QMenu, QAction,
    QWidget, QDialog, QLabel, QPushButton, QMessageBox, QVBoxLayout: QBoxLayout, QHBoxLayout: QBoxLayout,
  };
  if (scope.host.hasQDataStream) bindings.QDataStream = class QDataStream { constructor() { /* present before 21.1 */ } };
  return bindings;
}

/** Qt's QDir.Filter and QDir.SortFlag values. */
const DIR_FILTER = {
  Dirs: 0x001, Files: 0x002, Drives: 0x004, NoSymLinks: 0x008, AllEntries: 0x007, TypeMask: 0x00f, Readable: 0x010, Writable: 0x020,
  Executable: 0x040, Modified: 0x080, Hidden: 0x100, System: 0x200, AllDirs: 0x400, CaseSensitive: 0x800, NoDot: 0x2000,
  NoDotDot: 0x4000, NoDotAndDotDot: 0x6000, NoFilter: -1,
} as const;
const DIR_SORT = { Name: 0x00, Time: 0x01, Size: 0x02, Unsorted: 0x03, DirsFirst: 0x04, Reversed: 0x08, IgnoreCase: 0x10, DirsLast: 0x20, Type: 0x80, NoSort: -1 } as const;

function globToRegExp(glob: string, caseSensitive: boolean): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseSensitive ? '' : 'i');
}

/** Qt's QDir over the real file system, '/'-separated as Qt returns paths (OpenHarmony lists its files with it). */
export class QDir {
  /** Qt Script exposes QFlags types as functions: `QDir.Filters(QDir.Dirs | QDir.NoDotAndDotDot)` is the number. */
  static readonly Filters = Object.assign((flags: unknown) => Number(flags) | 0, DIR_FILTER);
  static readonly SortFlags = Object.assign((flags: unknown) => Number(flags) | 0, DIR_SORT);
  private dir: string;
  private filters: number = DIR_FILTER.NoFilter;
  private names: string[] = [];

  constructor(dir?: unknown) {
    this.dir = dir === undefined || dir === null || String(dir) === '' ? '.' : String(dir).replace(/\\/g, '/');
  }

  static homePath(): string { return os.homedir().replace(/\\/g, '/'); }
  static tempPath(): string { return os.tmpdir().replace(/\\/g, '/'); }
  static currentPath(): string { return process.cwd().replace(/\\/g, '/'); }
  static separator(): string { return path.sep; }
  static fromNativeSeparators(p: unknown): string { return String(p).replace(/\\/g, '/'); }
  static toNativeSeparators(p: unknown): string { return path.sep === '/' ? String(p) : String(p).replace(/\//g, path.sep); }
  static cleanPath(p: unknown): string { return path.posix.normalize(String(p).replace(/\\/g, '/')).replace(/(.)\/$/, '$1'); }

  path(): string { return this.dir; }
  absolutePath(): string { return path.resolve(this.dir).replace(/\\/g, '/'); }
  dirName(): string { return path.basename(this.absolutePath()); }
  filePath(name: unknown): string { return path.isAbsolute(String(name)) ? String(name) : `${this.dir.replace(/\/$/, '')}/${String(name)}`; }
  absoluteFilePath(name: unknown): string { return path.resolve(this.absolutePath(), String(name)).replace(/\\/g, '/'); }
  exists(name?: unknown): boolean { return fs.existsSync(name === undefined ? this.dir : this.absoluteFilePath(name)); }
  isAbsolute(): boolean { return path.isAbsolute(this.dir); }
  setPath(p: unknown): void { this.dir = String(p).replace(/\\/g, '/'); }
  setNameFilters(list: unknown): void { this.names = Array.isArray(list) ? list.map(String) : [String(list)]; }
  nameFilters(): string[] { return this.names.slice(); }
  setFilter(flags: unknown): void { this.filters = Number(flags); }
  filter(): number { return this.filters; }
  count(): number { return this.entryList().length; }
  cd(name: unknown): boolean {
    const next = this.absoluteFilePath(name);
    if (!fs.statSync(next, { throwIfNoEntry: false })?.isDirectory()) return false;
    this.dir = next;
    return true;
  }
  cdUp(): boolean { return this.cd('..'); }
  mkdir(name: unknown): boolean {
    try { fs.mkdirSync(this.absoluteFilePath(name)); return true; } catch { return false; }
  }
  mkpath(p: unknown): boolean {
    try { fs.mkdirSync(this.absoluteFilePath(p), { recursive: true }); return true; } catch { return false; }
  }
  rmdir(name: unknown): boolean {
    try { fs.rmdirSync(this.absoluteFilePath(name)); return true; } catch { return false; }
  }
  remove(name: unknown): boolean {
    try { fs.unlinkSync(this.absoluteFilePath(name)); return true; } catch { return false; }
  }
  rename(from: unknown, to: unknown): boolean {
    try { fs.renameSync(this.absoluteFilePath(from), this.absoluteFilePath(to)); return true; } catch { return false; }
  }

  /** entryList([nameFilters], [filters], [sort]) or entryList(filters, [sort]), sorted by name by default. */
  entryList(a?: unknown, b?: unknown, c?: unknown): string[] {
    let names = this.names;
    let filters = this.filters;
    let sort: number = DIR_SORT.Name | DIR_SORT.IgnoreCase;
    if (Array.isArray(a)) { names = a.map(String); if (b !== undefined) filters = Number(b); if (c !== undefined) sort = Number(c); }
    else if (a !== undefined) { filters = Number(a); if (b !== undefined) sort = Number(b); }
    if (filters === DIR_FILTER.NoFilter) filters = DIR_FILTER.AllEntries;
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(this.absolutePath(), { withFileTypes: true }); } catch { return []; }
    const patterns = names.map((n) => globToRegExp(n, (filters & DIR_FILTER.CaseSensitive) !== 0));
    const wantDirs = (filters & DIR_FILTER.Dirs) !== 0;
    const wantFiles = (filters & DIR_FILTER.Files) !== 0;
    const hidden = (filters & DIR_FILTER.Hidden) !== 0;
    const out: { name: string; dir: boolean }[] = [];
    if (wantDirs && !(filters & DIR_FILTER.NoDot)) out.push({ name: '.', dir: true });
    if (wantDirs && !(filters & DIR_FILTER.NoDotDot)) out.push({ name: '..', dir: true });
    for (const e of entries) {
      let dir = e.isDirectory();
      if (e.isSymbolicLink()) {
        if (filters & DIR_FILTER.NoSymLinks) continue;
        dir = fs.statSync(path.join(this.absolutePath(), e.name), { throwIfNoEntry: false })?.isDirectory() ?? false;
      }
      if (!hidden && e.name.startsWith('.')) continue;
      if (dir ? !wantDirs : !wantFiles) continue;
      if (patterns.length && !(dir && filters & DIR_FILTER.AllDirs) && !patterns.some((p) => p.test(e.name))) continue;
      out.push({ name: e.name, dir });
    }
    if (sort !== DIR_SORT.Unsorted && sort !== DIR_SORT.NoSort) {
      const key = (s: string) => (sort & DIR_SORT.IgnoreCase ? s.toLowerCase() : s);
      out.sort((x, y) => (key(x.name) < key(y.name) ? -1 : key(x.name) > key(y.name) ? 1 : 0));
      if (sort & DIR_SORT.DirsFirst) out.sort((x, y) => Number(y.dir) - Number(x.dir));
      if (sort & DIR_SORT.DirsLast) out.sort((x, y) => Number(x.dir) - Number(y.dir));
      if (sort & DIR_SORT.Reversed) out.reverse();
    }
    return out.map((e) => e.name);
  }
}
Object.assign(QDir, DIR_FILTER, DIR_SORT);

/**
 * Headless stand-ins for the Qt widget classes a Harmony script engine has. Scripts build dialogs and
 * subclass them at load time the Qt Script way (OpenHarmony's pie menu: `QWidget.call(this, parent)` and
 * `Object.create(QWidget.prototype)`), so these are constructor functions callable with or without new.
 * Nothing is drawn; a modal dialog's exec() returns Rejected at once.
 */
type Ctor = ((this: Record<string, unknown>, ...args: unknown[]) => unknown) & { prototype: Record<string, unknown> };
const noSignal = () => ({ connect(): void {}, disconnect(): void {} });

function widgetClass(base: Ctor | null, init: (self: Record<string, unknown>, args: unknown[]) => void, methods: Record<string, (this: Record<string, unknown>, ...a: unknown[]) => unknown>): Ctor {
  const ctor = function (this: Record<string, unknown>, ...args: unknown[]) {
    const self = this && typeof this === 'object' && !(this instanceof Array) && this !== globalThis ? this : Object.create(ctor.prototype) as Record<string, unknown>;
    if (base) base.apply(self, args);
    init(self, args);
    return self;
  } as unknown as Ctor;
  ctor.prototype = base ? Object.create(base.prototype) as Record<string, unknown> : {};
  Object.defineProperty(ctor.prototype, 'constructor', { value: ctor, enumerable: false, writable: true, configurable: true });
  Object.assign(ctor.prototype, methods);
  return ctor;
}

const nothing = function (): void { /* headless */ };
export const QWidget = widgetClass(null, (self, [parent]) => {
  Object.assign(self, { windowTitle: '', objectName: '', visible: false, enabled: true, parentWidget: parent ?? null, destroyed: noSignal() });
}, {
  show() { this.visible = true; }, hide() { this.visible = false; }, close() { this.visible = false; return true; },
  isVisible() { return this.visible; }, setVisible(v) { this.visible = Boolean(v); }, setEnabled(v) { this.enabled = Boolean(v); },
  setWindowTitle(t) { this.windowTitle = String(t); }, setObjectName(n) { this.objectName = String(n); },
  setLayout(l) { this.__layout = l; }, layout() { return this.__layout ?? null; }, deleteLater() { this.visible = false; },
  setToolTip: nothing, setStyleSheet: nothing, setMinimumSize: nothing, setMaximumSize: nothing, setFixedSize: nothing, resize: nothing,
  move: nothing, raise: nothing, activateWindow: nothing, update: nothing, setFocus: nothing, setWindowFlags: nothing, setAttribute: nothing,
});
export const QDialog = widgetClass(QWidget, (self) => { Object.assign(self, { accepted: noSignal(), rejected: noSignal(), finished: noSignal() }); }, {
  exec() { return 0; }, accept() { this.visible = false; }, reject() { this.visible = false; }, setModal: nothing,
});
export const QLabel = widgetClass(QWidget, (self, [text]) => { self.text = text === undefined || typeof text === 'object' ? '' : String(text); }, {
  setText(t) { this.text = String(t); },
});
export const QPushButton = widgetClass(QLabel, (self) => { Object.assign(self, { clicked: noSignal(), pressed: noSignal(), released: noSignal(), toggled: noSignal() }); }, {
  setIcon: nothing, setIconSize: nothing, setFlat: nothing, setCheckable: nothing,
});
/** QMessageBox: nobody answers a headless message box, so exec() and the static helpers return the default button. */
const MESSAGE_BUTTONS = { Ok: 0x400, Save: 0x800, Open: 0x2000, Yes: 0x4000, No: 0x10000, Abort: 0x40000, Retry: 0x80000, Ignore: 0x100000, Close: 0x200000, Cancel: 0x400000, NoButton: 0 };
export const QMessageBox = Object.assign(widgetClass(QDialog, (self, [, title, text, buttons]) => {
  Object.assign(self, { windowTitle: title === undefined ? '' : String(title), text: text === undefined ? '' : String(text), __default: Number(buttons) || MESSAGE_BUTTONS.Ok });
  self.__buttons = [QPushButton.call(Object.create(QPushButton.prototype), 'OK')];
}, {
  exec() { return this.__default; }, buttons() { return (this.__buttons as unknown[]).slice(); }, setText(t) { this.text = String(t); },
  setInformativeText(t) { this.informativeText = String(t); }, setStandardButtons(b) { this.__default = Number(b) || MESSAGE_BUTTONS.Ok; }, setIcon: nothing,
  addButton(b) { (this.__buttons as unknown[]).push(b); return b; },
}), MESSAGE_BUTTONS, {
  information: (_p: unknown, _t: unknown, _x: unknown, buttons?: unknown) => Number(buttons) || MESSAGE_BUTTONS.Ok,
  warning: (_p: unknown, _t: unknown, _x: unknown, buttons?: unknown) => Number(buttons) || MESSAGE_BUTTONS.Ok,
  critical: (_p: unknown, _t: unknown, _x: unknown, buttons?: unknown) => Number(buttons) || MESSAGE_BUTTONS.Ok,
  question: (_p: unknown, _t: unknown, _x: unknown, buttons?: unknown) => (Number(buttons) & MESSAGE_BUTTONS.Yes ? MESSAGE_BUTTONS.Yes : Number(buttons) || MESSAGE_BUTTONS.Yes),
});
export const QBoxLayout = widgetClass(null, (self) => { self.__items = []; }, {
  addWidget(w) { (this.__items as unknown[]).push(w); }, addLayout(l) { (this.__items as unknown[]).push(l); },
  count() { return (this.__items as unknown[]).length; }, addStretch: nothing, addSpacing: nothing, setContentsMargins: nothing, setSpacing: nothing,
});

// ---- widgets: they belong to the application, not to an engine --------------------------------

export class QAction {
  text: string;
  readonly triggered: Signal;
  readonly owner: QtScope | null;
  private readonly subMenu: QMenu | null;
  private readonly separator: boolean;

  constructor(text: unknown, owner: QtScope | null, opts: { menu?: QMenu; separator?: boolean } = {}) {
    this.text = String(text ?? '');
    this.owner = owner;
    this.subMenu = opts.menu ?? null;
    this.separator = opts.separator ?? false;
    this.triggered = new Signal(owner ?? new QtScope({ log: () => {}, hasQDataStream: true, gui: true }));
  }

  trigger(): void { this.triggered.emit(false); }
  menu(): QMenu | null { return this.subMenu; }
  isSeparator(): boolean { return this.separator; }
}

export class QMenu {
  title: string;
  readonly owner: QtScope | null;
  private readonly items: QAction[] = [];
  private readonly own: QAction;

  constructor(title: unknown, owner: QtScope | null = null) {
    this.title = String(title ?? '');
    this.owner = owner;
    this.own = new QAction(this.title, owner, { menu: this });
  }

  addAction(text: unknown): QAction {
    const a = new QAction(text, this.owner);
    this.items.push(a);
    return a;
  }

  addSeparator(): QAction {
    const a = new QAction('', this.owner, { separator: true });
    this.items.push(a);
    return a;
  }

  addMenu(title: unknown): QMenu {
    const m = new QMenu(title, this.owner);
    this.items.push(m.menuAction());
    return m;
  }

  actions(): QAction[] { return this.items.slice(); }
  menuAction(): QAction { return this.own; }
  clear(): void { this.items.length = 0; }
}

export class QMenuBar {
  private readonly items: QAction[] = [];
  /** The scope currently allowed to add menus (the live engine). */
  scope: QtScope | null = null;

  addMenu(title: unknown): QMenu {
    const m = new QMenu(title, this.scope);
    this.items.push(m.menuAction());
    return m;
  }

  actions(): QAction[] { return this.items.slice(); }

  removeAction(action: unknown): void {
    const i = this.items.indexOf(action as QAction);
    if (i >= 0) this.items.splice(i, 1);
  }

  /** Harmony rebuilds its menu bar on scene open, dropping what scripts added. */
  dropScriptMenus(): void {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i].owner !== null) this.items.splice(i, 1);
  }
}

export class QMainWindow {
  private readonly bar = new QMenuBar();
  constructor() {
    for (const title of ['File', 'Edit', 'View', 'Play', 'Insert', 'Scene', 'Drawing', 'Windows', 'Help']) this.bar.addMenu(title);
  }
  menuBar(): QMenuBar { return this.bar; }
  windowTitle(): string { return 'Harmony Premium'; }
  /** Shown: OpenHarmony tells GUI from batch mode by a visible top-level widget. */
  get visible(): boolean { return true; }
  isVisible(): boolean { return true; }
}

/**
 * The process-wide application: a property bag that outlives engines. Strings and numbers survive an
 * engine switch; objects come back as stale, lossy copies (Harmony's "dead cross-engine copy").
 */
export class QtApplication {
  readonly window: QMainWindow | null;
  private readonly props = new Map<string, { value: unknown; scope: QtScope }>();
  private readonly instanceObject: Record<string, unknown>;
  private current: QtScope | null = null;

  constructor(gui: boolean) {
    this.window = gui ? new QMainWindow() : null;
    const props = this.props;
    const self = this;
    this.instanceObject = new Proxy({}, {
      get(_t, key) {
        if (typeof key !== 'string') return undefined;
        const entry = props.get(key);
        if (!entry) return undefined;
        if (entry.scope === self.current || entry.value === null || typeof entry.value !== 'object' && typeof entry.value !== 'function') return entry.value;
        return staleCopy(entry.value);
      },
      set(_t, key, value) {
        if (typeof key === 'string' && self.current) props.set(key, { value, scope: self.current });
        return true;
      },
      has(_t, key) { return typeof key === 'string' && props.has(key); },
      deleteProperty(_t, key) { if (typeof key === 'string') props.delete(key); return true; },
    });
  }

  /** Makes `scope` the live engine; the menu bar loses what the previous engine added. */
  activate(scope: QtScope): void {
    this.current = scope;
    if (this.window) {
      this.window.menuBar().dropScriptMenus();
      this.window.menuBar().scope = scope;
    }
  }

  coreApplicationFor(_scope: QtScope) {
    const app = this;
    return {
      instance: () => app.instanceObject,
      applicationPid: () => process.pid,
      applicationName: () => 'Harmony Premium',
      // Events (timers, sockets) run on Node's loop between script calls; nothing is pending inside one.
      processEvents: () => undefined,
    };
  }

  applicationFor(scope: QtScope) {
    const app = this;
    return {
      ...this.coreApplicationFor(scope),
      topLevelWidgets: () => (app.window ? [app.window] : []),
      allWidgets: () => (app.window ? [app.window] : []),
      activeWindow: () => null,
    };
  }

  /** Finds a script-made menu action by its text (optionally "Menu/Item") and triggers it. */
  trigger(path: string): boolean {
    if (!this.window) return false;
    const [menuTitle, itemText] = path.includes('/') ? path.split('/', 2) : [null, path];
    for (const top of this.window.menuBar().actions()) {
      const menu = top.menu();
      if (!menu || (menuTitle !== null && menu.title !== menuTitle)) continue;
      const action = menu.actions().find((a) => a.text === itemText);
      if (action) {
        action.trigger();
        return true;
      }
    }
    return false;
  }

  /** The titles of the menus and items scripts added (for tests and --list-menus). */
  scriptMenus(): { title: string; items: string[] }[] {
    if (!this.window) return [];
    return this.window.menuBar().actions()
      .filter((a) => a.owner !== null && a.menu())
      .map((a) => ({ title: a.menu()!.title, items: a.menu()!.actions().map((x) => (x.isSeparator() ? '-' : x.text)) }));
  }
}

function staleCopy(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return {};
  }
}
