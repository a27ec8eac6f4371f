/**
 * A workfile sh010_anim_v001.zip in a shots folder, opened into the work area, with the simulated Harmony
 * (real startup scripts) on it, an in-process hub, and a tool client collecting workfile events.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { startHub, simEnv, startSim, tempDir, until } from './harmony.ts';
import { connectHub, type HubClient } from '../../kit/hub/client.ts';
import { defaultConfig } from '../../config/defaults.ts';
import { zipDirectory } from '../../kit/archive/index.ts';
import { SimScene } from '../../adapters/harmony/simulator/dom/index.ts';
import type { HarmonySimulator } from '../../adapters/harmony/simulator/engine.ts';
import type { Hub } from '../../kit/hub/server.ts';
import { openWorkfile } from '../../adapters/harmony/workfiles/local-copy.ts';
import { workfileService, type SaveTicket } from '../../adapters/harmony/workfiles/service.ts';
import { PATIENCE_MS } from './patience.ts';

type T = { teardown(fn: () => unknown): void };

export interface WfEvent { event: string; ids?: string[]; dest?: string; error?: { code: string; message: string }; by?: string }

export interface WorkRig {
  dir: string;
  hub: Hub;
  sim: HarmonySimulator;
  client: HubClient;
  events: WfEvent[];
  workArea: string;
  shots: string;
  zip: string;
  /** The archive's bytes before any save. */
  previous: Buffer;
  /** The local work copy. */
  copy: string;
  save(args?: Record<string, unknown>): Promise<SaveTicket>;
  outcome(id: string): Promise<WfEvent>;
  /** The archive is byte for byte what it was before any save. */
  untouched(): Promise<boolean>;
  /** Temp files, old folders and reservations left beside the archive or in the work area. */
  tempsLeft(): string[];
}

export interface WorkRigOptions {
  /** Folder of the archive (e.g. a mounted one); default <dir>/shots/sh010/work. */
  shots?: string;
  /** Bytes of a compressible file added to the project before it is archived. */
  extraBytes?: number;
  /** Bytes of incompressible audio added to the local copy after it is opened. */
  projectBytes?: number;
  /** 'new': Harmony runs a new scene instead of the workfile. */
  scene?: 'workfile' | 'new';
}

export async function workRig(t: T, opts: WorkRigOptions = {}): Promise<WorkRig> {
  const dir = tempDir(t, 'dcckit-wf-');
  const home = path.join(dir, 'kit');
  const config = defaultConfig(home);
  const workArea = path.join(dir, 'work-area');
  config.harmony.workfiles.workArea = workArea;
  const hub = await startHub(t, { config, home });
  const shots = opts.shots ?? path.join(dir, 'shots', 'sh010', 'work');
  await fsp.mkdir(shots, { recursive: true });
  const src = path.join(dir, 'src', 'sh010_anim_v001');
  SimScene.createDefault(src, 'sh010_anim_v001');
  if (opts.extraBytes) await fsp.writeFile(path.join(src, 'elements', 'texture.bin'), Buffer.alloc(opts.extraBytes, 3));
  const zip = path.join(shots, 'sh010_anim_v001.zip');
  await zipDirectory(src, zip);
  const previous = await fsp.readFile(zip);
  // texture.bin is one byte value repeated (~1000:1): over the 100:1 every zip is held to unless told otherwise.
  const opened = await openWorkfile(zip, { workArea, maxRatio: 10_000 });
  if (opts.projectBytes) await fsp.writeFile(path.join(opened.dir, 'audio', 'take1.wav'), crypto.randomBytes(opts.projectBytes));
  const sim = startSim(t, simEnv(hub, dir), {}, dir);
  sim.open(opts.scene === 'new' ? null : opened.scene);
  const client = await connectHub({ port: hub.port, token: hub.token });
  t.teardown(() => client.close());
  const events: WfEvent[] = [];
  client.on('event', (e: WfEvent) => { if (e.event.startsWith('workfile.')) events.push(e); });
  await client.subscribe();
  await client.session('harmony', { wait: PATIENCE_MS });
  // Outstanding zips must end before the temp folders are removed.
  t.teardown(() => workfileService(hub.services).idle());
  return {
    dir, hub, sim, client, events, workArea, shots, zip, previous, copy: opened.dir,
    save: (args = {}) => client.adapter('harmony', 'workfile.save', args, { timeout: 20_000 }) as Promise<SaveTicket>,
    outcome: async (id: string) => {
      const find = () => events.find((e) => (e.event === 'workfile.saved' || e.event === 'workfile.failed') && e.ids?.includes(id));
      await until(() => find() !== undefined, PATIENCE_MS, `the outcome of ${id}`);
      return find()!;
    },
    untouched: async () => (await fsp.readFile(zip)).equals(previous),
    tempsLeft: () => [...fs.readdirSync(shots), ...fs.readdirSync(workArea)].filter((n) => /\.dcckit-(tmp|old|reserved)/.test(n)),
  };
}
