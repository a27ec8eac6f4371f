/**
 * The shape of `.dcckitrc`: the typed configuration, a hand-written schema describing every key, and
 * the checks that turn a file's content or an environment variable into problems that name the key and
 * say what is expected.
 */
import { ConfigError } from '../kit/errors.ts';

export interface HubConfig {
  /** 0 = any free port. */
  port: number;
  callTimeout: number;
  pingInterval: number;
  maxFrameBytes: number;
  logMaxBytes: number;
  logFiles: number;
  /** Linux: the CPU scheduling policy the hub asks for at start (see kit/hub/scheduling.ts). */
  scheduling: 'batch' | 'normal';
}

export interface HarmonyWorkfilesConfig {
  workArea: string;
  template: string;
  openLatest: boolean;
  keepLocalCopies: number;
  maxLocalAgeDays: number;
  maxExtractBytes: number;
  /** Refuse an archive entry (or a whole archive) that inflates more than this many times its stored size. */
  maxCompressionRatio: number;
  /** The scene a shot's first workfile is made from: a workfile .zip or a Harmony project folder (null: a new scene). */
  templateScene: string | null;
}

export interface HarmonyPublishConfig {
  /** Regular expression naming the COMPOSITE a new render instance is fed by (when nothing is selected). */
  compositePattern: string;
  /** Publish fails when the scene has no audio (ValidateAudio is optional otherwise). */
  audioRequired: boolean;
}

export interface HarmonyConfig {
  /** A path, a command looked up on PATH, the word `simulator`, or null to use the adapter's candidates. */
  executable: string | null;
  launchTimeout: number;
  menuLabel: string;
  compat: 'none' | 'ayon';
  simulatorVersion: string;
  /** Studio ES5 files or folders injected into every Harmony script engine after the hello, in order. */
  scripts: string[];
  /** Studio creator modules (files, folders or npm packages), beside the built-in creators. */
  creators: string[];
  /** Studio loader modules (files, folders or npm packages), beside the built-in loaders. */
  loaders: string[];
  /** Launching a workfile applies the context's scene settings (frame range, fps, resolution). */
  applySceneSettings: boolean;
  workfiles: HarmonyWorkfilesConfig;
  publish: HarmonyPublishConfig;
}

export interface HoudiniConfig {
  executable: string | null;
  hython: string | null;
  launchTimeout: number;
  callTimeout: number;
}

export interface BlenderConfig {
  executable: string | null;
  launchTimeout: number;
  callTimeout: number;
  /** Name of a workfile from the context: {shot} (the folder's last part), {task}, {version}. */
  workfileTemplate: string;
  /** Studio creator modules (files, folders or npm packages), beside the built-in creators. */
  creators: string[];
  /** Studio loader modules (files, folders or npm packages), beside the built-in loaders. */
  loaders: string[];
}

export interface AfanasyConfig {
  host: string;
  port: number;
  user: string;
  hostName: string;
  timeout: number;
}

export interface FarmConfig {
  afanasy: AfanasyConfig;
  /** Jobs with more tasks than this are refused before they reach the server. */
  maxTasks: number;
  /** Frames each render task of a publish renders (the last one may render fewer). */
  framesPerTask: number;
}

/** The project context of a shot/asset (layered: a .dcckitrc in a shot folder sets that shot). */
export interface ContextConfig {
  project: string | null;
  /** Folder path of the shot/asset in the project, e.g. "shots/sh010". */
  folder: string | null;
  task: string | null;
  frameStart: number;
  frameEnd: number;
  handleStart: number;
  handleEnd: number;
  fps: number;
  resolution: readonly [number, number];
  pixelAspect: number;
  /** The longest frame range (with handles) a context may have: a typo like 1000000000 is refused, not rendered. */
  maxFrames: number;
}

export interface PublishConfig {
  root: string;
  template: string;
  /** Studio publish plugin modules (files, folders or npm packages), run beside the built-in plugins. */
  plugins: string[];
  /** Labels of plugins (built-in or studio) that do not run. */
  disable: string[];
  /** A studio plugin that has not finished after this many milliseconds fails its result. */
  pluginTimeout: number;
}

