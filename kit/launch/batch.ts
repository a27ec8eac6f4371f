/** Attached (batch) runs: output streamed line by line and/or logged, the whole tree killed on cancel or timeout. */
import fs from 'node:fs';
import path from 'node:path';
import { mergeEnv } from './env.ts';
import { tailFile } from './logs.ts';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { LaunchError } from './errors.ts';
import { BatchRunError, batchFailure, batchMessage, type BatchResult } from './batch-result.ts';
import { LineSplitter } from './line-splitter.ts';
import { checkCwd, spawnFailure } from './executable.ts';

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

const KEEP_LAST_LINES = 20;
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

  // Imported here, not at the top: execa is some hundred modules that only a batch run needs, and every process
  // that imports the launch code (the hub, the CLI's launch) would otherwise load them at start.
  const { execa } = await import('execa');
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
