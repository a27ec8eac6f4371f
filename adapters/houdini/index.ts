/**
 * The Houdini adapter: package install, launch (GUI), hython batch runs, and the typed session API.
 * Houdini itself runs startup-scripts/houdini (pythonrc.py -> dcckit_houdini), which connects out to
 * the hub and serves named requests. Heavy modules (execa, the commands) load only when used.
 */
import type { Adapter, LaunchRequest, LaunchSpec } from '../../kit/adapter.ts';
import { installHoudini, uninstallHoudini } from './install.ts';
import { defaultHoudiniExecutables } from './paths.ts';

export { HoudiniSession, HOUDINI_REQUESTS, houdiniTimeoutSeconds } from './session.ts';
export type { ExecResult, HipInfo, NodeInfo, HoudiniCallOptions, HoudiniRequest } from './session.ts';
export { HoudiniInstallError, packageJsonFor } from './install.ts';
export { HOUDINI_SCRIPTS_DIR, HOUDINI_PACKAGES_DIR, defaultHoudiniExecutables, findPrefDirs } from './paths.ts';

const houdini: Adapter = {
  name: 'houdini',
  displayName: 'Houdini',
  defaultExecutables: defaultHoudiniExecutables,
  install: installHoudini,
  uninstall: uninstallHoudini,
  // The hub serves no Houdini-specific requests yet.
  endpoints: {},
  async launchSpec(req: LaunchRequest): Promise<LaunchSpec> {
    const { houdiniConfig, houdiniLaunchEnv, resolveHoudini, EXECUTABLE_KEY } = await import('./launch.ts');
    const cfg = houdiniConfig(req.config);
    const command = await resolveHoudini(cfg, req.env);
    const env = houdiniLaunchEnv({ base: req.env, home: req.hub.home, hub: req.hub, callTimeout: cfg.callTimeout });
    return { command, args: req.scene ? [req.scene] : [], env, executableKey: EXECUTABLE_KEY };
  },
  commands: {
    'houdini-batch': {
      summary: 'run a Python script in hython (Houdini without UI), connected to the hub',
      load: async () => (await import('./batch-command.ts')).houdiniBatchCommand,
    },
    'houdini-setup': {
      summary: 'print or write the Houdini package file, or the classic houdini.env setup (--classic)',
      load: async () => (await import('./setup-command.ts')).houdiniSetupCommand,
    },
  },
};

export default houdini;
