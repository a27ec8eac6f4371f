/** Where configuration lives and how path values in it are resolved. */
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_HOME_DIRNAME } from './defaults.ts';
import type { PathSpec } from './schema.ts';

/** The user's home directory as the given environment sees it (what os.homedir() reads), else os.homedir(). */
export function homeDirFromEnv(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = platform === 'win32' ? env.USERPROFILE : env.HOME;
  return path.resolve(fromEnv || os.homedir());
}

/**
 * The per-user config folder, where `config.yaml` (or `config`, `config.json`, ...) is the user file when
 * there is no `~/.dcckitrc`. Same rule as cosmiconfig's global folder (env-paths, no suffix).
 */
export function userConfigDir(env: NodeJS.ProcessEnv, homeDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return path.join(env.APPDATA || path.join(homeDir, 'AppData', 'Roaming'), 'dcckit', 'Config');
  if (platform === 'darwin') return path.join(homeDir, 'Library', 'Preferences', 'dcckit');
  return path.join(env.XDG_CONFIG_HOME || path.join(homeDir, '.config'), 'dcckit');
}

/** `~` and `~/...` (or `~\...`) become the home directory; `~user` forms are left alone. */
export function expandHome(value: string, homeDir: string): string {
  if (value === '~') return homeDir;
  if (value.startsWith('~/') || value.startsWith('~\\')) return path.join(homeDir, value.slice(2));
  return value;
}

export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Resolves a path value from the config: `~` expands, a relative path is taken from `baseDir` (the folder
 * of the file that set it, or the working directory for an environment variable). A bare executable name
 * (no separator) stays as it is, to be looked up on PATH; so do the spec's special words.
 */
export function resolveConfigPath(value: string, spec: PathSpec, baseDir: string, homeDir: string): string {
  if (spec.words?.includes(value)) return value;
  const expanded = expandHome(value.trim(), homeDir);
  const hasSeparator = expanded.includes('/') || expanded.includes(path.sep);
  if (spec.role === 'executable' && !hasSeparator && !path.isAbsolute(expanded)) return expanded;
  return path.resolve(baseDir, expanded);
}

/** The dcc-kit data folder: DCC_KIT_HOME (with `~` expanded, made absolute), else `~/.dcc-kit`. */
export function dccKitHome(env: NodeJS.ProcessEnv = process.env, homeDir: string = homeDirFromEnv(env)): string {
  const configured = env.DCC_KIT_HOME?.trim();
  if (configured) return path.resolve(expandHome(configured, homeDir));
  return path.join(homeDir, DEFAULT_HOME_DIRNAME);
}
