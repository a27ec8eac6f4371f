/** Finding the program to start: the configured one, else the first default that works; errors name the config key. */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DccKitError } from '../errors.ts';
import { ExecutableNotFoundError, LaunchError, type ExecutableProblem } from './errors.ts';
import { envKey, isWindows } from './env.ts';

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
export function spawnFailure(err: NodeJS.ErrnoException | { code?: string; message?: string }, command: string, ids: { displayName?: string; executableKey?: string }, platform: NodeJS.Platform): DccKitError {
  const base = { displayName: ids.displayName ?? path.basename(command), key: ids.executableKey, executable: command };
  if (err.code === 'ENOENT') return new ExecutableNotFoundError({ ...base, problem: 'missing', detail: command });
  if (err.code === 'EACCES') return new ExecutableNotFoundError({ ...base, problem: 'not-executable', detail: describe(command, { ok: null, problem: 'not-executable', at: command }) });
  if (err.code === 'EINVAL' && isWindows(platform) && BATCH_EXT.has(path.extname(command).toLowerCase())) {
    return new ExecutableNotFoundError({ ...base, problem: 'batch-script', detail: describe(command, { ok: null, problem: 'batch-script', at: command }) });
  }
  return new LaunchError(`could not start ${command}: ${err.message ?? err.code}`, { cause: err });
}

/** A missing cwd makes spawn fail with ENOENT, which would read as a missing program: say it first. */
export async function checkCwd(cwd: string | undefined): Promise<void> {
  if (cwd === undefined) return;
  const st = await fsp.stat(cwd).catch(() => null);
  if (!st?.isDirectory()) throw new LaunchError(`cannot start in ${cwd}: no such folder (check the scene or work area path)`);
}
