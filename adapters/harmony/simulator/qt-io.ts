/**
 * Qt's file and process classes as Harmony's Qt Script bindings expose them, over the real file system and
 * real processes: QFileInfo, QTextStream (over a QByteArray, a string or an open QFile) and QProcess.
 * QProcess.start runs the program to completion before returning (the script engine waits, as a script
 * calling waitForFinished() would), then emits readyRead and finished(int) on the next turn, so both the
 * blocking style (start + waitForFinished + readAll...) and the signal style work.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { QByteArray, QDir, Signal, type QtScope } from './qt.ts';

const slash = (p: string): string => p.replace(/\\/g, '/');

export class QFileInfo {
  private file: string;
  constructor(file?: unknown) {
    const f = file as { fileName?: () => unknown } | undefined;
    this.file = slash(f !== null && typeof f === 'object' && typeof f.fileName === 'function' ? String(f.fileName()) : String(file ?? ''));
  }
  private stat(): fs.Stats | undefined { return fs.statSync(this.file, { throwIfNoEntry: false }); }
  setFile(file: unknown): void { this.file = slash(String(file)); }
  exists(): boolean { return this.stat() !== undefined; }
  isFile(): boolean { return this.stat()?.isFile() ?? false; }
  isDir(): boolean { return this.stat()?.isDirectory() ?? false; }
  isSymLink(): boolean { try { return fs.lstatSync(this.file).isSymbolicLink(); } catch { return false; } }
  isAbsolute(): boolean { return path.isAbsolute(this.file); }
  isRelative(): boolean { return !path.isAbsolute(this.file); }
  isHidden(): boolean { return this.fileName().startsWith('.'); }
  private access(mode: number): boolean { try { fs.accessSync(this.file, mode); return true; } catch { return false; } }
  isReadable(): boolean { return this.access(fs.constants.R_OK); }
  isWritable(): boolean { return this.access(fs.constants.W_OK); }
  isExecutable(): boolean { return this.access(fs.constants.X_OK); }
  fileName(): string { return path.posix.basename(this.file); }
  filePath(): string { return this.file; }
  path(): string { const d = path.posix.dirname(this.file); return d; }
  absoluteFilePath(): string { return slash(path.resolve(this.file)); }
  absolutePath(): string { return slash(path.dirname(path.resolve(this.file))); }
  canonicalFilePath(): string { try { return slash(fs.realpathSync(this.file)); } catch { return ''; } }
  /** Up to the first dot, as Qt's baseName(); completeBaseName() is up to the last one. */
  baseName(): string { const n = this.fileName(); const i = n.indexOf('.'); return i < 0 ? n : n.slice(0, i); }
  completeBaseName(): string { const n = this.fileName(); const i = n.lastIndexOf('.'); return i < 0 ? n : n.slice(0, i); }
  suffix(): string { const n = this.fileName(); const i = n.lastIndexOf('.'); return i < 0 ? '' : n.slice(i + 1); }
  completeSuffix(): string { const n = this.fileName(); const i = n.indexOf('.'); return i < 0 ? '' : n.slice(i + 1); }
  size(): number { return this.stat()?.size ?? 0; }
  lastModified(): Date | null { return this.stat()?.mtime ?? null; }
  created(): Date | null { return this.stat()?.birthtime ?? null; }
  dir(): QDir { return new QDir(this.path()); }
  absoluteDir(): QDir { return new QDir(this.absolutePath()); }
}

/** What a QTextStream reads from: bytes, a string, or anything with readAll() (an open QFile, a QProcess). */
export class QTextStream {
  private text: string;
  private pos = 0;
  private readonly sink: { write?: (x: unknown) => unknown } | null;
  constructor(source?: unknown) {
    const s = source as { readAll?: () => unknown; write?: (x: unknown) => unknown } | undefined;
    if (source instanceof QByteArray) { this.text = source.toString(); this.sink = null; }
    else if (s !== null && typeof s === 'object' && typeof s.readAll === 'function') { this.text = String(s.readAll()); this.sink = s; }
    else { this.text = source === undefined || source === null ? '' : String(source); this.sink = null; }
  }
  readAll(): string { const out = this.text.slice(this.pos); this.pos = this.text.length; return out; }
  readLine(): string {
    const nl = this.text.indexOf('\n', this.pos);
    const end = nl < 0 ? this.text.length : nl;
    const line = this.text.slice(this.pos, end).replace(/\r$/, '');
    this.pos = nl < 0 ? this.text.length : nl + 1;
    return line;
  }
  read(n: unknown): string { const out = this.text.slice(this.pos, this.pos + Number(n)); this.pos += out.length; return out; }
  atEnd(): boolean { return this.pos >= this.text.length; }
  /** Qt Script has no operator<<: scripts write with writeString. */
  writeString(s: unknown): void {
    if (this.sink?.write) this.sink.write(String(s));
    else this.text += String(s);
  }
  setCodec(): void { /* always UTF-8 */ }
}

export const PROCESS_ENUMS = {
  NotRunning: 0, Starting: 1, Running: 2,
  SeparateChannels: 0, MergedChannels: 1, ForwardedChannels: 2,
  StandardOutput: 0, StandardError: 1,
  NormalExit: 0, CrashExit: 1,
  FailedToStart: 0, Crashed: 1, Timedout: 2, ReadError: 3, WriteError: 4, UnknownError: 5,
} as const;