/** Review media of renders marked for review (kit/review). */
export interface ReviewConfig {
  /** The ffmpeg that makes review movies and thumbnails: a path or a name on PATH; null = ffmpeg on PATH. */
  ffmpeg: string | null;
  /** Burn shot, task, version, artist and frame number into review movies. */
  burnin: boolean;
}

export interface WebConfig {
  enabled: boolean;
  /** 0 = any free port. */
  port: number;
  /** Command that opens a URL (null: open / xdg-open / start). */
  browser: string | null;
  /** Most connections the page's port holds at once (lowered to half the hub's file descriptor limit). */
  maxConnections: number;
}

/** The sections dcc-kit itself knows. */
export interface CoreConfig {
  home: string;
  hub: HubConfig;
  /** npm package names of third-party adapters. */
  adapters: string[];
  harmony: HarmonyConfig;
  houdini: HoudiniConfig;
  blender: BlenderConfig;
  farm: FarmConfig;
  context: ContextConfig;
  publish: PublishConfig;
  web: WebConfig;
  review: ReviewConfig;
}

/** The resolved configuration: the core sections plus one opaque section per third-party adapter that has one. */
export interface DccKitConfig extends CoreConfig {
  [adapterSection: string]: unknown;
}

interface LeafBase {
  /** One line for `dcc-kit config --help`. */
  doc: string;
  /** Environment variable that overrides this key. */
  env?: string;
}
export interface IntSpec extends LeafBase { kind: 'int'; min: number; max?: number; unit?: 'milliseconds' | 'bytes' | 'days' }
export interface TextSpec extends LeafBase { kind: 'text'; pattern?: RegExp; expected?: string; nullable?: boolean }
/** A (possibly fractional) number. */
export interface NumberSpec extends LeafBase { kind: 'number'; min: number; max?: number; exclusiveMin?: boolean }
/** `[width, height]`, positive integers. */
export interface SizeSpec extends LeafBase { kind: 'size' }
/** A list of paths, each resolved against the folder of the file that sets it. */
export interface PathListSpec extends LeafBase { kind: 'pathList' }
/**
 * `dir` paths are always made absolute; `executable` paths only when they contain a separator (a bare
 * name is a command looked up on PATH). `words` are accepted as they are (e.g. `simulator`).
 */
export interface PathSpec extends LeafBase { kind: 'path'; role: 'dir' | 'executable'; nullable: boolean; words?: readonly string[] }
export interface BoolSpec extends LeafBase { kind: 'bool' }
export interface EnumSpec extends LeafBase { kind: 'enum'; values: readonly string[] }
export interface PackageListSpec extends LeafBase { kind: 'packages' }
/** npm package names or module/folder paths; a path is resolved against the folder of the file that sets it. */
export interface ModuleListSpec extends LeafBase { kind: 'modules' }
/** A list of non-empty strings (names, labels). */
export interface TextListSpec extends LeafBase { kind: 'textList' }
export type LeafSpec = IntSpec | TextSpec | PathSpec | BoolSpec | EnumSpec | PackageListSpec | NumberSpec | SizeSpec | PathListSpec | ModuleListSpec | TextListSpec;

/** A section whose fields must be exactly the keys of T (checked by the compiler). */
export interface SectionSpec<T> {
  kind: 'section';
  fields: { [K in keyof T]-?: NonNullable<T[K]> extends string | number | boolean | readonly unknown[] ? LeafSpec : SectionSpec<T[K]> };
}
interface AnySection { kind: 'section'; fields: Record<string, LeafSpec | AnySection> }

const ms = (min: number, doc: string): IntSpec => ({ kind: 'int', min, unit: 'milliseconds', doc });
const bytes = (doc: string): IntSpec => ({ kind: 'int', min: 1, unit: 'bytes', doc });
/** `<adapter>.creators` / `<adapter>.loaders`: any adapter's section may have them (see kit/plugins). */
export const extensionModules = (what: 'creator' | 'loader'): ModuleListSpec => ({ kind: 'modules', doc: `studio ${what} modules: files (.ts, .mjs, .js), folders of them, or npm packages` });

