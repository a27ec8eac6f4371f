/**
 * The Adapter contract and the registry. The kit knows no DCC by name: built-in adapters are listed
 * here only as module paths, imported when first used; third-party adapters are npm packages named
 * under `adapters:` in the config.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { DccKitError } from './errors.ts';
import { MODULE_EXT } from './package-root.ts';
import type { RequestMessage, ReplyMessage } from './protocol/messages.ts';
import type { CliCommand } from './cli/types.ts';
import type { PublishPlugin } from './publish/types.ts';
import { own } from './own.ts';

export interface SessionInfo {
  id: string;
  dcc: string;
  pid: number | null;
  version: string | null;
  scene: string | null;
  connected: boolean;
  joinedAt: string;
  /** 'ayon' for an unmodified AYON-style client accepted in compatibility mode. */
  compat?: string;
  /** What the adapter reported about the session (HubServices.annotate), e.g. `scripts` injected. */
  notes?: Record<string, unknown>;
}

/** What an endpoint handler can do with the hub. */
export interface HubServices {
  /** Calls into a session (used by endpoints that must ask the DCC for something). */
  call(session: string, body: { function: string; args?: unknown } | { script: string } | { request: string; args?: unknown }, opts?: { timeout?: number }): Promise<unknown>;
  sessions(): SessionInfo[];
  /** Records what an adapter wants shown about a session (`dcc-kit sessions --json` shows `notes`). */
  annotate(session: string, notes: Record<string, unknown>): void;
  /** Broadcasts an event to subscribed tools. */
  emit(event: string, data: Record<string, unknown>): void;
  /** The resolved configuration (typed by kit/config.ts). */
  config: unknown;
  home: string;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  /**
   * Aborted when the hub stops. Work that outlives requests (a farm wait) ends on it, leaving what the next hub
   * takes up where it is: a stopping hub's process exits when its event loop drains (kit/exit.ts).
   */
  stopping: AbortSignal;
}

export interface EndpointContext {
  /** The DCC session that sent the request; null when a tool called a tool endpoint. */
  session: SessionInfo | null;
  hub: HubServices;
}

/** A named request a DCC may send to the hub (menu actions). Throw to answer with an error the DCC shows. */
export type Endpoint = (args: unknown, ctx: EndpointContext) => unknown;

export interface InstallOptions {
  /** Install into this folder instead of the discovered ones. */
  targetDir?: string;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  platform?: NodeJS.Platform;
  dryRun?: boolean;
}

export interface InstallResult {
  /** One line per folder touched, saying what was done. */
  actions: { path: string; action: string }[];
}

export interface LaunchRequest {
  /** Scene/workfile to open, already resolved to an absolute path, or null for a new scene. */
  scene: string | null;
  /** Run the bundled simulator instead of the real DCC (only asked of adapters with `hasSimulator`). */
  simulate?: boolean;
  /** Run the DCC without its UI, serving requests until told to quit (only asked of adapters with `hasBackground`). */
  background?: boolean;
  config: unknown;
  hub: { port: number; token: string; home: string };
  env: NodeJS.ProcessEnv;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Config key the user should set when `command` cannot be run. */
  executableKey: string;
}

/** An unmodified legacy client (e.g. AYON's Harmony script) spoken to in compatibility mode. */
export interface LegacyProtocol {
  /** Shown as the session's `compat` (e.g. "ayon"). */
  name: string;
  /** Config check: is compatibility mode on? */
  enabled(config: unknown): boolean;
  /** Recognises the legacy client's first frame; returns the hello data or null. */
  matchHello(first: RequestMessage): { version?: string; scene?: string } | null;
  /** Maps a legacy request to a named endpoint, or null to refuse it (logged). */
  mapRequest(msg: RequestMessage): { request: string; args?: unknown } | null;
  /** Turns legacy in-band error results into error replies. */
  interpretReply(reply: ReplyMessage): ReplyMessage;
  /** The legacy reader cannot decode UTF-8. */
  asciiOnly: boolean;
}

/** A creator or loader as every adapter's registry has it: a name (unique per kind), a label, and more of its own. */
export interface ExtensionRecord {
  name: string;
  label: string;
  /** The module file it is defined in (built-ins may say; studio ones always have it). */
  source?: string | null;
}