export function createQProcess(scope: QtScope): object {
  class QProcess {
    static readonly NotRunning = 0; static readonly Running = 2;
    static readonly SeparateChannels = 0; static readonly MergedChannels = 1;
    static readonly StandardOutput = 0; static readonly StandardError = 1;
    static readonly NormalExit = 0; static readonly CrashExit = 1;
    readonly readyRead = new Signal(scope);
    readonly readyReadStandardOutput = new Signal(scope);
    readonly readyReadStandardError = new Signal(scope);
    readonly started = new Signal(scope);
    readonly finished = new Signal(scope);
    readonly errorOccurred = new Signal(scope);
    readChannel: number = PROCESS_ENUMS.StandardOutput;
    private mode: number = PROCESS_ENUMS.SeparateChannels;
    private cwd: string | undefined;
    private env: Record<string, string> | undefined;
    private out = Buffer.alloc(0);
    private err = Buffer.alloc(0);
    private code = 0;
    private status: number = PROCESS_ENUMS.NormalExit;
    private failed = false;

    constructor(_parent?: unknown) {
      // Qt Script names overloaded signals by signature: p["finished(int)"].connect(...).
      (this as Record<string, unknown>)['finished(int)'] = this.finished;
      (this as Record<string, unknown>)['finished(int,QProcess::ExitStatus)'] = this.finished;
    }

    static execute(program: unknown, args?: unknown): number {
      const r = spawnSync(String(program), Array.isArray(args) ? args.map(String) : [], { stdio: 'ignore' });
      return r.error ? -2 : r.status ?? -1;
    }

    static startDetached(program: unknown, args?: unknown, cwd?: unknown): boolean {
      try {
        const child = spawn(String(program), Array.isArray(args) ? args.map(String) : [], { detached: true, stdio: 'ignore', cwd: cwd === undefined ? undefined : String(cwd) });
        child.on('error', () => {});
        child.unref();
        return true;
      } catch {
        return false;
      }
    }

    setProcessChannelMode(m: unknown): void { this.mode = Number(m); }
    processChannelMode(): number { return this.mode; }
    setReadChannel(c: unknown): void { this.readChannel = Number(c); }
    setWorkingDirectory(d: unknown): void { this.cwd = String(d); }
    workingDirectory(): string { return this.cwd ?? ''; }
    setEnvironment(list: unknown): void {
      this.env = Object.fromEntries((Array.isArray(list) ? list : []).map((kv) => { const s = String(kv); const i = s.indexOf('='); return [s.slice(0, i), s.slice(i + 1)]; }));
    }

    start(program: unknown, args?: unknown): void {
      let prog = String(program);
      let argv = Array.isArray(args) ? args.map(String) : [];
      if (args === undefined && /\s/.test(prog)) [prog, ...argv] = prog.split(/\s+/);
      const r = spawnSync(prog, argv, { cwd: this.cwd, env: this.env ? { ...process.env, ...this.env } : undefined, maxBuffer: 256 * 1024 * 1024 });
      this.failed = r.error !== undefined;
      this.code = r.status ?? -1;
      this.status = r.signal ? PROCESS_ENUMS.CrashExit : PROCESS_ENUMS.NormalExit;
      const stdout = r.stdout ?? Buffer.alloc(0);
      const stderr = r.stderr ?? Buffer.alloc(0);
      if (this.mode === PROCESS_ENUMS.MergedChannels) { this.out = Buffer.concat([this.out, stdout, stderr]); }
      else { this.out = Buffer.concat([this.out, stdout]); this.err = Buffer.concat([this.err, stderr]); }
      const handle = setImmediate(() => {
        if (this.failed) { this.errorOccurred.emit(PROCESS_ENUMS.FailedToStart); return; }
        this.started.emit();
        if (this.out.length) { this.readyReadStandardOutput.emit(); this.readyRead.emit(); }
        if (this.err.length) this.readyReadStandardError.emit();
        this.finished.emit(this.code, this.status);
      });
      scope.own(() => clearImmediate(handle));
    }

    waitForStarted(): boolean { return !this.failed; }
    waitForFinished(): boolean { return !this.failed; }
    waitForReadyRead(): boolean { return this.out.length > 0 || this.err.length > 0; }
    state(): number { return PROCESS_ENUMS.NotRunning; }
    exitCode(): number { return this.code; }
    exitStatus(): number { return this.status; }
    error(): number { return this.failed ? PROCESS_ENUMS.FailedToStart : PROCESS_ENUMS.UnknownError; }
    readAllStandardOutput(): QByteArray { const b = this.out; this.out = Buffer.alloc(0); return new QByteArray(b); }
    readAllStandardError(): QByteArray { const b = this.err; this.err = Buffer.alloc(0); return new QByteArray(b); }
    readAll(): QByteArray { return this.readChannel === PROCESS_ENUMS.StandardError ? this.readAllStandardError() : this.readAllStandardOutput(); }
    kill(): void { /* already finished */ }
    terminate(): void { /* already finished */ }
    close(): void { /* already finished */ }
  }
  return QProcess;
}