export const CONFIG_SCHEMA = {
  kind: 'section',
  fields: {
    home: { kind: 'path', role: 'dir', nullable: false, env: 'DCC_KIT_HOME', doc: 'dcc-kit data folder (runtime file, logs, work area)' },
    hub: {
      kind: 'section',
      fields: {
        port: { kind: 'int', min: 0, max: 65535, env: 'DCC_KIT_PORT', doc: 'hub port on 127.0.0.1; 0 = any free port' },
        callTimeout: ms(1, 'default timeout of a call into a DCC'),
        pingInterval: ms(1, 'how often idle peers are pinged'),
        maxFrameBytes: bytes('largest accepted frame'),
        logMaxBytes: bytes('hub log size before it is rotated'),
        logFiles: { kind: 'int', min: 1, doc: 'hub log files kept, current one included' },
        scheduling: { kind: 'enum', values: ['batch', 'normal'], doc: 'Linux: "batch" (SCHED_BATCH) lets the hub never preempt the DCC or tool it wakes, with the same CPU share; "normal" leaves the default policy' },
      },
    },
    adapters: { kind: 'packages', doc: 'npm packages of third-party adapters' },
    harmony: {
      kind: 'section',
      fields: {
        executable: { kind: 'path', role: 'executable', nullable: true, words: ['simulator'], env: 'DCC_KIT_HARMONY_EXECUTABLE', doc: 'Harmony executable, "simulator", or null to search the usual places' },
        launchTimeout: ms(1, 'wait for a launched Harmony to connect'),
        menuLabel: { kind: 'text', doc: 'title of the dcc-kit menu in Harmony' },
        compat: { kind: 'enum', values: ['none', 'ayon'], doc: '"ayon" also accepts unmodified AYON Harmony clients (no auth)' },
        simulatorVersion: { kind: 'text', pattern: /^\d+\.\d+$/, expected: 'a version string like "24.0"', doc: 'Harmony version the simulator reports' },
        scripts: { kind: 'pathList', doc: 'studio ES5 script files or folders injected into every Harmony scene, in order' },
        creators: extensionModules('creator'),
        loaders: extensionModules('loader'),
        applySceneSettings: { kind: 'bool', doc: 'apply the context (frame range, fps, resolution) when a workfile is launched' },
        workfiles: {
          kind: 'section',
          fields: {
            workArea: { kind: 'path', role: 'dir', nullable: false, doc: 'where workfiles are extracted (default <home>/harmony)' },
            template: { kind: 'text', doc: 'workfile name template: {name} or {folder_name}/{task}/{project}, and {version:03}' },
            openLatest: { kind: 'bool', doc: 'open the latest workfile when Harmony starts without one' },
            keepLocalCopies: { kind: 'int', min: 0, doc: 'extracted local copies kept per workfile' },
            maxLocalAgeDays: { kind: 'int', min: 0, unit: 'days', doc: 'local copies older than this are removed' },
            maxExtractBytes: bytes('refuse to extract a workfile larger than this'),
            maxCompressionRatio: { kind: 'int', min: 1, doc: 'refuse to extract an entry or archive that inflates more than this many times' },
            templateScene: { kind: 'path', role: 'dir', nullable: true, doc: 'a workfile .zip or Harmony project folder a shot\'s first workfile is made from (null: a new scene)' },
          },
        },
        publish: {
          kind: 'section',
          fields: {
            compositePattern: { kind: 'text', doc: 'regular expression of the COMPOSITE node a new render instance is connected to' },
            audioRequired: { kind: 'bool', doc: 'publishing fails when the scene has no sound column' },
          },
        },
      },
    },
    houdini: {
      kind: 'section',
      fields: {
        executable: { kind: 'path', role: 'executable', nullable: true, env: 'DCC_KIT_HOUDINI_EXECUTABLE', doc: 'Houdini executable, or null to search the usual places' },
        hython: { kind: 'path', role: 'executable', nullable: true, doc: 'hython executable, or null to search the usual places' },
        launchTimeout: ms(1, 'wait for a launched Houdini to connect'),
        callTimeout: ms(1, 'default timeout of a call into Houdini'),
      },
    },
    blender: {
      kind: 'section',
      fields: {
        executable: { kind: 'path', role: 'executable', nullable: true, env: 'DCC_KIT_BLENDER_EXECUTABLE', doc: 'Blender executable (any 3.x or 4.x), or null to search PATH and the usual places' },
        launchTimeout: ms(1, 'wait for a launched Blender to connect'),
        callTimeout: ms(1, 'default timeout of a call into Blender'),
        workfileTemplate: { kind: 'text', pattern: /\{version(:0?\d+)?\}/, expected: 'a name with {version}, e.g. {shot}_{task}_v{version:03}', doc: 'workfile name from the context: {shot}, {task}, {version:03} (.blend is added)' },
        creators: extensionModules('creator'),
        loaders: extensionModules('loader'),
      },
    },
    farm: {
      kind: 'section',
      fields: {
        afanasy: {
          kind: 'section',
          fields: {
            host: { kind: 'text', env: 'DCC_KIT_AFANASY_HOST', doc: 'afserver host' },
            port: { kind: 'int', min: 1, max: 65535, doc: 'afserver port' },
            user: { kind: 'text', doc: 'user name jobs are submitted as (default: the OS user)' },
            hostName: { kind: 'text', doc: 'host name sent with jobs (default: this machine)' },
            timeout: ms(1, 'afserver connection and reply timeout'),
          },
        },
        maxTasks: { kind: 'int', min: 1, doc: 'refuse farm jobs with more tasks than this (afserver keeps the memory of a huge job after it is deleted)' },
        framesPerTask: { kind: 'int', min: 1, doc: 'frames each render task of a publish renders: every task starts the DCC (and takes a render licence), so one-frame tasks spend more time starting than rendering' },
      },
    },
    context: {
      kind: 'section',
      fields: {
        project: { kind: 'text', nullable: true, doc: 'project name' },
        folder: { kind: 'text', nullable: true, doc: 'shot or asset folder in the project, e.g. "shots/sh010"' },
        task: { kind: 'text', nullable: true, doc: 'task name, e.g. "animation"' },
        frameStart: { kind: 'int', min: -1_000_000, doc: 'first frame of the shot (without handles)' },
        frameEnd: { kind: 'int', min: -1_000_000, doc: 'last frame of the shot (without handles)' },
        handleStart: { kind: 'int', min: 0, doc: 'extra frames before frameStart' },
        handleEnd: { kind: 'int', min: 0, doc: 'extra frames after frameEnd' },
        fps: { kind: 'number', min: 0, exclusiveMin: true, max: 1000, doc: 'frames per second' },
        resolution: { kind: 'size', doc: 'image size [width, height] in pixels' },
        pixelAspect: { kind: 'number', min: 0, exclusiveMin: true, max: 100, doc: 'pixel aspect ratio' },
        maxFrames: { kind: 'int', min: 1, doc: 'the longest frame range (handles included) a context may have; longer ones are refused by context, publish and farm submit' },
      },
    },
    publish: {
      kind: 'section',
      fields: {
        root: { kind: 'path', role: 'dir', nullable: false, doc: 'publish root folder (default <home>/publish)' },
        template: { kind: 'text', doc: 'version folder template under the root' },
        plugins: { kind: 'modules', doc: 'studio publish plugin modules: files (.ts, .mjs, .js), folders of them, or npm packages; run beside the built-in plugins' },
        disable: { kind: 'textList', doc: 'labels of publish plugins (built-in or studio) that do not run, e.g. ["Validate Audio"]' },
        pluginTimeout: ms(1, 'a studio publish plugin still running after this fails its own result'),
      },
    },
    web: {
      kind: 'section',
      fields: {
        enabled: { kind: 'bool', doc: 'serve the local web page from the hub' },
        port: { kind: 'int', min: 0, max: 65535, env: 'DCC_KIT_WEB_PORT', doc: 'web page port on 127.0.0.1; 0 = any free port' },
        browser: { kind: 'text', nullable: true, env: 'DCC_KIT_BROWSER', doc: 'command that opens a URL in a browser (null: open, xdg-open or start)' },
        maxConnections: { kind: 'int', min: 1, max: 100000, doc: 'most connections the web page port holds at once; more are closed (never more than half the hub\'s file descriptors, the rest stay for DCCs and tools)' },
      },
    },
    review: {
      kind: 'section',
      fields: {
        ffmpeg: { kind: 'path', role: 'executable', nullable: true, env: 'DCC_KIT_FFMPEG', doc: 'ffmpeg for review movies and thumbnails (a path or a name on PATH); null = ffmpeg on PATH' },
        burnin: { kind: 'bool', doc: 'burn shot, task, version, artist and frame number into review movies' },
      },
    },
  },
} satisfies SectionSpec<CoreConfig>;

