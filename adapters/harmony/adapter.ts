/**
 * The Toon Boom Harmony adapter: what the hub and the CLI load (the registry in kit/adapter.ts). The package's
 * `dcc-kit/harmony` entry (index.ts) re-exports it with the public classes, the simulator among them, which a hub
 * does not need at start.
 */
import type { Adapter, Endpoint, LaunchRequest, LaunchSpec, PrepareLaunchRequest } from '../../kit/adapter.ts';
import { NotAvailableYetError } from './not-yet.ts';
import { menuEndpoints } from './menu.ts';
import type { ToolEndpointName } from './pipeline-types.ts';
import { ayonCompat } from './ayon-compat.ts';
import { installHarmony, uninstallHarmony } from './install.ts';
import { HARMONY_SCRIPTS_DIR, SIMULATOR_BIN, defaultHarmonyExecutables } from './paths.ts';
import { harmonyExtensionKinds } from './extensions.ts';
import { own } from '../../kit/own.ts';


interface HarmonyConfig {
  executable: string | null;
  menuLabel: string;
  launchTimeout: number;
  simulatorVersion: string;
}

/** Workfile code is loaded only when a workfile request or command runs (the CLI loads this file for its help). */
const workfiles = () => import('./workfiles/endpoints.ts');
const workfileTool = (name: string): Endpoint => async (args, ctx) => own((await workfiles()).workfileToolEndpoints, name)!(args, ctx);

type Area = 'create' | 'publish' | 'load' | 'extensions';
const AREAS: Record<Area, () => Promise<{ endpoints: Record<string, Endpoint> }>> = {
  extensions: () => import('./extension-endpoints.ts'),
  create: () => import('./create/endpoints.ts'),
  publish: () => import('./publish/endpoints.ts'),
  load: () => import('./load/endpoints.ts'),
};
/** A tool endpoint whose module is imported on first use. */
const areaTool = (area: Area, name: ToolEndpointName): Endpoint => async (args, ctx) => {
  const handler = own((await AREAS[area]()).endpoints, name);
  if (!handler) throw new NotAvailableYetError(name);
  return handler(args, ctx);
};
const PIPELINE_TOOLS: Record<ToolEndpointName, Area> = {
  'context.resolve': 'publish', 'scene.applySettings': 'publish',
  'create.creators': 'create', 'create.instances': 'create', 'create.run': 'create', 'create.update': 'create', 'create.remove': 'create',
  'publish.plugins': 'publish', 'publish.run': 'publish', 'publish.report': 'publish', 'publish.repair': 'publish',
  'load.loaders': 'load', 'load.run': 'load',
  'inventory.list': 'load', 'inventory.update': 'load', 'inventory.remove': 'load',
  'extensions.list': 'extensions',
};

function harmonyConfig(config: unknown): HarmonyConfig {
  return (config as { harmony: HarmonyConfig }).harmony;
}

/** True when launches should run the bundled simulator. */
export function usesSimulator(req: Pick<LaunchRequest, 'simulate' | 'config'>): boolean {
  return Boolean(req.simulate) || harmonyConfig(req.config).executable === 'simulator';
}

