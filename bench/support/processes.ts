/** Starts bench helper processes with an IPC channel, and stops every one of them at the end. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ECHO_SCRIPT = fileURLToPath(new URL('./echo-process.ts', import.meta.url));
const started = new Set<ChildProcess>();

export interface EchoProcess {
  child: ChildProcess;
  /** Port of the server ("raw" and "peer" modes). */
  port?: number;
  /** Ports of the raw and RpcPeer echo servers ("servers" mode). */
  rawPort?: number;
  rpcPort?: number;
  /** Session id of the DCC echo ("dcc" mode). */
  session?: string;
  stop(): Promise<void>;
}

/** Forks bench/support/echo-process.ts in `mode` and waits for it to report ready. */
export async function startEchoProcess(mode: 'raw' | 'peer' | 'servers' | 'relay' | 'dcc', args: string[] = []): Promise<EchoProcess> {
  const child = fork(ECHO_SCRIPT, [mode, ...args], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  started.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { started.delete(child); resolve(); }));
  const ready = await new Promise<{ port?: number; rawPort?: number; rpcPort?: number; session?: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench ${mode} echo process did not start within 15 s`)), 15_000);
    child.once('message', (msg) => { clearTimeout(timer); resolve(msg as { port?: number; rawPort?: number; rpcPort?: number; session?: string }); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`bench ${mode} echo process exited with ${code} before it was ready`)); });
  });
  return {
    child, port: ready.port, rawPort: ready.rawPort, rpcPort: ready.rpcPort, session: ready.session,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

/** Kills any helper process still running (on an error path). */
export function killStartedProcesses(): void {
  for (const child of started) child.kill();
}
