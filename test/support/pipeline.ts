/**
 * A shot set up for publishing and loading: a project tree with .dcckitrc context files, the workfile
 * sh010_anim_v001.zip in shots/sh010/work opened into the work area, the simulated Harmony (real startup
 * scripts) on it, an in-process hub whose config points publish.root at a temp store, and a tool client.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { startHub, simEnv, startSim, tempDir, until } from './harmony.ts';
import { connectHub, type HubClient } from '../../kit/hub/client.ts';
import { defaultConfig } from '../../config/defaults.ts';
import type { CoreConfig } from '../../config/schema.ts';
import { zipDirectory } from '../../kit/archive/index.ts';
import { SimScene } from '../../adapters/harmony/simulator/dom/index.ts';
import type { HarmonySimulator, SimulatorOptions } from '../../adapters/harmony/simulator/engine.ts';
import type { Hub } from '../../kit/hub/server.ts';
import { openWorkfile } from '../../adapters/harmony/workfiles/local-copy.ts';
import { ProductStore, type VersionManifest } from '../../kit/store/index.ts';
import type { PublishReport } from '../../kit/publish/index.ts';
import { PATIENCE_MS } from './patience.ts';
import type { Sandbox } from './cli.ts';

type T = { teardown(fn: () => unknown): void };

export interface PipelineRig {
  dir: string;
  hub: Hub;
  sim: HarmonySimulator;
  client: HubClient;
  config: CoreConfig;
  store: ProductStore;
  /** The shot folder holding the workfile's .dcckitrc. */
  shotDir: string;
  zip: string;
  /** The local copy Harmony has open. */
  copy: string;
  events: { event: string; [k: string]: unknown }[];
  /** What the hub logged (levels as prefixes: "warn: ..."), to wait on what it did, not on time. */
  logs: string[];
  tool<T = unknown>(name: string, args?: Record<string, unknown>): Promise<T>;
  call<T = unknown>(request: string, args?: unknown): Promise<T>;
}

export interface PipelineRigOptions {
  configure?(config: CoreConfig): void;
  /** Context of the shot's .dcckitrc (YAML lines under `context:`). */
  shotContext?: string;
  sim?: SimulatorOptions;
  /** Change the project before it is zipped. */
  prepare?(scene: SimScene): void;
  /** Before the hub starts: add files to the rig's folder (a .dcckitrc there is layered under the project's). */
  prepareDir?(dir: string): void;
}

export async function pipelineRig(t: T, opts: PipelineRigOptions = {}): Promise<PipelineRig> {
  const dir = tempDir(t, 'dcckit-pipe-');
  const home = path.join(dir, 'kit');
  const config = defaultConfig(home);
  config.harmony.workfiles.workArea = path.join(dir, 'work-area');
  config.publish.root = path.join(dir, 'store');
  config.harmony.executable = 'simulator';
  config.web.enabled = false;
  opts.configure?.(config);
  const proj = path.join(dir, 'proj');
  const shotDir = path.join(proj, 'shots', 'sh010');
  const work = path.join(shotDir, 'work');
  await fsp.mkdir(work, { recursive: true });
  // The project's settings (store, renderer, farm) live in its .dcckitrc, as in a studio: the hub reads
  // them from the workfile's folder, whatever folder it was started in.
  await fsp.writeFile(path.join(proj, '.dcckitrc'), JSON.stringify({
    context: { project: 'demo', fps: 24, resolution: [1920, 1080] },
    publish: { root: config.publish.root, template: config.publish.template },
    harmony: { executable: config.harmony.executable, publish: config.harmony.publish },
    farm: config.farm,
  }, null, 2));
  await fsp.writeFile(path.join(shotDir, '.dcckitrc'), `context:\n${opts.shotContext ?? '  folder: shots/sh010\n  task: anim\n  frameStart: 1001\n  frameEnd: 1012\n'}`);
  const src = path.join(dir, 'src', 'sh010_anim_v001');
  const scene = SimScene.createDefault(src, 'sh010_anim_v001');
  if (opts.prepare) {
    opts.prepare(scene);
    scene.saveAll();
  }
  const zip = path.join(work, 'sh010_anim_v001.zip');
  await zipDirectory(src, zip);
  opts.prepareDir?.(dir);
  const opened = await openWorkfile(zip, { workArea: config.harmony.workfiles.workArea });
  const logs: string[] = [];
  const log = { debug: (m: string) => logs.push(`debug: ${m}`), info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };
  const hub = await startHub(t, { config, home, callTimeout: PATIENCE_MS, log });
  const sim = startSim(t, simEnv(hub, dir), opts.sim ?? {}, dir);
  sim.open(opened.scene);
  const client = await connectHub({ port: hub.port, token: hub.token, callTimeout: PATIENCE_MS * 2, connectTimeout: PATIENCE_MS });
  t.teardown(() => client.close());
  const events: PipelineRig['events'] = [];
  client.on('event', (e: PipelineRig['events'][number]) => events.push(e));
  await client.subscribe();
  const handle = await client.session('harmony', { wait: PATIENCE_MS });
  return {
    dir, hub, sim, client, config, shotDir, zip, copy: opened.dir, events, logs,
    store: new ProductStore({ root: config.publish.root, template: config.publish.template }),
    tool: <R>(name: string, args: Record<string, unknown> = {}) => client.adapter('harmony', name, args) as Promise<R>,
    call: <R>(request: string, args?: unknown) => handle.request(request, args) as Promise<R>,
  };
}