const ROOT: AnySection = CONFIG_SCHEMA;

export interface LeafEntry { keyPath: string; spec: LeafSpec }

function flatten(section: AnySection, prefix: string, out: LeafEntry[]): LeafEntry[] {
  for (const [key, field] of Object.entries(section.fields)) {
    const keyPath = prefix ? `${prefix}.${key}` : key;
    if (field.kind === 'section') flatten(field, keyPath, out);
    else out.push({ keyPath, spec: field });
  }
  return out;
}

/** Every leaf key of the schema, in schema order. */
export const CONFIG_LEAVES: readonly LeafEntry[] = flatten(ROOT, '', []);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What a leaf accepts, as the end of "<key> must be ...". */
export function describeExpected(spec: LeafSpec): string {
  switch (spec.kind) {
    case 'int': {
      const range = spec.max !== undefined ? `an integer from ${spec.min} to ${spec.max}`
        : spec.min === 1 ? 'a positive integer' : `an integer of ${spec.min} or more`;
      return spec.unit ? `${range} (${spec.unit})` : range;
    }
    case 'text': return (spec.expected ?? 'a non-empty string') + (spec.nullable ? ' or null' : '');
    case 'number': {
      const low = spec.exclusiveMin ? `greater than ${spec.min}` : `${spec.min} or more`;
      return spec.max !== undefined ? `a number ${low} and at most ${spec.max}` : `a number ${low}`;
    }
    case 'size': return 'a pair of positive whole numbers [width, height]';
    case 'pathList': return 'a list of paths';
    case 'modules': return 'a list of module paths, folders or npm package names';
    case 'textList': return 'a list of names';
    case 'path': {
      const choices = [spec.role === 'executable' ? 'a path to the executable' : 'a path', ...(spec.words ?? []).map(w => JSON.stringify(w))];
      if (spec.nullable) choices.push('null');
      return choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : choices[0];
    }
    case 'bool': return 'true or false';
    case 'enum': return `one of ${spec.values.map(v => JSON.stringify(v)).join(', ')}`;
    case 'packages': return 'a list of npm package names or module paths';
  }
}

