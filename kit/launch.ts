/**
 * Starting DCC processes. Knows no DCC by name: adapters give the command, the config key that names the
 * executable, and its default locations.
 *
 * - `resolveExecutable`: the configured program, else the first existing default; a typed error naming the
 *   config key otherwise.
 * - `launchDetached`: a GUI session that outlives the launcher, logging to `<home>/logs/` through a raw fd.
 * - `runBatch`: an attached run (render, hython script) whose whole process tree dies on cancel or timeout,
 *   with its output streamed line by line and/or appended to a log, never buffered.
 * - `mergeEnv`, `prependPathList`: environments that respect Windows' case-insensitive names.
 *
 * `platform` options choose the OS rules (PATH and PATHEXT lookup, `;` lists, env name case, refusing
 * `.bat`/`.cmd`); file system paths are always handled by the host's `node:path`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { DccKitError } from './errors.ts';

// ---------------------------------------------------------------------------------------------------------
// Errors

export type ExecutableProblem = 'missing' | 'not-executable' | 'not-a-file' | 'not-on-path' | 'batch-script' | 'no-candidates';

/** The program cannot be started. The message names the config key to set. */
export class ExecutableNotFoundError extends DccKitError {
  readonly displayName: string;
  readonly key: string | undefined;
  /** The configured (or attempted) program, when there was one. */
  readonly executable: string | undefined;
  readonly problem: ExecutableProblem;
  /** Every location looked at, in order, with why it was skipped. */
  readonly tried: string[];
  constructor(opts: { displayName: string; key?: string; hint?: string; executable?: string; problem: ExecutableProblem; detail: string; tried?: string[] }) {
    const advice = [opts.key ? `set ${opts.key} in .dcckitrc` : 'set the executable in .dcckitrc', opts.hint].filter(Boolean).join(', ');
    super(`${opts.displayName} executable not found: ${opts.detail} (${advice})`, 'EXECUTABLE_NOT_FOUND');
    this.displayName = opts.displayName;
    this.key = opts.key;
    this.executable = opts.executable;
    this.problem = opts.problem;
    this.tried = opts.tried ?? [];
  }
}

/** Starting a process failed for a reason other than the program itself (log folder, cwd, resources). */
export class LaunchError extends DccKitError {
  constructor(message: string, options?: { cause?: unknown }) { super(message, 'LAUNCH', options); }
}

export type BatchFailure = 'exit' | 'signal' | 'timeout' | 'canceled';

