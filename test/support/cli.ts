/** Runs the real dcc-kit CLI as a child process with an isolated home. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATIENCE_MS, eventually } from './patience.ts';
import { hubPaths, isProcessAlive, readRuntime } from '../../kit/hub/runtime.ts';
import { connectHub } from '../../kit/hub/client.ts';
import type { SessionInfo } from '../../kit/adapter.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'dcc-kit.js');

export interface CliResult { code: number; stdout: string; stderr: string }

export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<CliResult>;
  json<T = unknown>(args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<T>;
  /**
   * The sandbox hub's sessions, asked from this process: for a test that polls until a DCC connects or goes
   * (each `dcc-kit sessions` is a Node start); what the command prints is tested on its own.
   */
  sessions(): Promise<SessionInfo[]>;
  cleanup(): Promise<void>;
}

/** A temp HOME, XDG config dir and DCC_KIT_HOME, so nothing of the real user is read or written. */
export function sandbox(): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-cli-'));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  // A runtime folder of the sandbox's own: without one, the sound client of a Blender the tests start leaves a
  // /tmp/pulse-* folder behind.
  const runtime = path.join(dir, 'runtime');
  fs.mkdirSync(runtime, { mode: 0o700 });
  // And a temp folder of its own, removed with the sandbox: a Blender writes quit.blend there when it quits and
  // leaves its blender_* folder there when it is killed.
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_RUNTIME_DIR: runtime,
    TMPDIR: tmp,
    DCC_KIT_HOME: path.join(dir, 'kit'),
  };
  delete env.DCC_KIT_PORT;
  delete env.DCC_KIT_TOKEN;
  const run = (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}) =>
    new Promise<CliResult>((resolve) => {
      // The command's exit is the event waited for; the timeout only guards against one that hangs, so it is far
      // beyond what a busy machine needs (a launch took over 30 s at load 40 here).
      execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? home, env: { ...env, ...opts.env }, timeout: opts.timeout ?? PATIENCE_MS * 4 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  return {
    dir, env, run,
    async json<T>(args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number }) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`dcc-kit ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return JSON.parse(r.stdout) as T;
    },
    async sessions() {
      const info = await readRuntime(hubPaths(path.join(dir, 'kit')));
      if (!info) return [];
      const client = await connectHub({ port: info.port, token: info.token, connectTimeout: PATIENCE_MS });
      try {
        return await client.sessions();
      } finally {
        client.close();
      }
    },
    async cleanup() {
      await stopHubIn(path.join(dir, 'kit'));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What `dcc-kit hub stop` does, from this process: a test's teardown does not start a Node process for it (there
 * are a hundred teardowns). A hub that does not exit in time is killed, so no test leaves one behind.
 */
export async function stopHubIn(kitHome: string): Promise<void> {
  const info = await readRuntime(hubPaths(kitHome));
  if (!info || !isProcessAlive(info.pid)) return;
  try {
    const client = await connectHub({ port: info.port, token: info.token, connectTimeout: PATIENCE_MS });
    try {
      await client.stopHub();
    } finally {
      client.close();
    }
  } catch { /* not answering: killed below */ }
  await eventually(`hub ${info.pid} to exit`, () => !isProcessAlive(info.pid), 75_000).catch(() => {});
  if (isProcessAlive(info.pid)) process.kill(info.pid, 'SIGKILL');
}