/** How an adapter takes part in one kind of extension (creators or loaders). */
export interface ExtensionKind<T extends ExtensionRecord = ExtensionRecord> {
  /** The adapter's own records, in their default order. */
  builtIn(): Promise<T[]>;
  /** What is wrong with a studio module's exported value as a record of this kind (empty: it is one). */
  check(value: unknown): string[] | Promise<string[]>;
}

/**
 * Studio extensions an adapter takes part in (kit/plugins): its built-in publish plugins (studio ones from
 * `publish.plugins` run beside them), and creators and loaders (studio ones from `<adapter>.creators` and
 * `<adapter>.loaders`). `dcc-kit plugins` lists them for any adapter that has this.
 */
export interface AdapterExtensions {
  publishPlugins?(): Promise<PublishPlugin[]>;
  creators?: ExtensionKind;
  loaders?: ExtensionKind;
}

export interface Adapter {
  /** Lower-case name used in the CLI, config sections and the hello's `dcc`. */
  name: string;
  displayName: string;
  /** Executable candidates for this platform, tried in order when the config names none. */
  defaultExecutables(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[];
  install?(opts: InstallOptions): Promise<InstallResult>;
  uninstall?(opts: InstallOptions): Promise<InstallResult>;
  launchSpec?(req: LaunchRequest): Promise<LaunchSpec>;
  /** True when launchSpec honours `simulate` (a bundled simulator); `launch --simulate` is refused otherwise. */
  hasSimulator?: boolean;
  /** True when launchSpec honours `background` (a headless DCC serving requests); `launch --background` is refused otherwise. */
  hasBackground?: boolean;
  /** Named requests the hub serves to this DCC's sessions. */
  endpoints?: Record<string, Endpoint>;
  /** Named requests tools (CLI, pipeline code) may send to this adapter inside the hub (`hub.adapter`). */
  toolEndpoints?: Record<string, Endpoint>;
  /** Turns what the user asked to open (e.g. a workfile .zip) into the scene the DCC opens, before a launch. */
  prepareLaunch?(req: PrepareLaunchRequest): Promise<{ scene: string | null }>;
  /** True when prepareLaunch makes this scene path if it does not exist (e.g. a new shot's first workfile). */
  createsScene?(scenePath: string): boolean;
  /**
   * Runs in the hub when a DCC session said hello: first time (`resumed` false) or again after its script
   * engine was reset (scene switch, reconnect). Calls into the session may start here (e.g. injecting
   * studio scripts); errors are logged.
   */
  onSessionReady?(session: SessionInfo, hub: HubServices, info: { resumed: boolean }): Promise<void>;
  /** Runs in the hub process when it starts (e.g. removing what a killed hub left behind). */
  onHubStart?(hub: HubServices): Promise<void>;
  /** Runs in the hub process before it stops; resolve when work that must not be cut (a background save) is done. */
  onHubStop?(hub: HubServices): Promise<void>;
  /** Extra `dcc-kit` commands (e.g. `workfile`), loaded when used. */
  commands?: Record<string, { summary: string; load(): Promise<CliCommand> }>;
  legacy?: LegacyProtocol;
  /** Built-in publish plugins, creators and loaders, and how studio ones are checked (see AdapterExtensions). */
  extensions?: AdapterExtensions;
}

export interface PrepareLaunchRequest {
  /** Absolute path the user gave, or null. */
  scene: string | null;
  simulate: boolean;
  /** `launch --background` (adapters with `hasBackground`). */
  background?: boolean;
  fresh?: boolean;
  /** Open even when the workfile's local copy is open elsewhere (a second Harmony on it). */
  force?: boolean;
  config: unknown;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Progress of long work (extraction), for the CLI's bar. */
  onProgress?(p: { phase: string; bytesDone: number; bytesTotal: number }): void;
}

export class AdapterError extends DccKitError {
  constructor(message: string) { super(message, 'ADAPTER'); }
}

const BUILT_IN: Record<string, string> = {
  harmony: `../adapters/harmony/adapter${MODULE_EXT}`,
  houdini: `../adapters/houdini/index${MODULE_EXT}`,
  blender: `../adapters/blender/index${MODULE_EXT}`,
};

export function builtInAdapterNames(): string[] {
  return Object.keys(BUILT_IN);
}

/** Checks that a module's export is an Adapter; throws a message naming what is wrong. */
export function validateAdapter(value: unknown, origin: string): Adapter {
  const problems: string[] = [];
  const a = value as Partial<Adapter> | null;
  if (!a || typeof a !== 'object') throw new AdapterError(`${origin} does not export an adapter object (export default { name, displayName, defaultExecutables, ... })`);
  if (typeof a.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(a.name)) problems.push('name must be a lower-case identifier');
  if (typeof a.displayName !== 'string') problems.push('displayName must be a string');
  if (typeof a.defaultExecutables !== 'function') problems.push('defaultExecutables must be a function');
  for (const key of ['install', 'uninstall', 'launchSpec', 'prepareLaunch', 'onHubStart', 'onHubStop', 'onSessionReady'] as const) {
    if (a[key] !== undefined && typeof a[key] !== 'function') problems.push(`${key} must be a function`);
  }
  for (const key of ['endpoints', 'toolEndpoints'] as const) {
    const table = a[key];
    if (table === undefined) continue;
    if (!table || typeof table !== 'object') problems.push(`${key} must be an object of functions`);
    else for (const [k, v] of Object.entries(table)) if (typeof v !== 'function') problems.push(`${key}.${k} must be a function`);
  }
  if (problems.length) throw new AdapterError(`${origin} is not a valid dcc-kit adapter: ${problems.join('; ')}`);
  return a as Adapter;
}

export class AdapterRegistry {
  private readonly loaded = new Map<string, Adapter>();
  private readonly external: string[];
  private readonly cwd: string;

