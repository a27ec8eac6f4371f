/**
 * What a Houdini (GUI or hython) started by dcc-kit gets: the executable, and an environment that
 * loads the packaged `dcckit.json` through HOUDINI_PACKAGE_DIR, so nothing in the user's preferences
 * is needed, plus the hub's port and token.
 */
import type { HoudiniConfig } from '../../kit/config.ts';
import { prependPathList, resolveExecutable } from '../../kit/launch.ts';
import { pythonCallTimeoutSeconds } from '../../kit/python-call-timeout.ts';
import { envValue } from '../../kit/launch/env.ts';
import {
  HOUDINI_PACKAGES_DIR, HOUDINI_SCRIPTS_DIR, defaultHoudiniExecutables, forwardSlashes, hythonBeside,
  installSearchDescription,
} from './paths.ts';

export const EXECUTABLE_KEY = 'houdini.executable';
export const HYTHON_KEY = 'houdini.hython';

export function houdiniConfig(config: unknown): HoudiniConfig {
  return (config as { houdini: HoudiniConfig }).houdini;
}

/**
 * Variables set for a launched Houdini or hython. `hub` is omitted for a run without a hub: the
 * client then looks for the hub's runtime file under DCC_KIT_HOME.
 */
export function houdiniLaunchEnv(opts: {
  base: NodeJS.ProcessEnv;
  home: string;
  hub?: { port: number; token: string };
  callTimeout: number;
  platform?: NodeJS.Platform;
}): Record<string, string> {
  const platform = opts.platform ?? process.platform;
  const env: Record<string, string> = {
    HOUDINI_PACKAGE_DIR: prependPathList(envValue(opts.base, 'HOUDINI_PACKAGE_DIR', platform), forwardSlashes(HOUDINI_PACKAGES_DIR), platform),
    DCC_KIT_HOME: opts.home,
    DCC_KIT_HOUDINI_ROOT: forwardSlashes(HOUDINI_SCRIPTS_DIR),
    // Requests without their own args.timeout wait for the main thread a little less than the hub waits.
    DCC_KIT_CALL_TIMEOUT: String(pythonCallTimeoutSeconds(opts.callTimeout)),
  };
  if (opts.hub) {
    env.DCC_KIT_PORT = String(opts.hub.port);
    env.DCC_KIT_TOKEN = opts.hub.token;
  }
  return env;
}

/** houdini.executable, else the first installed Houdini; the error names houdini.executable. */
export function resolveHoudini(cfg: HoudiniConfig, env: NodeJS.ProcessEnv, opts: { cwd?: string; platform?: NodeJS.Platform } = {}): Promise<string> {
  const platform = opts.platform ?? process.platform;
  return resolveExecutable({
    configured: cfg.executable ?? undefined,
    candidates: defaultHoudiniExecutables(platform, env),
    key: EXECUTABLE_KEY,
    displayName: 'Houdini',
    hint: `installed versions are looked for in ${installSearchDescription(platform, env)}, then on PATH`,
    env,
    platform,
    cwd: opts.cwd,
  });
}

/**
 * houdini.hython, else hython beside houdini.executable when that is set, else beside each installed
 * Houdini, newest first, then on PATH. The error names houdini.hython.
 */
export function resolveHython(cfg: HoudiniConfig, env: NodeJS.ProcessEnv, opts: { cwd?: string; platform?: NodeJS.Platform } = {}): Promise<string> {
  const platform = opts.platform ?? process.platform;
  const houdinis = cfg.executable ? [cfg.executable] : defaultHoudiniExecutables(platform, env);
  return resolveExecutable({
    configured: cfg.hython ?? undefined,
    candidates: [...new Set(houdinis.map((h) => hythonBeside(h, platform)))],
    key: HYTHON_KEY,
    displayName: 'hython',
    hint: cfg.executable
      ? `it is looked for beside ${EXECUTABLE_KEY} (${cfg.executable})`
      : `installed versions are looked for in ${installSearchDescription(platform, env)}, then on PATH`,
    env,
    platform,
    cwd: opts.cwd,
  });
}
