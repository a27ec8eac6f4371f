/**
 * The project context of a shot or asset: project, folder, task, frame range with handles, fps, resolution.
 *
 * It comes from the `context:` section of the configuration, layered like the rest: every config file from
 * the working folder (for a session: the workfile's folder) up to the home directory adds its `context:`
 * keys, the nearest file winning per key, over the user file and the defaults. So a project root's
 * `.dcckitrc` sets fps and resolution, a sequence folder's the handles, a shot folder's the folder and frame
 * range. Command-line overrides (`--folder`, `--task`, `--project`) win over everything.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, DccKitError } from './errors.ts';
import { loadConfig, type ContextConfig, type ResolvedConfig } from './config.ts';
import { findProblems } from '../config/schema.ts';
import { homeDirFromEnv } from '../config/paths.ts';

/** The shot's values; `context.maxFrames` is a limit on them, kept beside (ResolvedContext.maxFrames). */
export type ProjectContext = Omit<ContextConfig, 'maxFrames'>;

export const CONTEXT_KEYS = [
  'project', 'folder', 'task', 'frameStart', 'frameEnd', 'handleStart', 'handleEnd', 'fps', 'resolution', 'pixelAspect',
] as const satisfies readonly (keyof ProjectContext)[];

export interface ContextOverrides {
  project?: string;
  folder?: string;
  task?: string;
}

export interface ResolveContextOptions {
  /** Folder the search starts from (a shot folder, the folder of a workfile). Default: process.cwd(). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  overrides?: ContextOverrides;
}

export interface ResolvedContext {
  context: ProjectContext;
  /** Key -> where its value came from: a file, `default`, `env ...` or `--folder`-style flags. */
  sources: Record<keyof ProjectContext, string>;
  /** Files that set at least one context key, farthest first. */
  files: string[];
  /** context.maxFrames: the longest frame range (handles included) accepted, and where it was set. */
  maxFrames: number;
  maxFramesSource: string;
}

export class ContextError extends DccKitError {
  constructor(message: string) { super(message, 'CONTEXT'); }
}

async function exists(dir: string): Promise<boolean> {
  try {
    return (await fsp.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** Resolves the context seen from `cwd` (see the module comment for the layering). */
export async function resolveContext(opts: ResolveContextOptions = {}): Promise<ResolvedContext> {
  const env = opts.env ?? process.env;
  const homeDir = path.resolve(opts.homeDir ?? homeDirFromEnv(env));
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  if (!await exists(cwd)) throw new ContextError(`the folder ${cwd} does not exist, so no context can be read from it`);
  // The usual load validates and layers every file and the environment, with each value's source.
  return contextFromConfig(await loadConfig({ cwd, env, homeDir }), opts.overrides);
}

/** The context of an already loaded configuration, with command-line overrides. */
export function contextFromConfig(base: ResolvedConfig, overrides?: ContextOverrides): ResolvedContext {
  const opts = { overrides };
  const { maxFrames, ...context } = { ...base.config.context } as ContextConfig & Record<string, unknown>;
  const maxFramesSource = base.sources['context.maxFrames'] ?? 'default';
  const sources: Record<string, string> = {};
  for (const key of CONTEXT_KEYS) sources[key] = base.sources[`context.${key}`] ?? 'default';
  const files = base.files.filter((f) => Object.values(sources).includes(f) || f === maxFramesSource);
  for (const [key, flag] of [['project', '--project'], ['folder', '--folder'], ['task', '--task']] as const) {
    const value = opts.overrides?.[key];
    if (value === undefined) continue;
    const problems = findProblems({ context: { [key]: value } });
    if (problems.length) throw new ContextError(`${flag}: ${problems[0]!.text.replace(`context.${key}`, 'the value')}`);
    context[key] = value;
    sources[key] = flag;
  }
  const result = context as unknown as ProjectContext;
  if (result.frameEnd < result.frameStart) {
    throw new ConfigError(`${sources.frameEnd}: context.frameEnd (${result.frameEnd}) is before context.frameStart (${result.frameStart}, from ${sources.frameStart}); fix the frame range`,
      { file: sources.frameEnd, keyPath: 'context.frameEnd' });
  }
  checkFrameCount(result, { maxFrames, source: maxFramesSource }, sources);
  if (result.folder !== null && !isSafeFolder(result.folder)) {
    throw new ConfigError(`${sources.folder}: context.folder must be a relative path like "shots/sh010" without "..", "." or empty parts (got ${JSON.stringify(result.folder)})`,
      { file: sources.folder, keyPath: 'context.folder' });
  }
  return { context: result, sources: sources as ResolvedContext['sources'], files, maxFrames, maxFramesSource };
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Throws a ConfigError naming the file and key when the range with handles is longer than context.maxFrames:
 * a typo (frameEnd: 1000000000) would otherwise be applied to the scene and split into farm tasks.
 */
export function checkFrameCount(c: Pick<ProjectContext, 'frameStart' | 'frameEnd' | 'handleStart' | 'handleEnd'>, limit: { maxFrames: number; source: string },
  sources?: Partial<Record<keyof ProjectContext, string>>): void {
  const frames = frameRangeWithHandles(c).count;
  if (frames <= limit.maxFrames) return;
  const file = sources?.frameEnd ?? 'the context';
  const handles = c.handleStart || c.handleEnd ? ` with handles ${c.handleStart}+${c.handleEnd}` : '';
  throw new ConfigError(`${file}: context.frameEnd: the frame range ${c.frameStart}-${c.frameEnd}${handles} is ${count(frames)} frames, more than context.maxFrames (${count(limit.maxFrames)}, ${limit.source === 'default' ? 'default' : `from ${limit.source}`}); fix the frame range (frameStart ${c.frameStart} is from ${sources?.frameStart ?? 'the context'}), or raise context.maxFrames if it is meant`,
    { file, keyPath: 'context.frameEnd' });
}

/** A relative folder path of plain names: "shots/sh010", never "../x", "/abs" or "a//b". */
export function isSafeFolder(folder: string): boolean {
  const parts = folder.replace(/\\/g, '/').split('/');
  return !path.isAbsolute(folder) && !/^[A-Za-z]:/.test(folder) && parts.every((p) => p !== '' && p !== '.' && p !== '..');
}

/** The frames Harmony shows: frame 1 is frameStart - handleStart. */
export function frameRangeWithHandles(ctx: Pick<ProjectContext, 'frameStart' | 'frameEnd' | 'handleStart' | 'handleEnd'>): { first: number; last: number; count: number } {
  const first = ctx.frameStart - ctx.handleStart;
  const last = ctx.frameEnd + ctx.handleEnd;
  return { first, last, count: last - first + 1 };
}

/** Throws a clear error when the context cannot be published to (no folder). */
export function assertPublishable(resolved: ResolvedContext): asserts resolved is ResolvedContext & { context: ProjectContext & { folder: string } } {
  if (!resolved.context.folder) {
    throw new ContextError('the context has no folder, so there is nowhere to publish: set context.folder (e.g. "shots/sh010") in a .dcckitrc in the shot folder, or pass --folder');
  }
}