  /** `external`: npm package names or module paths from the config's `adapters:` (paths relative to `cwd`). */
  constructor(external: string[] = [], cwd = process.cwd()) {
    this.external = external;
    this.cwd = cwd;
  }

  register(adapter: Adapter): void {
    this.loaded.set(adapter.name, validateAdapter(adapter, `adapter "${adapter.name}"`));
  }

  /** Adapters already loaded (the hub asks these about legacy clients). */
  loadedAdapters(): Adapter[] {
    return [...this.loaded.values()];
  }

  names(): string[] {
    return [...new Set([...builtInAdapterNames(), ...this.loaded.keys()])];
  }

  /** The adapter called `name`, loading built-ins on first use and external packages by scanning the config list. */
  async get(name: string): Promise<Adapter> {
    const cached = this.loaded.get(name);
    if (cached) return cached;
    const builtIn = own(BUILT_IN, name);
    if (builtIn) {
      const mod = await import(new URL(builtIn, import.meta.url).href) as { default?: unknown };
      const adapter = validateAdapter(mod.default, `built-in adapter "${name}"`);
      this.loaded.set(name, adapter);
      return adapter;
    }
    for (const pkg of this.external) {
      const adapter = await this.loadPackage(pkg);
      if (adapter.name === name) return adapter;
    }
    const known = this.names().join(', ');
    throw new AdapterError(`no adapter named "${name}" (known: ${known}). Add its npm package to "adapters:" in .dcckitrc`);
  }

  /** Returns the adapter if it is already loaded or built in, else null, without throwing. */
  async find(name: string): Promise<Adapter | null> {
    try {
      return await this.get(name);
    } catch {
      return null;
    }
  }

  /** Loads an adapter from an npm package name, or from a module path (`./x.mjs`, `/abs/x.js`, `file:` URL). */
  async loadPackage(pkg: string): Promise<Adapter> {
    let mod: { default?: unknown; adapter?: unknown };
    const isPath = /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/]|file:)/.test(pkg);
    const specifier = isPath && !pkg.startsWith('file:') ? pathToFileURL(path.resolve(this.cwd, pkg)).href : pkg;
    if (isPath && !fs.existsSync(fileURLToPath(specifier))) {
      throw new AdapterError(`adapter module ${fileURLToPath(specifier)} (listed under "adapters:" in .dcckitrc) does not exist`);
    }
    try {
      mod = await import(specifier) as typeof mod;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(pkg)) {
        throw new AdapterError(`adapter package "${pkg}" (listed under "adapters:" in .dcckitrc) is not installed: run npm install ${pkg}`);
      }
      throw new AdapterError(`adapter package "${pkg}" failed to load: ${(err as Error).message}`);
    }
    const adapter = validateAdapter(mod.default ?? mod.adapter, `adapter package "${pkg}"`);
    this.loaded.set(adapter.name, adapter);
    return adapter;
  }
}
