/** Detached (GUI) launches that outlive the launcher, logging through a raw fd; killing a process tree. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { checkCwd, spawnFailure } from './executable.ts';
import { interactiveCommand } from '../scheduling.ts';
import { LaunchError } from './errors.ts';
import { mergeEnv } from './env.ts';
import { tailFile } from './logs.ts';
import { isWindows } from './env.ts';
import { logsDir, pruneLogs, timestamp } from './logs.ts';

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
    // Started by the hub (the web page's Open), this process runs under SCHED_BATCH; the DCC must not.
    const started = interactiveCommand(opts.command, args);
    child = spawn(started.command, started.args, {
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

export function killTree(child: ChildProcess, signal: NodeJS.Signals, platform: NodeJS.Platform): boolean {
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
