/**
 * What a Blender started by dcc-kit gets: the executable (blender.executable, else PATH and the usual
 * places), `--python launch.py` (the hub client; in background mode the serving loop), the hub's port and
 * token, and, for a first workfile, where to save it and the context's scene settings.
 */
import type { BlenderConfig } from '../../kit/config.ts';
import type { LaunchRequest, LaunchSpec } from '../../kit/adapter.ts';
import { resolveExecutable } from '../../kit/launch.ts';
import { pythonCallTimeoutSeconds } from '../../kit/python-call-timeout.ts';
import { LAUNCH_SCRIPT, defaultBlenderExecutables } from './paths.ts';
import { firstWorkfileOf } from './workfiles.ts';

export const EXECUTABLE_KEY = 'blender.executable';

export function blenderConfig(config: unknown): BlenderConfig {
  return (config as { blender: BlenderConfig }).blender;
}

export function resolveBlender(cfg: BlenderConfig, env: NodeJS.ProcessEnv, opts: { cwd?: string; platform?: NodeJS.Platform } = {}): Promise<string> {
  const platform = opts.platform ?? process.platform;
  return resolveExecutable({
    configured: cfg.executable ?? undefined,
    candidates: defaultBlenderExecutables(platform, env),
    key: EXECUTABLE_KEY,
    displayName: 'Blender',
    hint: 'or put blender on PATH (any Blender 3.x or 4.x)',
    env,
    platform,
    cwd: opts.cwd,
  });
}

export async function blenderLaunchSpec(req: LaunchRequest): Promise<LaunchSpec> {
  const cfg = blenderConfig(req.config);
  const command = await resolveBlender(cfg, req.env);
  const env: Record<string, string> = {
    DCC_KIT_PORT: String(req.hub.port),
    DCC_KIT_TOKEN: req.hub.token,
    DCC_KIT_HOME: req.hub.home,
    DCC_KIT_CALL_TIMEOUT: String(pythonCallTimeoutSeconds(cfg.callTimeout)),
  };
  const args: string[] = [];
  if (req.background) args.push('-b');
  const first = req.scene ? await firstWorkfileOf(req.scene, req.env) : null;
  if (first) {
    env.DCC_KIT_BLENDER_NEW_WORKFILE = first.path;
    env.DCC_KIT_BLENDER_SCENE_SETTINGS = JSON.stringify(first.settings);
  } else if (req.scene) {
    args.push(req.scene);
  }
  args.push('--python', LAUNCH_SCRIPT);
  return { command, args, env, executableKey: EXECUTABLE_KEY };
}