const harmony: Adapter = {
  name: 'harmony',
  displayName: 'Toon Boom Harmony',
  hasSimulator: true,
  defaultExecutables: defaultHarmonyExecutables,
  install: installHarmony,
  uninstall: uninstallHarmony,
  endpoints: menuEndpoints,
  toolEndpoints: {
    'workfile.save': workfileTool('workfile.save'),
    'workfile.prune': workfileTool('workfile.prune'),
    'workfile.status': workfileTool('workfile.status'),
    'workfile.list': workfileTool('workfile.list'),
    'workfile.extractProgress': workfileTool('workfile.extractProgress'),
    /** Each connected session's folder, task and workfile (also noted on the sessions). */
    'session.describe': async (_args, ctx) => (await import('./session-label.ts')).describeSessions(ctx.hub),
    ...Object.fromEntries(Object.entries(PIPELINE_TOOLS).map(([name, area]) => [name, areaTool(area, name as ToolEndpointName)])),
  },
  commands: {
    workfile: {
      summary: 'open, save (in the background) and list Harmony workfiles',
      load: async () => (await import('./workfiles/cli.ts')).workfileCommand,
    },
    create: { summary: 'create a publish instance in a Harmony scene (render, template)', load: async () => (await import('./create/cli.ts')).createCommand },
    publish: { summary: 'publish a Harmony scene: collect, validate, extract (render), integrate', load: async () => (await import('./publish/cli.ts')).publishCommand },
    load: { summary: 'load a published product into a Harmony scene', load: async () => (await import('./load/cli.ts')).loadCommand },
    inventory: { summary: 'list, update and remove the containers loaded in a Harmony scene', load: async () => (await import('./load/inventory-cli.ts')).inventoryCommand },
  },
  async onSessionReady(session, hub, info) {
    const cfg = hub.config as { harmony: { scripts: string[]; applySceneSettings: boolean } };
    if (session.compat) return;
    const { describeSessionWork } = await import('./session-label.ts');
    await describeSessionWork(hub, session).catch((err) => hub.log.info(`session ${session.id}: no folder/task/workfile noted: ${(err as Error).message}`));
    const { colorOnOpen } = await import('./load/service.ts');
    await colorOnOpen(hub, session).catch((err) => hub.log.warn(`session ${session.id}: could not colour outdated containers: ${(err as Error).message}`));
    // Studio scripts and the Harmony halves of studio creators and loaders: the hub's and the session's project's.
    const { sessionStudioScripts, injectStudioScripts } = await import('./studio-scripts.ts');
    const studio = await sessionStudioScripts(session, hub, cfg.harmony.scripts);
    if (studio.entries.length || studio.inline.length) await injectStudioScripts(session, hub, studio.entries, studio.inline);
    if (cfg.harmony.applySceneSettings && !info.resumed && session.scene) {
      const { sessionScene } = await import('./session-context.ts');
      if (!(await sessionScene(hub, session)).workfile) return;
      const { applySceneSettings, describeChanges } = await import('./publish/scene-settings.ts');
      const r = await applySceneSettings(hub, { session: session.id });
      hub.annotate(session.id, { sceneSettings: r.changed });
      hub.log.info(`session ${session.id}: scene settings applied (harmony.applySceneSettings): ${describeChanges(r.changed).replace(/\n/g, '; ')}`);
    }
  },
  async onHubStart(hub) {
    const { workfileService } = await import('./workfiles/service.ts');
    const { resumeFarmWaits } = await import('./publish/farm.ts');
    const { reportHubExtensions } = await import('./extensions.ts');
    await Promise.all([workfileService(hub).ready(), resumeFarmWaits(hub), reportHubExtensions(hub)]);
  },
  extensions: harmonyExtensionKinds,
  async onHubStop(hub) {
    const { workfileService } = await import('./workfiles/service.ts');
    await workfileService(hub).idle();
  },
  createsScene: (scenePath: string) => scenePath.toLowerCase().endsWith('.zip'),
  async prepareLaunch(req: PrepareLaunchRequest) {
    const { prepareHarmonyLaunch } = await import('./workfiles/prepare-launch.ts');
    return prepareHarmonyLaunch(req, usesSimulator(req));
  },
  legacy: ayonCompat,
  async launchSpec(req: LaunchRequest): Promise<LaunchSpec> {
    const cfg = harmonyConfig(req.config);
    const env: Record<string, string> = {
      DCC_KIT_PORT: String(req.hub.port),
      DCC_KIT_TOKEN: req.hub.token,
      DCC_KIT_HOME: req.hub.home,
      DCC_KIT_MENU_LABEL: cfg.menuLabel,
      DCC_KIT_HARMONY_SCRIPTS: HARMONY_SCRIPTS_DIR,
      TOONBOOM_GLOBAL_SCRIPT_LOCATION: HARMONY_SCRIPTS_DIR,
    };
    const args = req.scene ? [req.scene] : [];
    if (usesSimulator(req)) {
      return {
        command: process.execPath,
        args: [SIMULATOR_BIN, ...args],
        env: { ...env, DCC_KIT_SIM_VERSION: cfg.simulatorVersion },
        executableKey: 'harmony.executable',
      };
    }
    const { resolveExecutable } = await import('../../kit/launch.ts');
    const command = await resolveExecutable({
      configured: cfg.executable ?? undefined,
      candidates: defaultHarmonyExecutables(process.platform, req.env),
      key: 'harmony.executable',
      displayName: 'Harmony',
      hint: 'or run with --simulate to use the bundled simulator',
      env: req.env,
      platform: process.platform,
    });
    return { command, args, env, executableKey: 'harmony.executable' };
  },
};

export default harmony;