/** A short rendering of a value for "(got ...)". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 56)}..."` : text;
  }
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `a date (${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (typeof value === 'function') return 'a function';
  return isPlainObject(value) ? 'a section' : `a ${typeof value}`;
}

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
/** An adapter given as a module path: ./x.mjs, ../x.js, /abs/x.js, C:\x.js, file:///x.js. */
const MODULE_PATH = /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/]|file:)/;

/** A `modules` entry that is a path (resolved against its file's folder), not an npm package name. */
export function isModulePath(entry: string): boolean {
  return MODULE_PATH.test(entry) || entry === '~' || entry.startsWith('~/') || entry === '.' || entry === '..';
}

function isAdapterEntry(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 1024 && (MODULE_PATH.test(name) || (name.length <= 214 && NPM_NAME.test(name)));
}

/**
 * The config section names an adapter entry may use: the entry itself and its short name, which is what
 * adapters are expected to call themselves ("@studio/dcckit-blender" and "./adapters/blender.mjs" -> "blender").
 */
export function adapterSectionNames(entry: string): string[] {
  const base = entry.replace(/\\/g, '/').split('/').pop()!.replace(/\.(m|c)?[jt]s$/, '');
  const short = base.replace(/^(dcc-?kit-)?(adapter-)?/, '').replace(/-adapter$/, '');
  return [...new Set([entry, short])];
}

