/**
 * Starting or attaching to the singleton hub. Any number of simultaneous starters end with one hub:
 * each spawns a hub process, the hub process takes the lock (or the fixed port), the losers exit with
 * EXIT_ALREADY_RUNNING, and every starter attaches to the winner.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DccKitError } from '../errors.ts';
import { hubPaths, readRuntime, ensurePrivateDir, isProcessAlive, sleep, type RuntimeInfo, type HubPaths } from './runtime.ts';
import { openPeer } from './connect.ts';
import { MODULE_EXT } from '../package-root.ts';

export const EXIT_ALREADY_RUNNING = 3;
export const EXIT_PORT_TAKEN = 4;

export class HubStartError extends DccKitError {
  constructor(message: string) { super(message, 'HUB_START'); }
}

/** True when a live hub answers the hello described by the runtime file. */
export async function probeHub(info: RuntimeInfo, timeout = 2000): Promise<boolean> {
  if (!isProcessAlive(info.pid)) return false;
  try {
    const { peer } = await openPeer(info.port, info.token, { timeout });
    peer.close('probe done');
    return true;
  } catch {
    return false;
  }
}

export async function runningHub(paths: HubPaths): Promise<RuntimeInfo | null> {
  const info = await readRuntime(paths);
  return info && await probeHub(info) ? info : null;
}

/**
 * What the hub process gets besides the caller's environment. On Linux, glibc gives every thread that
 * allocates its own malloc arena and keeps freed memory there: the archive workers' zlib buffers then pile
 * up as resident memory (a 201 MiB workfile zip peaked near 300 MiB). Two arenas are shared and reused, at
 * the same speed. A value already set by the user wins.
 */
export function hubProcessEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  return platform === 'linux' && env.MALLOC_ARENA_MAX === undefined ? { ...env, MALLOC_ARENA_MAX: '2' } : { ...env };
}

export interface EnsureHubOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeout?: number;
}

/** Returns the running hub, starting one when needed. `started` tells whether this call started it. */
export async function ensureHub(opts: EnsureHubOptions): Promise<{ info: RuntimeInfo; started: boolean }> {
  const paths = hubPaths(opts.home);
  const existing = await runningHub(paths);
  if (existing) return { info: existing, started: false };

  await ensurePrivateDir(paths.logsDir);
  const stdioLog = `${paths.logsDir}/hub-process.log`;
  const fd = fs.openSync(stdioLog, 'a', 0o600);
  const startOffset = fs.fstatSync(fd).size;
  const main = fileURLToPath(new URL(`./main${MODULE_EXT}`, import.meta.url));
  const child = spawn(process.execPath, [main], {
    cwd: opts.cwd ?? process.cwd(),
    env: { ...hubProcessEnv(opts.env ?? process.env), DCC_KIT_HOME: opts.home },
    detached: true,
    stdio: ['ignore', fd, fd],
    windowsHide: true,
  });
  fs.closeSync(fd);
  let exitCode: number | null = null;
  child.on('exit', (code) => { exitCode = code ?? 1; });
  child.unref();

  const deadline = Date.now() + (opts.timeout ?? 15_000);
  while (Date.now() < deadline) {
    const info = await readRuntime(paths);
    if (info && (info.pid === child.pid || exitCode !== null) && await probeHub(info)) {
      return { info, started: info.pid === child.pid };
    }
    if (exitCode !== null && exitCode !== EXIT_ALREADY_RUNNING) {
      throw new HubStartError(`the hub failed to start (exit ${exitCode}): ${await tail(stdioLog, startOffset)}`);
    }
    await sleep(exitCode === EXIT_ALREADY_RUNNING ? 50 : 25);
  }
  throw new HubStartError(`the hub did not become ready within ${opts.timeout ?? 15_000} ms. See ${paths.logFile} and ${stdioLog}: ${await tail(stdioLog, startOffset)}`);
}

async function tail(file: string, from: number): Promise<string> {
  try {
    const text = (await fsp.readFile(file, 'utf8')).slice(from).trim();
    return text ? text.split('\n').slice(-8).join('\n') : '(no output)';
  } catch {
    return '(no output)';
  }
}
