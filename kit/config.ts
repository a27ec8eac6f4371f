/**
 * Loads the dcc-kit configuration: defaults, then the user file, then the project file found from the
 * working directory, then environment variables. Each file is validated on its own (errors name the file)
 * and every leaf value records where it came from.
 *
 * Files are found with cosmiconfig (module name `dcckit`): `.dcckitrc` (YAML or JSON), `.dcckitrc.json`,
 * `.yaml`, `.yml`, `dcckit.config.{js,mjs,ts,cjs}`, the `dcckit` key of package.json, and the same names
 * under `.config/`. The user file is the first of those in the home directory, else `config.yaml` (or
 * `config`, `config.json`, ...) in the per-user config folder (`$XDG_CONFIG_HOME/dcckit`, macOS
 * `~/Library/Preferences/dcckit`, Windows `%APPDATA%\dcckit\Config`). Project files are layered: one per
 * folder from the working directory up to the home directory, the nearer overriding the farther section by
 * section, so a project root sets the store and a shot folder its context.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cosmiconfig, globalConfigSearchPlaces } from 'cosmiconfig';
import type { Options, PublicExplorer } from 'cosmiconfig';
import { ConfigError } from './errors.ts';
import { CONFIG_LEAVES, assertValidFile, isPlainObject, listedAdapters, readEnvOverrides } from '../config/schema.ts';
import type { DccKitConfig } from '../config/schema.ts';
import { DEFAULT_HOME_DIRNAME, defaultConfig, thisMachine } from '../config/defaults.ts';
import { homeDirFromEnv, isInside, resolveConfigPath, userConfigDir } from '../config/paths.ts';
import { SourcedConfig } from '../config/merge.ts';
import { configLoaders } from '../config/loaders.ts';

export type {
  DccKitConfig, CoreConfig, HubConfig, HarmonyConfig, HarmonyWorkfilesConfig, HoudiniConfig, BlenderConfig, FarmConfig,
  AfanasyConfig, PublishConfig, WebConfig, ContextConfig, HarmonyPublishConfig,
} from '../config/schema.ts';
export { dccKitHome, userConfigDir } from '../config/paths.ts';

const MODULE_NAME = 'dcckit';

export interface LoadConfigOptions {
  /** Where the project file search starts (default: process.cwd()). */
  cwd?: string;
  /** Environment for overrides and config folders (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The user's home directory (default: HOME, or USERPROFILE on Windows, from `env`). */
  homeDir?: string;
}

export interface ResolvedConfig {
  config: DccKitConfig;
  /** Dotted key of every leaf -> the file that set it, `env <VARIABLE>`, or `default`. */
  sources: Record<string, string>;
  /** The files applied, user file first. */
  files: string[];
}

interface FoundFile {
  file: string;
  content: unknown;
}

export interface ConfigFiles {
  user: FoundFile | null;
  /** Project files from the farthest folder to the nearest (nearer ones override farther ones). */
  projects: FoundFile[];
}

/**
 * Reads the user file and the project files (unvalidated): one per folder from the working directory up to
 * (not including) the home directory, or to the filesystem root for a folder outside home. A fresh explorer
 * each time: nothing is cached.
 */
