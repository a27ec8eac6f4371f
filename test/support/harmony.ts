/** Starts an in-process hub and simulated Harmony running the real startup scripts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hub, type HubOptions } from '../../kit/hub/server.ts';
import { AdapterRegistry } from '../../kit/adapter.ts';
import { connectHub, type HubClient } from '../../kit/hub/client.ts';
import { HarmonySimulator, type SimulatorOptions } from '../../adapters/harmony/simulator/engine.ts';
import { HARMONY_SCRIPTS_DIR } from '../../adapters/harmony/paths.ts';
import { PATIENCE_MS } from './patience.ts';

export interface Rig {
  hub: Hub;
  sim: HarmonySimulator;
  client: HubClient;
  dir: string;
  env: Record<string, string | undefined>;
}

type Teardown = { teardown(fn: () => unknown): void };

export async function startHub(t: Teardown, opts: HubOptions = {}): Promise<Hub> {
  const adapters = opts.adapters ?? new AdapterRegistry();
  await adapters.get('harmony');
  const hub = new Hub({ pingInterval: 0, ...opts, adapters });
  await hub.listen();
  t.teardown(() => hub.stop('test over'));
  return hub;
}

export function simEnv(hub: { port: number; token: string } | null, dir: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    HOME: path.join(dir, 'home'),
    DCC_KIT_HOME: path.join(dir, 'kit'),
    TOONBOOM_GLOBAL_SCRIPT_LOCATION: HARMONY_SCRIPTS_DIR,
    ...(hub ? { DCC_KIT_PORT: String(hub.port), DCC_KIT_TOKEN: hub.token } : {}),
    ...extra,
  };
}

export function tempDir(t: Teardown, prefix = 'dcckit-harmony-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function startSim(t: Teardown, env: Record<string, string | undefined>, opts: SimulatorOptions = {}, dir?: string): HarmonySimulator {
  const sim = new HarmonySimulator({ env, gui: true, untitledDir: dir, ...opts });
  t.teardown(() => sim.close());
  return sim;
}

/** Hub + simulator with a new default scene + a connected tool client, waiting for the session. */
export async function rig(t: Teardown, opts: { sim?: SimulatorOptions; hub?: HubOptions } = {}): Promise<Rig> {
  const dir = tempDir(t);
  const hub = await startHub(t, opts.hub);
  const env = simEnv(hub, dir);
  const sim = startSim(t, env, opts.sim, dir);
  sim.open(null);
  const client = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => client.close());
  await client.session('harmony', { wait: PATIENCE_MS });
  return { hub, sim, client, dir, env };
}

export function until(cond: () => boolean, ms = PATIENCE_MS, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