function leafAccepts(spec: LeafSpec, value: unknown): boolean {
  switch (spec.kind) {
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= spec.min && (spec.max === undefined || value <= spec.max);
    case 'text':
      return (value === null && spec.nullable === true) || (typeof value === 'string' && value.trim() !== '' && (!spec.pattern || spec.pattern.test(value)));
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && (spec.exclusiveMin ? value > spec.min : value >= spec.min) && (spec.max === undefined || value <= spec.max);
    case 'size':
      return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0);
    case 'pathList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.trim() !== '');
    case 'path':
      return (value === null && spec.nullable) || (typeof value === 'string' && value.trim() !== '');
    case 'bool':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value);
    case 'packages':
      return Array.isArray(value);
    case 'modules':
    case 'textList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.trim() !== '');
  }
}

export interface ConfigProblem {
  keyPath: string;
  /** Starts with the key path, e.g. `hub.port must be an integer from 0 to 65535 (got "abc")`. */
  text: string;
}

/** `shown` is what the user wrote, when `value` was converted from it (environment variables). */
function leafProblem(spec: LeafSpec, value: unknown, label: string, shown: unknown = value): string | null {
  if (!leafAccepts(spec, value)) {
    const hint = spec.kind === 'text' && spec.pattern && typeof value === 'number' ? '; write it in quotes' : '';
    return `${label} must be ${describeExpected(spec)}${hint} (got ${describeValue(shown)})`;
  }
  if (spec.kind === 'packages') {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      const name = list[i];
      if (!isAdapterEntry(name)) {
        return `${label}[${i}] must be an npm package name like "dcckit-blender" or "@studio/dcckit-nuke", or a module path like "./adapters/blender.mjs" (got ${describeValue(name)})`;
      }
    }
  }
  if (spec.kind === 'modules') {
    const list = value as string[];
    for (let i = 0; i < list.length; i++) {
      if (!isModulePath(list[i]) && !(list[i].length <= 214 && NPM_NAME.test(list[i]))) {
        return `${label}[${i}] must be a module or folder path starting with ./, ../ or /, or an npm package name like "@studio/dcckit-plugins" (got ${describeValue(list[i])})`;
      }
    }
  }
  return null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function unknownKeyProblem(section: AnySection, key: string, prefix: string): ConfigProblem {
  const keyPath = prefix ? `${prefix}.${key}` : key;
  const known = Object.keys(section.fields);
  const close = known
    .map(k => ({ k, d: k.toLowerCase() === key.toLowerCase() ? 0 : key.length >= 3 && k.startsWith(key) ? 1 : editDistance(k, key) }))
    .filter(c => c.d <= Math.max(2, Math.floor(key.length / 4)))
    .sort((x, y) => x.d - y.d)[0];
  const where = prefix ? `keys of ${prefix}` : 'sections';
  let text = `unknown key ${keyPath} (${close ? `did you mean ${prefix ? `${prefix}.` : ''}${close.k}? ` : ''}known ${where}: ${known.join(', ')})`;
  if (!prefix) text += `; a third-party adapter's section is accepted once its package is listed under adapters`;
  return { keyPath, text };
}

