/**
 * The hub's runtime file (`<home>/run/hub.json`: pid, port, token, local socket; 0600 in a 0700 folder) and the
 * lock that makes starting a hub on an automatic port atomic.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface RuntimeInfo {
  pid: number;
  port: number;
  token: string;
  version: string;
  protocol: number;
  startedAt: string;
  /** The hub's local socket for tools on this machine (absent on Windows and when the path is too long). */
  socket?: string;
  /** The web page (web.enabled): the port it serves on, or why it could not start (e.g. its port is taken). */
  web?: { port: number } | { error: string };
  /** The dcc-kit installation (package folder) the hub runs from. */
  root?: string;
}

export interface HubPaths {
  home: string;
  runDir: string;
  runtimeFile: string;
  lockFile: string;
  logsDir: string;
  logFile: string;
  /** Where the hub listens for local tools besides 127.0.0.1; null where it does not (see localSocketPath). */
  socketFile: string | null;
}

/** `DCC_KIT_HOME`, else `~/.dcc-kit` (callers holding a loaded config use `config.home`). */
export { dccKitHome as homeFromEnv } from '../../config/paths.ts';

export function hubPaths(home: string): HubPaths {
  const runDir = path.join(home, 'run');
  const logsDir = path.join(home, 'logs');
  return {
    home,
    runDir,
    runtimeFile: path.join(runDir, 'hub.json'),
    lockFile: path.join(runDir, 'hub.lock'),
    logsDir,
    logFile: path.join(logsDir, 'hub.log'),
    socketFile: localSocketPath(runDir),
  };
}

/** A Unix socket path longer than this does not fit in sockaddr_un on every platform (104 bytes on macOS). */
const MAX_SOCKET_PATH_BYTES = 103;

/**
 * `<home>/run/hub.sock` on Linux and macOS. Tools on this machine connect there rather than to the TCP port:
 * a round trip over a Unix socket skips the TCP stack, and the socket sits in the private run folder.
 * Not on Windows (named pipes have other access rules), nor when the path is too long for a socket address.
 */
export function localSocketPath(runDir: string, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'win32') return null;
  const file = path.join(runDir, 'hub.sock');
  return Buffer.byteLength(file) <= MAX_SOCKET_PATH_BYTES ? file : null;
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await fsp.chmod(dir, 0o700);
}

export async function readRuntime(paths: HubPaths): Promise<RuntimeInfo | null> {
  let text: string;
  try {
    text = await fsp.readFile(paths.runtimeFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const info = JSON.parse(text) as RuntimeInfo;
    if (typeof info.pid !== 'number' || typeof info.port !== 'number' || typeof info.token !== 'string') return null;
    if (info.socket !== undefined && typeof info.socket !== 'string') delete info.socket;
    return info;
  } catch {
    return null; // a torn or foreign file counts as no hub; the next hub start replaces it
  }
}

/** Written to a temp file and renamed, so readers never see a partial file. */
export async function writeRuntime(paths: HubPaths, info: RuntimeInfo): Promise<void> {
  await ensurePrivateDir(paths.runDir);
  const tmp = `${paths.runtimeFile}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  await fsp.rename(tmp, paths.runtimeFile);
}

/** Removes the runtime file only if it still describes this process. */
export function removeRuntimeSync(paths: HubPaths, pid = process.pid): void {
  try {
    const info = JSON.parse(fs.readFileSync(paths.runtimeFile, 'utf8')) as RuntimeInfo;
    if (info.pid === pid) fs.unlinkSync(paths.runtimeFile);
  } catch { /* already gone */ }
}

export { isProcessAlive } from '../process.ts';
import { isProcessAlive } from '../process.ts';

/**
 * Takes the hub lock (an O_EXCL file holding our pid). Returns false when a live process holds it.
 * A lock left by a dead process is replaced; the replacement itself is guarded by an atomic mkdir so
 * two starters can never both take over the same stale lock.
 */
export async function acquireHubLock(paths: HubPaths): Promise<boolean> {
  await ensurePrivateDir(paths.runDir);
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const fd = await fsp.open(paths.lockFile, 'wx', 0o600);
      await fd.writeFile(String(process.pid));
      await fd.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readLockPid(paths.lockFile);
    if (holder !== null && isProcessAlive(holder)) return false;
    if (holder === null && await isYoung(paths.lockFile)) {
      // The holder created the file but has not written its pid yet.
      await sleep(20);
      continue;
    }
    const guard = paths.lockFile + '.takeover';
    try {
      await fsp.mkdir(guard);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!(await isYoung(guard, 10_000))) await fsp.rm(guard, { recursive: true, force: true });
      await sleep(20);
      continue;
    }
    try {
      const again = await readLockPid(paths.lockFile);
      if (again === holder) await fsp.rm(paths.lockFile, { force: true });
    } finally {
      await fsp.rm(guard, { recursive: true, force: true });
    }
  }
  return false;
}

export function releaseHubLockSync(paths: HubPaths): void {
  try {
    if (fs.readFileSync(paths.lockFile, 'utf8').trim() === String(process.pid)) fs.unlinkSync(paths.lockFile);
  } catch { /* not ours or already gone */ }
}

async function readLockPid(file: string): Promise<number | null> {
  try {
    const text = (await fsp.readFile(file, 'utf8')).trim();
    const pid = Number(text);
    return text !== '' && Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

async function isYoung(file: string, ms = 2000): Promise<boolean> {
  try {
    const st = await fsp.stat(file);
    return Date.now() - st.mtimeMs < ms;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
