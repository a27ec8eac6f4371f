/** The Toon Boom Harmony adapter. */
import type { Adapter, Endpoint, LaunchRequest, LaunchSpec, PrepareLaunchRequest } from '../../kit/adapter.ts';
import { DccKitError } from '../../kit/errors.ts';
import { ayonCompat } from './ayon-compat.ts';
import { installHarmony, uninstallHarmony } from './install.ts';
import { HARMONY_SCRIPTS_DIR, SIMULATOR_BIN, defaultHarmonyExecutables } from './paths.ts';

export { HarmonySession, signature, assertES5 } from './session.ts';
export { HarmonySimulator } from './simulator/engine.ts';

interface HarmonyConfig {
  executable: string | null;
  menuLabel: string;
  launchTimeout: number;
  simulatorVersion: string;
}

export class NotAvailableYetError extends DccKitError {
  constructor(item: string) {
    super(`${item} is not available yet in this version of dcc-kit.`, 'NOT_AVAILABLE');
    this.name = 'NotAvailableYet';
  }
}

const notYet = (item: string): Endpoint => () => { throw new NotAvailableYetError(item); };

/** Workfile code is loaded only when a workfile request or command runs (the CLI loads this file for its help). */
const workfiles = () => import('./workfiles/endpoints.ts');
const workfileTool = (name: string): Endpoint => async (args, ctx) => (await workfiles()).workfileToolEndpoints[name]!(args, ctx);

/** Menu actions served to Harmony sessions; later issues replace these with the real tools. */
export const menuEndpoints: Record<string, Endpoint> = {
  'harmony.menu.workfiles': async (args, ctx) => (await workfiles()).workfilesMenu(args, ctx),
  'harmony.menu.create': notYet('Create...'),
  'harmony.menu.load': notYet('Load...'),
  'harmony.menu.publish': notYet('Publish...'),
  'harmony.menu.manage': notYet('Manage...'),
  'harmony.menu.sceneSettings': notYet('Set Scene Settings...'),
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
  defaultExecutables: defaultHarmonyExecutables,
  install: installHarmony,
  uninstall: uninstallHarmony,
  endpoints: menuEndpoints,
  toolEndpoints: {
    'workfile.save': workfileTool('workfile.save'),
    'workfile.prune': workfileTool('workfile.prune'),
    'workfile.status': workfileTool('workfile.status'),
    'workfile.extractProgress': workfileTool('workfile.extractProgress'),
  },
  commands: {
    workfile: {
      summary: 'open, save (in the background) and list Harmony workfiles',
      load: async () => (await import('./workfiles/cli.ts')).workfileCommand,
    },
  },
  async onHubStart(hub) {
    const { workfileService } = await import('./workfiles/service.ts');
    await workfileService(hub).ready();
  },
  async onHubStop(hub) {
    const { workfileService } = await import('./workfiles/service.ts');
    await workfileService(hub).idle();
  },
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
