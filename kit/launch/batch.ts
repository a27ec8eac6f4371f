/** Attached (batch) runs: output streamed line by line and/or logged, the whole tree killed on cancel or timeout. */
import fs from 'node:fs';
import path from 'node:path';
import { mergeEnv } from './env.ts';
import { tailFile } from './logs.ts';
import fsp from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { BatchRunError, LaunchError, type BatchFailure } from './errors.ts';
import { checkCwd, spawnFailure } from './executable.ts';
import { killTree } from './detached.ts';

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