function checkSection(section: AnySection, value: Record<string, unknown>, prefix: string, adapterSections: ReadonlySet<string>, out: ConfigProblem[]): void {
  for (const [key, child] of Object.entries(value)) {
    const keyPath = prefix ? `${prefix}.${key}` : key;
    const field = Object.hasOwn(section.fields, key) ? section.fields[key] : undefined;
    if (!field) {
      if (!prefix && adapterSections.has(key)) {
        if (!isPlainObject(child)) out.push({ keyPath, text: `${keyPath} (the section of adapter ${key}) must be a section of keys (got ${describeValue(child)})` });
        continue;
      }
      out.push(unknownKeyProblem(section, key, prefix));
    } else if (field.kind === 'section') {
      if (isPlainObject(child)) checkSection(field, child, keyPath, adapterSections, out);
      else out.push({ keyPath, text: `${keyPath} must be a section of keys (${Object.keys(field.fields).join(', ')}) (got ${describeValue(child)})` });
    } else {
      const text = leafProblem(field, child, keyPath);
      if (text) out.push({ keyPath, text });
    }
  }
}

/**
 * Checks the content of one config file. `adapterSections` names the extra top-level sections that are
 * allowed (third-party adapters listed under `adapters`). Returns every problem found, none when valid.
 */
export function findProblems(content: unknown, adapterSections: ReadonlySet<string> = new Set()): ConfigProblem[] {
  if (!isPlainObject(content)) {
    return [{ keyPath: '', text: `must contain a mapping of settings such as "hub: {port: 47100}" (got ${describeValue(content)})` }];
  }
  const out: ConfigProblem[] = [];
  checkSection(ROOT, content, '', adapterSections, out);
  return out;
}

/** The valid entries of a file's `adapters` list (none if the key is missing or malformed). */
export function listedAdapters(content: unknown): string[] {
  if (!isPlainObject(content) || !Array.isArray(content.adapters)) return [];
  return content.adapters.filter(isAdapterEntry).flatMap(adapterSectionNames);
}

/** Throws a ConfigError naming `file` when its content has problems. */
export function assertValidFile(content: unknown, file: string, adapterSections: ReadonlySet<string>): asserts content is Record<string, unknown> {
  const problems = findProblems(content, adapterSections);
  if (problems.length === 0) return;
  const lines = problems.map(p => `${file}: ${p.text}`);
  throw new ConfigError(`${lines.join('\n')}\nFix ${problems.length === 1 ? 'it' : 'them'} in that file (\`dcc-kit config --help\` lists every key and what it accepts).`,
    { file, keyPath: problems[0].keyPath });
}

export interface EnvOverride {
  variable: string;
  keyPath: string;
  value: string | number | boolean;
}

function fromEnvText(spec: LeafSpec, raw: string): unknown {
  const text = raw.trim();
  if (spec.kind === 'int') return /^\d+$/.test(text) ? Number(text) : raw;
  if (spec.kind === 'number') return text !== '' && Number.isFinite(Number(text)) ? Number(text) : raw;
  if (spec.kind === 'bool') return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : raw;
  return raw;
}

/** The overrides set by environment variables. An empty variable counts as unset. */
export function readEnvOverrides(env: NodeJS.ProcessEnv): EnvOverride[] {
  const overrides: EnvOverride[] = [];
  const problems: ConfigProblem[] = [];
  for (const { keyPath, spec } of CONFIG_LEAVES) {
    if (!spec.env) continue;
    const raw = env[spec.env];
    if (raw === undefined || raw.trim() === '') continue;
    const value = fromEnvText(spec, raw);
    const text = leafProblem(spec, value, `environment variable ${spec.env} (${keyPath})`, raw);
    if (text) problems.push({ keyPath, text });
    else overrides.push({ variable: spec.env, keyPath, value: value as EnvOverride['value'] });
  }
  if (problems.length) {
    throw new ConfigError(`${problems.map(p => p.text).join('\n')}\nFix or unset ${problems.length === 1 ? 'that variable' : 'those variables'}.`, { keyPath: problems[0].keyPath });
  }
  return overrides;
}