export async function findConfigFiles(opts: { cwd: string; env: NodeJS.ProcessEnv; homeDir: string }): Promise<ConfigFiles> {
  const configDir = userConfigDir(opts.env, opts.homeDir);
  // cosmiconfig's own global folder (of the real user of this process) must not count for another homeDir.
  const cosmiconfigDir = userConfigDir(process.env, os.homedir());
  const loaders = configLoaders(path.resolve(cosmiconfigDir) === path.resolve(configDir) ? null : cosmiconfigDir);
  const explorer = (options: Partial<Options>): PublicExplorer => cosmiconfig(MODULE_NAME, { cache: false, loaders, ...options });

  const user = await search(explorer({ searchStrategy: 'none' }), opts.homeDir)
    ?? await search(explorer({ searchStrategy: 'none', searchPlaces: globalConfigSearchPlaces }), configDir);
  const here = explorer({ searchStrategy: 'none' });
  const home = await realPath(opts.homeDir);
  const userReal = user ? await realPath(user.file) : null;
  const configReal = await realPath(configDir);
  const projects: FoundFile[] = [];
  let dir = path.resolve(opts.cwd);
  for (;;) {
    const real = await realPath(dir);
    // The walk stops at the home directory (its file is the user layer) and never reads the config folder.
    if (real === home || path.resolve(dir) === path.resolve(opts.homeDir)) break;
    const found = await search(here, dir);
    if (found) {
      const file = await realPath(found.file);
      if (file !== userReal && !isInside(file, configReal)) projects.push(found);
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { user, projects: projects.reverse() };
}

async function realPath(file: string): Promise<string> {
  try {
    return await fsp.realpath(file);
  } catch {
    return path.resolve(file);
  }
}

async function search(explorer: PublicExplorer, from: string): Promise<FoundFile | null> {
  try {
    const result = await explorer.search(from);
    return result && !result.isEmpty ? { file: result.filepath, content: result.config } : null;
  } catch (err) {
    throw unreadableFileError(err, from);
  }
}

function unreadableFileError(err: unknown, searchedFrom: string): ConfigError {
  const { message, filepath } = err as Error & { filepath?: string };
  if (!filepath) {
    return new ConfigError(`cannot load the dcc-kit configuration (searching from ${searchedFrom}): ${message}`);
  }
  const reason = String(message).replace(/^(?:JSON|YAML) Error in [^\n]*:\n/, '').trim();
  const ext = path.extname(filepath);
  const what = ext === '.json' ? 'is not valid JSON'
    : ext === '' ? 'is not valid YAML (or JSON)'
    : ext === '.yaml' || ext === '.yml' ? 'is not valid YAML'
    : 'failed to load as a module';
  return new ConfigError(`${filepath}: ${what}: ${reason}\nFix the file, then check it with \`dcc-kit config\`.`, { file: filepath });
}

/** A copy of a file's content with its path values resolved against the file's folder. */
function withResolvedPaths(content: Record<string, unknown>, baseDir: string, homeDir: string): Record<string, unknown> {
  const copy = copySections(content);
  for (const { keyPath, spec } of CONFIG_LEAVES) {
    if (spec.kind !== 'path' && spec.kind !== 'pathList') continue;
    const keys = keyPath.split('.');
    const parent = keys.slice(0, -1).reduce<unknown>((obj, key) => (isPlainObject(obj) ? obj[key] : undefined), copy);
    const last = keys[keys.length - 1];
    if (!isPlainObject(parent)) continue;
    if (spec.kind === 'path' && typeof parent[last] === 'string') parent[last] = resolveConfigPath(parent[last], spec, baseDir, homeDir);
    if (spec.kind === 'pathList' && Array.isArray(parent[last])) {
      parent[last] = (parent[last] as string[]).map((p) => resolveConfigPath(p, { kind: 'path', role: 'dir', nullable: false, doc: '' }, baseDir, homeDir));
    }
  }
  return copy;
}

function copySections(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: isPlainObject(child) ? copySections(child) : child, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** Loads, validates and layers the configuration. Throws ConfigError naming the file or variable at fault. */
export async function loadConfig(opts: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const env = opts.env ?? process.env;
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const homeDir = path.resolve(opts.homeDir ?? homeDirFromEnv(env));

  const { user, projects } = await findConfigFiles({ cwd, env, homeDir });
  const found = [user, ...projects].filter((f): f is FoundFile => f !== null);
  // A section for a third-party adapter is accepted when any layer lists the adapter (arrays replace, so
  // a project that narrows the list must not turn the user's adapter sections into errors).
  const adapterSections = new Set(found.flatMap(f => listedAdapters(f.content)));
  const layers = found.map(({ file, content }) => {
    assertValidFile(content, file, adapterSections);
    return { file, content: withResolvedPaths(content, path.dirname(file), homeDir) };
  });
  const overrides = readEnvOverrides(env).map(o => {
    const spec = CONFIG_LEAVES.find(l => l.keyPath === o.keyPath)?.spec;
    return spec?.kind === 'path' && typeof o.value === 'string' ? { ...o, value: resolveConfigPath(o.value, spec, cwd, homeDir) } : o;
  });

  let home = path.join(homeDir, DEFAULT_HOME_DIRNAME);
  for (const layer of layers) if (typeof layer.content.home === 'string') home = layer.content.home;
  const envHome = overrides.find(o => o.keyPath === 'home');
  if (typeof envHome?.value === 'string') home = envHome.value;

  const merged = new SourcedConfig();
  merged.apply(defaultConfig(home, thisMachine(env)) as unknown as Record<string, unknown>, 'default');
  for (const layer of layers) merged.apply(layer.content, layer.file);
  for (const o of overrides) merged.set(o.keyPath, o.value, `env ${o.variable}`);

  const config = merged.value as DccKitConfig;
  const homeStat = fs.statSync(config.home, { throwIfNoEntry: false });
  if (homeStat && !homeStat.isDirectory()) {
    const source = merged.sources.home;
    throw new ConfigError(`${source && source !== 'default' ? `${source.startsWith('env ') ? source.slice(4) : source}: ` : ''}home is ${config.home}, which is not a folder: ${whereToChange('home', source)} (dcc-kit keeps its runtime files, logs and work area there)`, { keyPath: 'home', file: source?.startsWith('env ') ? undefined : source });
  }
  return { config, sources: merged.sources, files: layers.map(l => l.file) };
}

/**
 * What to tell a user who must change `keyPath`, from where its value came (`dcc-kit config` shows the
 * same sources): the environment variable, the file, or, for a default, .dcckitrc.
 */
export function whereToChange(keyPath: string, source: string | undefined): string {
  if (source?.startsWith('env ')) return `change or unset the environment variable ${source.slice(4)}, which sets ${keyPath}`;
  if (source && source !== 'default') return `change ${keyPath} in ${source}`;
  return `set ${keyPath} in .dcckitrc`;
}

const DCCKITRC_ADVICE = /\b(?:set|change)(?: another)? ([a-z][a-zA-Z]*(?:\.[a-zA-Z]+)+) in \.dcckitrc/g;

/**
 * An error message whose advice says "set <key> in .dcckitrc", corrected to name where that key's value
 * really came from (an environment variable or a particular file). Messages without such advice are kept.
 */
export async function withTrueSources(message: string, opts: LoadConfigOptions): Promise<string> {
  if (!DCCKITRC_ADVICE.test(message)) return message;
  DCCKITRC_ADVICE.lastIndex = 0;
  let sources: Record<string, string>;
  try {
    sources = (await loadConfig(opts)).sources;
  } catch {
    return message;
  }
  return message.replace(DCCKITRC_ADVICE, (phrase, keyPath: string) => (keyPath in sources && sources[keyPath] !== 'default' ? whereToChange(keyPath, sources[keyPath]) : phrase));
}