/** A batch run ended badly; thrown only with `reject: true`. */
export class BatchRunError extends DccKitError {
  readonly failure: BatchFailure;
  readonly result: BatchResult;
  constructor(message: string, failure: BatchFailure, result: BatchResult) {
    super(message, 'BATCH_FAILED');
    this.failure = failure;
    this.result = result;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Environment

const isWindows = (platform: NodeJS.Platform) => platform === 'win32';

/** The key `name` is stored under in `env`: on Windows the existing spelling (`Path` for `PATH`), else `name`. */
export function envKey(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform = process.platform): string {
  if (!isWindows(platform)) return name;
  const lower = name.toLowerCase();
  return Object.keys(env).find((k) => k.toLowerCase() === lower) ?? name;
}

/**
 * `vars` over `base` (default process.env). `undefined` removes a variable. On Windows a variable that
 * already exists keeps its spelling, so the child never sees both `Path` and `PATH`.
 */
export function mergeEnv(
  vars: Record<string, string | undefined> = {},
  opts: { base?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {},
): Record<string, string> {
  const platform = opts.platform ?? process.platform;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.base ?? process.env)) if (v !== undefined) out[k] = v;
  for (const [name, value] of Object.entries(vars)) {
    const key = envKey(out, name, platform);
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/**
 * Puts `entry` (or several, in the given order) in front of a path-list variable (`:` on POSIX, `;` on
 * Windows). Copies already in the list are dropped, so relaunching from a prepared shell does not grow it.
 */
export function prependPathList(existing: string | undefined, entry: string | string[], platform: NodeJS.Platform = process.platform): string {
  const sep = isWindows(platform) ? ';' : ':';
  const entries = (Array.isArray(entry) ? entry : [entry]).filter((e) => e !== '');
  const norm = (s: string) => (isWindows(platform) ? s.toLowerCase() : s);
  const front = new Set(entries.map(norm));
  const rest = existing ? existing.split(sep).filter((e) => !front.has(norm(e))) : [];
  return [...entries, ...rest].join(sep);
}

// ---------------------------------------------------------------------------------------------------------
// Executables

export interface ResolveExecutableOptions {
  /** The value from the config (absolute path, path relative to `cwd`, or a bare name looked up on PATH). */
  configured?: string | null;
  /** Default locations for this OS, tried in order when nothing is configured (paths or bare names). */
  candidates?: string[];
  /** The config key the user should set, e.g. `harmony.executable`. */
  key: string;
  /** e.g. `Harmony`. */
  displayName: string;
  /** Added to the advice, e.g. `or run with --simulate`. */
  hint?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  cwd?: string;
}

interface Probe {
  ok: string | null;
  problem: ExecutableProblem;
  /** Where the problem was found (the batch file, the folder), for the message. */
  at: string;
}

const BATCH_EXT = new Set(['.bat', '.cmd']);

function isBareName(value: string, platform: NodeJS.Platform): boolean {
  return !value.includes('/') && !(isWindows(platform) && value.includes('\\'));
}

function pathExts(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const raw = env[envKey(env, 'PATHEXT', platform)] || '.COM;.EXE;.BAT;.CMD';
  return raw.split(';').filter(Boolean);
}

/** Is `file` a program we can start? Windows has no execute bit: a file that exists and is not a batch script is. */
async function probeFile(file: string, platform: NodeJS.Platform): Promise<Probe> {
  let st: fs.Stats;
  try {
    st = await fsp.stat(file);
  } catch {
    return { ok: null, problem: 'missing', at: file };
  }
  if (!st.isFile()) return { ok: null, problem: 'not-a-file', at: file };
  if (isWindows(platform)) {
    if (BATCH_EXT.has(path.extname(file).toLowerCase())) return { ok: null, problem: 'batch-script', at: file };
    return { ok: file, problem: 'missing', at: file };
  }
  try {
    await fsp.access(file, fs.constants.X_OK);
    return { ok: file, problem: 'missing', at: file };
  } catch {
    return { ok: null, problem: 'not-executable', at: file };
  }
}

/**
 * On Windows a name without one of PATHEXT's extensions is tried with each of them, like cmd.exe does;
 * a batch file found that way is remembered but the search goes on for a real program.
 */
async function probeWithExtensions(file: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<Probe> {
  if (!isWindows(platform)) return probeFile(file, platform);
  const exts = pathExts(env, platform);
  const ext = path.extname(file).toLowerCase();
  const names = exts.some((e) => e.toLowerCase() === ext) ? [file] : [file, ...exts.map((e) => file + e)];
  let worst: Probe = { ok: null, problem: 'missing', at: file };
  for (const name of names) {
    const probe = await probeFile(name, platform);
    if (probe.ok) return probe;
    if (probe.problem !== 'missing' && worst.problem === 'missing') worst = probe;
  }
  return worst;
}

async function probeOnPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<Probe> {
  const list = env[envKey(env, 'PATH', platform)] ?? '';
  // Empty entries (the current folder to a POSIX shell) are skipped: a DCC never comes from the cwd.
  const dirs = list.split(isWindows(platform) ? ';' : ':').filter((d) => d !== '');
  let worst: Probe = { ok: null, problem: 'not-on-path', at: name };
  for (const dir of dirs) {
    const probe = await probeWithExtensions(path.join(dir.replace(/^"(.*)"$/, '$1'), name), env, platform);
    if (probe.ok) return probe;
    if (probe.problem === 'batch-script' && worst.problem === 'not-on-path') worst = probe;
  }
  return worst;
}

async function probe(value: string, opts: { env: NodeJS.ProcessEnv; platform: NodeJS.Platform; cwd: string }): Promise<Probe> {
  if (isBareName(value, opts.platform)) return probeOnPath(value, opts.env, opts.platform);
  return probeWithExtensions(path.resolve(opts.cwd, value), opts.env, opts.platform);
}

function describe(value: string, p: Probe): string {
  switch (p.problem) {
    case 'not-on-path': return `"${value}" is not on PATH`;
    case 'not-executable': return `${p.at} is not executable (chmod +x it, or point to the program)`;
    case 'not-a-file': return /\.app\/?$/i.test(p.at)
      ? `${p.at} is an app bundle (point to the program inside it, under Contents/MacOS/)`
      : `${p.at} is a folder, not a program`;
    case 'batch-script': return `${p.at} is a batch file (.bat/.cmd), which Node cannot start without a shell; use the .exe it runs`;
    default: return p.at;
  }
}

/**
 * The absolute path of the program to run. A configured value must work; otherwise the first candidate
 * that does. Throws `ExecutableNotFoundError` naming `key` and listing what was tried.
 */
export async function resolveExecutable(opts: ResolveExecutableOptions): Promise<string> {
  const ctx = { env: opts.env ?? process.env, platform: opts.platform ?? process.platform, cwd: opts.cwd ?? process.cwd() };
  const base = { displayName: opts.displayName, key: opts.key, hint: opts.hint };
  if (opts.configured) {
    const p = await probe(opts.configured, ctx);
    if (p.ok) return p.ok;
    throw new ExecutableNotFoundError({ ...base, executable: opts.configured, problem: p.problem, detail: describe(opts.configured, p), tried: [opts.configured] });
  }
  const candidates = opts.candidates ?? [];
  if (candidates.length === 0) {
    throw new ExecutableNotFoundError({ ...base, problem: 'no-candidates', detail: `no default location is known on ${ctx.platform}` });
  }
  const tried: string[] = [];
  for (const candidate of candidates) {
    const p = await probe(candidate, ctx);
    if (p.ok) return p.ok;
    tried.push(p.problem === 'missing' ? candidate : `${candidate} (${describe(candidate, p)})`);
  }
  throw new ExecutableNotFoundError({ ...base, problem: 'missing', detail: `tried ${tried.join(', ')}`, tried });
}

/** Turns a failed spawn into the typed error a user can act on. */
function spawnFailure(err: NodeJS.ErrnoException | { code?: string; message?: string }, command: string, ids: { displayName?: string; executableKey?: string }, platform: NodeJS.Platform): DccKitError {
  const base = { displayName: ids.displayName ?? path.basename(command), key: ids.executableKey, executable: command };
  if (err.code === 'ENOENT') return new ExecutableNotFoundError({ ...base, problem: 'missing', detail: command });
  if (err.code === 'EACCES') return new ExecutableNotFoundError({ ...base, problem: 'not-executable', detail: describe(command, { ok: null, problem: 'not-executable', at: command }) });
  if (err.code === 'EINVAL' && isWindows(platform) && BATCH_EXT.has(path.extname(command).toLowerCase())) {
    return new ExecutableNotFoundError({ ...base, problem: 'batch-script', detail: describe(command, { ok: null, problem: 'batch-script', at: command }) });
  }
  return new LaunchError(`could not start ${command}: ${err.message ?? err.code}`, { cause: err });
}

/** A missing cwd makes spawn fail with ENOENT, which would read as a missing program: say it first. */
async function checkCwd(cwd: string | undefined): Promise<void> {
  if (cwd === undefined) return;
  const st = await fsp.stat(cwd).catch(() => null);
  if (!st?.isDirectory()) throw new LaunchError(`cannot start in ${cwd}: no such folder (check the scene or work area path)`);
}

// ---------------------------------------------------------------------------------------------------------
// Logs

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function logsDir(home: string): string {
  return path.join(home, 'logs');
}

/**
 * The last `lines` lines of a text file (fewer if it is shorter), read backwards in blocks so a huge log
 * costs only its end. A missing file has no lines.
 */
export async function tailFile(file: string, lines = 40, opts: { maxBytes?: number } = {}): Promise<string[]> {
  if (lines <= 0) return [];
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const size = (await handle.stat()).size;
    const floor = Math.max(0, size - maxBytes);
    const blocks: Buffer[] = [];
    let start = size;
    let newlines = 0;
    // One newline more than asked for: the line before it may be cut.
    while (start > floor && newlines <= lines) {
      const len = Math.min(64 * 1024, start - floor);
      start -= len;
      const buf = Buffer.alloc(len);
      const { bytesRead } = await handle.read(buf, 0, len, start);
      const block = buf.subarray(0, bytesRead);
      for (const byte of block) if (byte === 0x0a) newlines++;
      blocks.unshift(block);
    }
    let text = Buffer.concat(blocks).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1); // drop the partial first line (if there is a newline)
    const all = text.split(/\r?\n/);
    if (all.length > 0 && all[all.length - 1] === '') all.pop();
    return all.slice(-lines);
  } finally {
    await handle.close();
  }
}

/** Deletes the oldest `<name>-<stamp>-*.log` files beyond `keep` (a log still open on Windows is skipped). */
async function pruneLogs(dir: string, name: string, keep: number, except: string): Promise<void> {
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{8}-\\d{6}-.*\\.log$`);
  let names: string[];
  try {
    // Provisional names are skipped: one may belong to a launch starting right now.
    names = (await fsp.readdir(dir)).filter((n) => pattern.test(n) && !n.includes('-starting-') && path.join(dir, n) !== except);
  } catch {
    return;
  }
  names.sort(); // the timestamp sorts oldest first
  for (const old of names.slice(0, Math.max(0, names.length - (Math.max(1, keep) - 1)))) {
    await fsp.unlink(path.join(dir, old)).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------
// Detached (GUI) launches

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DetachedLaunchOptions {
  /** Short name used in the log file name, e.g. `harmony`. */
  name: string;
  command: string;
  args?: string[];
  /** Merged over `baseEnv` (default process.env); `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  baseEnv?: NodeJS.ProcessEnv;
  cwd?: string;
  /** dcc-kit home: the log goes to `<home>/logs/<name>-<yyyymmdd-hhmmss>-<pid>.log`. */
  home: string;
  /** For error messages: `Harmony`, `harmony.executable`. */
  displayName?: string;
  executableKey?: string;
  /** Older logs of the same name beyond this count are deleted (default 30). */
  keepLogs?: number;
  platform?: NodeJS.Platform;
}

export interface DetachedLaunch {
  pid: number;
  logFile: string;
  /** Resolves when the app exits, as long as this process is alive to see it. */
  exited: Promise<ExitStatus>;
  /** The last lines of the app's log. */
  tail(lines?: number): Promise<string[]>;
  /** Signals the app and the processes it started (its process group; `taskkill /T` on Windows). */
  kill(signal?: NodeJS.Signals): boolean;
}

/**
 * Starts a GUI app that outlives the launcher: own session/process group, stdin ignored, stdout and
 * stderr appended to a log through a raw fd (a pipe through this process would break when it exits),
 * window shown, child unref'd. Resolves once the process is running.
 */
export async function launchDetached(opts: DetachedLaunchOptions): Promise<DetachedLaunch> {
  if (!/^[A-Za-z0-9_.-]+$/.test(opts.name)) throw new LaunchError(`invalid launch name "${opts.name}" (letters, digits, . _ - only)`);
  const platform = opts.platform ?? process.platform;
  const args = opts.args ?? [];
  await checkCwd(opts.cwd);
  const dir = logsDir(opts.home);
  const started = new Date();
  const stamp = timestamp(started);
  const provisional = path.join(dir, `${opts.name}-${stamp}-starting-${process.pid}-${Math.random().toString(36).slice(2, 8)}.log`);
  let fd: number;
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    fd = fs.openSync(provisional, 'a', 0o600);
    fs.writeSync(fd, `[dcc-kit] ${started.toISOString()} starting ${JSON.stringify([opts.command, ...args])}\n`);
  } catch (err) {
    throw new LaunchError(`cannot write the launch log in ${dir}: ${(err as Error).message} (check the permissions of the dcc-kit home)`, { cause: err });
  }

  let child: ChildProcess;
  try {
    child = spawn(opts.command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: mergeEnv(opts.env, { base: opts.baseEnv, platform }),
      cwd: opts.cwd,
      windowsHide: false,
    });
  } catch (err) {
    fs.closeSync(fd);
    await fsp.unlink(provisional).catch(() => {});
    throw spawnFailure(err as NodeJS.ErrnoException, opts.command, opts, platform);
  }
  fs.closeSync(fd); // uv_spawn has duplicated it into the child by the time spawn() returns

  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (err) {
    await fsp.unlink(provisional).catch(() => {});
    throw spawnFailure(err as NodeJS.ErrnoException, opts.command, opts, platform);
  }
  child.on('error', () => {}); // a later failure (of a kill) must not crash the launcher
  child.unref();
  const pid = child.pid!;

