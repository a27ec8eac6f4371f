/**
 * A real hub process for the benches, started the way `dcc-kit hub start` does (ensureHub spawns
 * kit/hub/main.ts, here from bench/support/hub-launcher.ts), isolated in a temp home with its own
 * .dcckitrc, and a tool connection to it.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HubClient } from '../../kit/hub/client.ts';
import { isProcessAlive, sleep, type RuntimeInfo } from '../../kit/hub/runtime.ts';
import { connectSocket } from '../../kit/protocol/socket.ts';
import { PROTOCOL_VERSION, type HelloResult } from '../../kit/protocol/messages.ts';
import { DEFAULT_MAX_FRAME_BYTES } from '../../kit/protocol/frame.ts';

export interface HubProcess {
  pid: number;
  port: number;
  token: string;
  /** The hub's local socket for tools (runtime file), when it has one. */
  socket?: string;
  /** Its DCC_KIT_HOME (logs/hub.log is there). */
  home: string;
  /** The folder it was started in (its .dcckitrc.json). */
  cwd: string;
  /** Stops the hub (SIGTERM, then SIGKILL after 5 s) and removes its temp home. */
  stop(): Promise<void>;
}

/** `config`: more keys for the hub's .dcckitrc; `prepare`: files to write in its folder first (e.g. studio plugins). */
export async function startHubProcess(opts: { maxFrameBytes?: number; config?: Record<string, unknown>; prepare?: (cwd: string) => Promise<void> } = {}): Promise<HubProcess> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dcc-kit-bench-'));
  const home = path.join(root, 'home');
  const cwd = path.join(root, 'work');
  await fs.mkdir(cwd, { recursive: true });
  await opts.prepare?.(cwd);
  await fs.writeFile(path.join(cwd, '.dcckitrc.json'), JSON.stringify({
    ...opts.config,
    hub: { port: 0, maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES },
  }));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: root, XDG_CONFIG_HOME: path.join(root, 'config'), DCC_KIT_HOME: home };
  delete env.DCC_KIT_PORT;
  delete env.DCC_KIT_TOKEN;
  const launcher = fork(fileURLToPath(new URL('./hub-launcher.ts', import.meta.url)), [home, cwd], {
    execPath: process.execPath, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<RuntimeInfo>((resolve, reject) => {
    launcher.once('message', (msg) => resolve((msg as { info: RuntimeInfo }).info));
    launcher.once('exit', (code) => reject(new Error(`the bench hub launcher exited with ${code} before the hub was ready`)));
  });
  return {
    pid: info.pid, port: info.port, token: info.token, socket: info.socket, home, cwd,
    stop: async () => {
      if (isProcessAlive(info.pid)) process.kill(info.pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (isProcessAlive(info.pid) && Date.now() < deadline) await sleep(20);
      if (isProcessAlive(info.pid)) process.kill(info.pid, 'SIGKILL');
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Connects to a hub as a tool the way connectHub does (its local socket when it has one, else the port), but
 * with a chosen frame limit (connectHub keeps the default). `over: 'tcp'` takes the port whatever the hub has.
 */
export async function connectTool(hub: Pick<HubProcess, 'port' | 'token' | 'socket'>, opts: { maxFrameBytes?: number; over?: 'tcp' } = {}): Promise<HubClient> {
  const local = opts.over !== 'tcp' && hub.socket;
  const pending = connectSocket(local ? { path: hub.socket! } : { host: '127.0.0.1', port: hub.port });
  await new Promise<void>((resolve, reject) => { pending.socket.once('connect', resolve); pending.socket.once('error', reject); });
  const peer = pending.peer({ label: local ? 'bench tool (local socket)' : 'bench tool (TCP)', maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES });
  const hello = await peer.request('hello', { protocol: PROTOCOL_VERSION, token: hub.token, role: 'tool', pid: process.pid }) as HelloResult;
  return new HubClient(peer, hello, hub.port, 60_000);
}