/** What a scene holds, order aside: to compare a scene before and after (loads, updates, removals). */
export function sceneShape(rig: PipelineRig) {
  const s = rig.sim.scene!.state;
  return {
    nodes: [...s.nodes.keys()].sort(),
    links: s.links.map((l) => `${l.src}:${l.srcPort}->${l.dst}:${l.dstPort}`).sort(),
    columns: [...s.columns.keys()].sort(),
    backdrops: [...(s.backdrops.get('Top') ?? [])].map((b) => b.title.text).sort(),
    palettes: s.palettes.map((p) => p.file).sort(),
    elements: [...s.elements.values()].map((e) => e.folder).sort(),
  };
}

export { fs };

/**
 * A project on disk for CLI tests: `<dir>/proj/.dcckitrc` (what `projectRc` returns for the store root
 * `<dir>/store`), `<dir>/proj/shots/<shot>/.dcckitrc` (`shotRc`), and the simulator workfile
 * `<shot>/work/<workfile>.zip`.
 */
export async function shotOnDisk(dir: string, opts: { shot: string; workfile: string; projectRc: (store: string) => string; shotRc: string }): Promise<{ shot: string; zip: string; store: string }> {
  const store = path.join(dir, 'store');
  const shot = path.join(dir, 'proj', 'shots', opts.shot);
  fs.mkdirSync(path.join(shot, 'work'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'proj', '.dcckitrc'), opts.projectRc(store));
  fs.writeFileSync(path.join(shot, '.dcckitrc'), opts.shotRc);
  const src = path.join(dir, 'src', opts.workfile);
  SimScene.createDefault(src, opts.workfile);
  const zip = path.join(shot, 'work', `${opts.workfile}.zip`);
  await zipDirectory(src, zip);
  return { shot, zip, store };
}

/**
 * The start of the farm-restart tests: a comp shot on disk whose project renders on the farm at `farmPort` (the
 * Afanasy double's), a simulated Harmony launched through the CLI on its workfile, and a farm render instance
 * `Farm` created in it. The Harmony is killed at teardown.
 */
export async function farmShot(t: T, sb: Sandbox, farmPort: number, opts: { shot: string; frameEnd: number }): Promise<{ shot: string; store: string }> {
  const { shot, zip, store } = await shotOnDisk(sb.dir, {
    shot: opts.shot, workfile: `${opts.shot}_comp_v001`,
    projectRc: (root) => [
      'context:', '  project: demo', '  fps: 24', 'publish:', `  root: ${root}`,
      'farm:', '  afanasy:', '    host: 127.0.0.1', `    port: ${farmPort}`, 'web:', '  enabled: false', '',
    ].join('\n'),
    shotRc: `context:\n  folder: shots/${opts.shot}\n  task: comp\n  frameStart: 1001\n  frameEnd: ${opts.frameEnd}\n`,
  });
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json'], { cwd: shot });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  const created = await sb.run(['create', 'render', 'Farm', '--attr', 'target=farm', '--attr', 'review=false'], { cwd: shot });
  if (created.code !== 0) throw new Error(`dcc-kit create render Farm exited ${created.code}: ${created.stderr}`);
  return { shot, store };
}

/** Runs a publish through the hub and waits for its end: its report. */
export async function publishAndWait(rig: PipelineRig, args: Record<string, unknown> = {}): Promise<PublishReport> {
  const { runId } = await rig.tool<{ runId: string }>('publish.run', args);
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.runId === runId && e.type === 'end'), PATIENCE_MS * 2, 'the publish to end');
  return (await rig.tool<{ report: PublishReport }>('publish.report', { runId })).report;
}

/** A version's manifest, every file it lists checked against its size and sha256. */
export function checkedManifest(t: { is(a: unknown, b: unknown, m?: string): void }, dir: string): VersionManifest {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'version.json'), 'utf8')) as VersionManifest;
  for (const rep of manifest.representations) {
    for (const f of rep.files) {
      const bytes = fs.readFileSync(path.join(dir, f.path));
      t.is(bytes.length, f.size, f.path);
      t.is(createHash('sha256').update(bytes).digest('hex'), f.sha256, f.path);
    }
  }
  return manifest;
}