  // Name the log after the app's pid; a hard link is a no-clobber rename. On failure the first name stays.
  let logFile = provisional;
  const final = path.join(dir, `${opts.name}-${stamp}-${pid}.log`);
  try {
    fs.linkSync(provisional, final);
    fs.unlinkSync(provisional);
    logFile = final;
  } catch { /* keep the provisional name */ }
  await pruneLogs(dir, opts.name, opts.keepLogs ?? 30, logFile);

  return {
    pid,
    logFile,
    exited,
    tail: (lines = 40) => tailFile(logFile, lines),
    kill: (signal: NodeJS.Signals = 'SIGTERM') => killTree(child, signal, platform),
  };
}

function killTree(child: ChildProcess, signal: NodeJS.Signals, platform: NodeJS.Platform): boolean {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return false;
  if (isWindows(platform)) {
    const root = process.env.SystemRoot ?? process.env.windir;
    if (root) {
      spawn(path.win32.join(root, 'System32', 'taskkill.exe'), ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true })
        .on('error', () => child.kill(signal));
      return true;
    }
    return child.kill(signal);
  }
  try {
    return process.kill(-child.pid, signal); // detached: the app leads its own process group
  } catch {
    return child.kill(signal);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Attached (batch) runs

export type OutputStream = 'stdout' | 'stderr';

export interface BatchOptions {
  command: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  baseEnv?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called for every output line (split on \n, \r\n or a lone \r, as progress bars redraw). */
  onLine?: (line: string, stream: OutputStream) => void;
  /** Output (both streams) is appended to this file. With `onLine` too, both receive it. */
  logFile?: string;
  /** Aborting kills the whole process tree. */
  signal?: AbortSignal;
  /** Milliseconds; then the whole process tree is killed. */
  timeout?: number;
  /** After SIGTERM, SIGKILL follows this many ms later (default 5000). */
  forceKillAfter?: number;
  /** Throw `BatchRunError` on a non-zero exit, a signal, a timeout or a cancel (default false). */
  reject?: boolean;
  /** For messages: `Houdini batch render`, and the config key of the executable. */
  displayName?: string;
  executableKey?: string;
  platform?: NodeJS.Platform;
}

export interface BatchResult {
  command: string;
  pid: number | undefined;
  /** null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  canceled: boolean;
  /** SIGKILL was needed after the grace period. */
  forceKilled: boolean;
  durationMs: number;
  logFile: string | undefined;
  /** The last output lines (up to 20), kept for error messages. */
  lastLines: string[];
}

const KEEP_LAST_LINES = 20;
/** A line longer than this (a binary dump, a progress bar without newlines) is delivered in pieces. */
const MAX_LINE_CHARS = 1024 * 1024;

/** Splits a byte stream into lines, across chunk boundaries and multi-byte characters. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private afterCR = false;
  private readonly emit: (line: string) => void;
  constructor(emit: (line: string) => void) { this.emit = emit; }

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    this.afterCR = false;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.emit(this.partial + text.slice(from, i));
      this.partial = '';
      if (c === 13) {
        if (i + 1 === text.length) this.afterCR = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      from = i + 1;
    }
    this.partial += text.slice(from);
    while (this.partial.length > MAX_LINE_CHARS) {
      this.emit(this.partial.slice(0, MAX_LINE_CHARS));
      this.partial = this.partial.slice(MAX_LINE_CHARS);
    }
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.emit(rest);
  }
}

function describeCommand(opts: BatchOptions): string {
  return opts.displayName ?? path.basename(opts.command);
}

/**
 * Runs a batch process attached to this one. The process tree is killed on `signal`, `timeout`, or when
 * this process exits. Output is never buffered in full: it goes to `onLine`, to `logFile`, or nowhere.
 * How the process ended is returned (or thrown as `BatchRunError` with `reject: true`); a program that
 * cannot be started always throws `ExecutableNotFoundError` (or `LaunchError`).
 */
export async function runBatch(opts: BatchOptions): Promise<BatchResult> {
  const platform = opts.platform ?? process.platform;
  const args = opts.args ?? [];
  const lastLines: string[] = [];
  const started = Date.now();

  if (opts.signal?.aborted) {
    const result: BatchResult = { command: opts.command, pid: undefined, exitCode: null, signal: null, timedOut: false, canceled: true, forceKilled: false, durationMs: 0, logFile: opts.logFile, lastLines };
    if (opts.reject) throw new BatchRunError(`${describeCommand(opts)} was canceled before it started`, 'canceled', result);
    return result;
  }

  await checkCwd(opts.cwd);
  let logFd: number | undefined;
  let logStream: fs.WriteStream | undefined;
  if (opts.logFile) {
    try {
      await fsp.mkdir(path.dirname(opts.logFile), { recursive: true });
      logFd = fs.openSync(opts.logFile, 'a', 0o600);
    } catch (err) {
      throw new LaunchError(`cannot open the log ${opts.logFile}: ${(err as Error).message}`, { cause: err });
    }
  }
  const piped = opts.onLine !== undefined;
  // Output only to the log: the child writes to the file itself. With onLine: through pipes, read here.
  const output = piped ? 'pipe' : logFd !== undefined ? (logFd as unknown as 'pipe') : 'ignore';
  if (piped && logFd !== undefined) logStream = fs.createWriteStream('', { fd: logFd, autoClose: true });

  const start = () => execa(opts.command, args, {
    env: mergeEnv(opts.env, { base: opts.baseEnv, platform }),
    extendEnv: false,
    cwd: opts.cwd,
    stdin: 'ignore',
    stdout: output,
    stderr: output,
    buffer: false,
    killDescendants: true,
    forceKillAfterDelay: opts.forceKillAfter ?? 5000,
    timeout: opts.timeout,
    cancelSignal: opts.signal,
    reject: false,
    windowsHide: true,
  });
  let subprocess: ReturnType<typeof start>;
  try {
    subprocess = start();
  } catch (err) { // invalid options: nothing was started
    if (logStream) logStream.destroy();
    else if (logFd !== undefined) fs.closeSync(logFd);
    throw err;
  }
  if (!piped && logFd !== undefined) fs.closeSync(logFd); // the child holds its own copy

  let callbackError: unknown;
  const remember = (line: string) => {
    lastLines.push(line);
    if (lastLines.length > KEEP_LAST_LINES) lastLines.shift();
  };
  const readers: Promise<void>[] = [];
  if (piped) {
    const sources: [Readable | null, OutputStream][] = [[subprocess.stdout, 'stdout'], [subprocess.stderr, 'stderr']];
    for (const [stream, name] of sources) {
      if (!stream) continue;
      const splitter = new LineSplitter((line) => {
        remember(line);
        if (callbackError !== undefined) return;
        try {
          opts.onLine!(line, name);
        } catch (err) {
          callbackError = err;
          subprocess.kill();
        }
      });
      stream.on('data', (chunk: Buffer | string) => {
        splitter.push(chunk);
        if (logStream && !logStream.write(chunk)) {
          stream.pause();
          logStream.once('drain', () => stream.resume());
        }
      });
      readers.push(finished(stream).catch(() => {}).then(() => splitter.end()));
    }
  }

  const r = await subprocess;
  await Promise.all(readers);
  if (logStream) {
    logStream.end();
    await finished(logStream).catch(() => {});
  }

  if (r.exitCode === undefined && r.signal === undefined && r.code && !r.isCanceled && !r.timedOut) {
    throw spawnFailure({ code: r.code, message: r.shortMessage }, opts.command, opts, platform);
  }
  if (callbackError !== undefined) throw callbackError;

  const result: BatchResult = {
    command: opts.command,
    pid: subprocess.pid,
    exitCode: r.exitCode ?? null,
    signal: (r.signal as NodeJS.Signals | undefined) ?? null,
    timedOut: r.timedOut,
    canceled: r.isCanceled,
    forceKilled: r.isForcefullyTerminated,
    durationMs: Date.now() - started,
    logFile: opts.logFile,
    lastLines: piped ? lastLines : opts.logFile ? await tailFile(opts.logFile, KEEP_LAST_LINES) : [],
  };
  if (opts.reject) {
    const failure = batchFailure(result);
    if (failure) throw new BatchRunError(batchMessage(describeCommand(opts), failure, result, opts.timeout), failure, result);
  }
  return result;
}

function batchFailure(r: BatchResult): BatchFailure | null {
  if (r.canceled) return 'canceled';
  if (r.timedOut) return 'timeout';
  if (r.signal) return 'signal';
  if (r.exitCode !== 0) return 'exit';
  return null;
}

function batchMessage(name: string, failure: BatchFailure, r: BatchResult, timeout: number | undefined): string {
  const what = {
    canceled: `${name} was canceled`,
    timeout: `${name} did not finish within ${timeout} ms and was killed`,
    signal: `${name} was killed by ${r.signal}`,
    exit: `${name} exited with code ${r.exitCode}`,
  }[failure];
  const log = r.logFile ? ` (full output in ${r.logFile})` : '';
  const tail = r.lastLines.length ? `\nlast output:\n  ${r.lastLines.slice(-10).join('\n  ')}` : '';
  return `${what}${log}${tail}`;
}
