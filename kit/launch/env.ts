/** Environments that respect Windows' case-insensitive names; PATH-like lists. */

export const isWindows = (platform: NodeJS.Platform) => platform === 'win32';

/** The key `name` is stored under in `env`: on Windows the existing spelling (`Path` for `PATH`), else `name`. */
export function envKey(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform = process.platform): string {
  if (!isWindows(platform)) return name;
  const lower = name.toLowerCase();
  return Object.keys(env).find((k) => k.toLowerCase() === lower) ?? name;
}

/**
 * `vars` over `base` (default process.env). `undefined` removes a variable. On Windows a variable that
 * already exists keeps its spelling, so the child never sees both `Path` and `PATH`.
 */
export function mergeEnv(
  vars: Record<string, string | undefined> = {},
  opts: { base?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {},
): Record<string, string> {
  const platform = opts.platform ?? process.platform;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.base ?? process.env)) if (v !== undefined) out[k] = v;
  for (const [name, value] of Object.entries(vars)) {
    const key = envKey(out, name, platform);
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/**
 * Puts `entry` (or several, in the given order) in front of a path-list variable (`:` on POSIX, `;` on
 * Windows). Copies already in the list are dropped, so relaunching from a prepared shell does not grow it.
 */
export function prependPathList(existing: string | undefined, entry: string | string[], platform: NodeJS.Platform = process.platform): string {
  const sep = isWindows(platform) ? ';' : ':';
  const entries = (Array.isArray(entry) ? entry : [entry]).filter((e) => e !== '');
  const norm = (s: string) => (isWindows(platform) ? s.toLowerCase() : s);
  const front = new Set(entries.map(norm));
  const rest = existing ? existing.split(sep).filter((e) => !front.has(norm(e))) : [];
  return [...entries, ...rest].join(sep);
}

/** A variable of `env`; on Windows whatever the case of its name (a copied env is case-sensitive). */
export function envValue(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (!isWindows(platform)) return env[name];
  return env[envKey(env, name, platform)];
}
