/**
 * Where the packaged Blender startup scripts live, where Blender is installed (per OS), and where its
 * per-user scripts folders are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envValue } from '../../kit/launch/env.ts';
import { compareVersionsDescending, versionedEntries } from '../../kit/launch/installed-versions.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `startup-scripts/blender`: launch.py and the dcckit_blender package (python/). */
export const BLENDER_SCRIPTS_DIR = path.join(ROOT, 'startup-scripts', 'blender');
/** The script a launched Blender runs (`--python`): starts the client, serves in background mode. */
export const LAUNCH_SCRIPT = path.join(BLENDER_SCRIPTS_DIR, 'launch.py');
/** The shared Python client (dcckit_client). */
export const SHARED_PYTHON_DIR = path.join(ROOT, 'startup-scripts', 'python');
/** File written into `<scripts>/startup/` by `dcc-kit install blender`. */
export const STARTUP_FILE_NAME = 'dcckit_startup.py';

const VERSION = '(\\d+(?:\\.\\d+)+)';

/**
 * Blender executables tried in order when blender.executable is not set: `blender` on PATH (a distribution
 * package, a studio wrapper), then the usual install locations, newest version first.
 */
export function defaultBlenderExecutables(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'win32') {
    const root = path.win32.join(envValue(env, 'PROGRAMFILES', 'win32') ?? 'C:\\Program Files', 'Blender Foundation');
    const out = versionedEntries(root, new RegExp(`^Blender ${VERSION}$`)).map((e) => path.win32.join(root, e.name, 'blender.exe'));
    return ['blender.exe', ...out];
  }
  if (platform === 'darwin') return ['blender', '/Applications/Blender.app/Contents/MacOS/Blender'];
  const out = ['blender', '/usr/bin/blender', '/snap/bin/blender'];
  for (const e of versionedEntries('/opt', new RegExp(`^blender-${VERSION}`))) out.push(path.posix.join('/opt', e.name, 'blender'));
  return [...new Set(out)];
}

/** The folder holding Blender's per-version user folders (`X.Y/scripts`). */
export function userConfigParent(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homeDir: string): string {
  if (platform === 'win32') return path.join(envValue(env, 'APPDATA', 'win32') ?? path.join(homeDir, 'AppData', 'Roaming'), 'Blender Foundation', 'Blender');
  if (platform === 'darwin') return path.join(homeDir, 'Library', 'Application Support', 'Blender');
  return path.join(env.XDG_CONFIG_HOME || path.join(homeDir, '.config'), 'blender');
}

export interface ScriptsDirs {
  /** Existing user scripts folders, newest Blender version first. */
  dirs: string[];
  searched: string;
}

/**
 * Blender's per-user scripts folders: BLENDER_USER_SCRIPTS when set, else `<config>/blender/X.Y/scripts`
 * for every X.Y folder Blender made (it makes its own on first start).
 */
export function findUserScriptsDirs(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homeDir: string): ScriptsDirs {
  const override = envValue(env, 'BLENDER_USER_SCRIPTS', platform);
  if (override) return { dirs: fs.existsSync(override) ? [path.resolve(override)] : [], searched: `BLENDER_USER_SCRIPTS=${override}` };
  const parent = userConfigParent(platform, env, homeDir);
  const versions = versionedEntries(parent, /^(\d+\.\d+)$/).sort((a, b) => compareVersionsDescending(a.version, b.version));
  return { dirs: versions.map((v) => path.join(parent, v.name, 'scripts')), searched: path.join(parent, 'X.Y', 'scripts') };
}
