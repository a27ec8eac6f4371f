/**
 * A headless Harmony: one long-lived process state (application, main window, property bag) and a
 * script engine (node:vm context) per scene that is discarded on every scene switch, running the
 * real startup scripts' TB_sceneOpened / TB_sceneCreated.
 */
import vm from 'node:vm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { SimScene, createHarmonyGlobals, type SimHost } from './dom/index.ts';
import { QtApplication, QtScope, createQtBindings, type SocketFaults } from './qt.ts';
import { createEngineGlobals, type DialogAnswer, type ShownDialog } from './engine-globals.ts';
import { ensureResources } from './dom/prefs.ts';
import { isProcessAlive } from '../../../kit/process.ts';

export interface SimulatorOptions {
  env?: Record<string, string | undefined>;
  /** Harmony version to behave as, e.g. "24.0" or "21.1". */
  version?: string;
  /** Show a main window with a menu bar (false = batch). */
  gui?: boolean;
  faults?: SocketFaults;
  /** Where log lines and message boxes go besides `messages`. */
  log?: (line: string) => void;
  /** Folder for new untitled scenes (default: a temp folder). */
  untitledDir?: string;
}

export interface ShownMessage { kind: 'information' | 'warning' | 'critical'; text: string }

export function parseVersion(text: string | undefined): { major: number; minor: number } {
  const m = /^(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0) } : { major: 24, minor: 0 };
}

/** Harmony's per-user scripts folder on this OS: <...>/Toon Boom Harmony <Edition>/<MM>00-scripts. */
export function userScriptsDir(env: Record<string, string | undefined>, major: number, edition = 'Premium'): string {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  const folder = `${major}00-scripts`;
  if (process.platform === 'win32') {
    const appData = env.APPDATA || path.join(home, 'AppData', 'Roaming');
    return path.join(appData, 'Toon Boom Animation', `Toon Boom Harmony ${edition}`, folder);
  }
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Preferences', 'Toon Boom Animation', `Toon Boom Harmony ${edition}`, folder);
  return path.join(home, 'Toon Boom Animation', `Toon Boom Harmony ${edition}`, folder);
}

const UNTITLED_PREFIX = 'harmony-sim-untitled-';

/** The per-process temp folder scripts get (specialFolders.temp), made on first use: dom/index.ts. */
const PROCESS_TEMP = /^dcc-kit-harmony-sim-(\d+)$/;

/**
 * A simulator ends by removing its untitled scene's temp folder; one that was killed (SIGKILL, or SIGTERM, which
 * it dies of at once like Harmony) cannot, and the scripts' temp folder is the process's own: so the next
 * simulator removes the folders named after a process that is gone.
 */
let tidied = false;
function removeOrphanedUntitled(): void {
  let names: string[];
  try { names = fs.readdirSync(os.tmpdir()); } catch { return; }
  for (const name of names) {
    const pid = name.startsWith(UNTITLED_PREFIX) ? Number(/^(\d+)-/.exec(name.slice(UNTITLED_PREFIX.length))?.[1]) : Number(PROCESS_TEMP.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isProcessAlive(pid)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

export class HarmonySimulator extends EventEmitter {
  readonly env: Record<string, string | undefined>;
  readonly version: { major: number; minor: number };
  readonly app: QtApplication;
  readonly messages: ShownMessage[] = [];
  /** Answers a test queued for the dialogs scripts show (Dialog.exec), used first in first out; with none queued a dialog is cancelled. */
  readonly dialogAnswers: DialogAnswer[] = [];
  /** The dialogs scripts showed, in order, with the answer each got ('dialog' is emitted for each). */
  readonly dialogs: ShownDialog[] = [];
  readonly logLines: string[] = [];
  /** The startup script the last scene ran (null: none was found). */
  ranHook: string | null = null;
  /** How many connections the scripts have tried to open (QTcpSocket.connectToHost), all engines together. */
  connectAttempts = 0;
  private readonly madeTemp: string[] = [];
  scene: SimScene | null = null;
  private scope: QtScope | null = null;
  private context: vm.Context | null = null;
  private readonly opts: SimulatorOptions;
  private engineCount = 0;
  /** Calls scripts made to documented members the simulator does not model ("not simulated") or only records ("stub"). */
  readonly unmodelledCalls = new Map<string, { kind: 'not simulated' | 'stub'; count: number }>();

  constructor(opts: SimulatorOptions = {}) {
    super();
    this.opts = opts;
    this.env = { ...(opts.env ?? process.env) };
    this.version = parseVersion(opts.version ?? this.env.DCC_KIT_SIM_VERSION);
    this.app = new QtApplication(opts.gui ?? true);
  }

  /** How many script engines this process has had (one per scene). */
  get engines(): number { return this.engineCount; }

  private log(line: string): void {
    this.logLines.push(line);
    this.opts.log?.(line);
    this.emit('log', line);
  }

  private host(): SimHost {
    const applicationPath = path.join(os.tmpdir(), 'harmony-simulator');
    ensureResources(path.join(applicationPath, 'resources'));
    return {
      env: this.env,
      version: this.version,
      applicationPath,
      log: (line) => this.log(line),
      messageBox: (kind, text) => {
        this.messages.push({ kind, text });
        this.log(`[MessageBox.${kind}] ${text}`);
        this.emit('message', { kind, text });
      },
      userScriptsDir: userScriptsDir(this.env, this.version.major),
      record: this.recordCall,
    };
  }

  /** Where the DOM reports calls to stubs and unmodelled members; one function for all this simulator's engines. */
  private readonly recordCall = (kind: 'not simulated' | 'stub', member: string): void => {
    const entry = this.unmodelledCalls.get(member);
    if (entry) {
      entry.count++;
      return;
    }
    this.unmodelledCalls.set(member, { kind, count: 1 });
    // Said at once too: a simulator that is killed never gets to list them at exit.
    this.log(kind === 'not simulated'
      ? `[simulator] ${member} was called: documented in Harmony 24, not modelled by the simulator (NotSimulated thrown)`
      : `[simulator] ${member} was called: the simulator only records it (docs/SIMULATOR.md)`);
  };

  /** The log lines close() writes: every call to an unmodelled member or a stub, with how often. */
  unmodelledReport(): string[] {
    const lines: string[] = [];
    for (const kind of ['not simulated', 'stub'] as const) {
      const calls = [...this.unmodelledCalls].filter(([, e]) => e.kind === kind).sort(([a], [b]) => (a < b ? -1 : 1));
      if (calls.length === 0) continue;
      lines.push(kind === 'not simulated'
        ? `[simulator] ${calls.length} documented Harmony member(s) the simulator does not model were called (each threw NotSimulated):`
        : `[simulator] ${calls.length} member(s) the simulator only records were called (nothing modelled):`);
      for (const [member, e] of calls) lines.push(`[simulator]   ${member} x${e.count}`);
    }
    return lines;
  }

  /** Opens a scene (an .xstage or a project folder), or a new default scene when `scenePath` is null. */
  open(scenePath: string | null): SimScene {
    this.teardownEngine();
    if (!tidied) {
      tidied = true;
      removeOrphanedUntitled();
    }
    let created = false;
    if (scenePath) {
      this.scene = SimScene.open(scenePath);
    } else {
      let dir = this.opts.untitledDir;
      if (!dir) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), `${UNTITLED_PREFIX}${process.pid}-`));
        this.madeTemp.push(dir);
      }
      this.scene = SimScene.createDefault(path.join(dir, 'untitled'), 'untitled');
      created = true;
    }
    this.startEngine();
    this.runHook(created ? 'TB_sceneCreated' : 'TB_sceneOpened');
    this.emit('scene', this.scene);
    return this.scene;
  }

  /** The folders searched for startup scripts, in order. */
  scriptDirs(): string[] {
    const dirs: string[] = [];
    const global = this.env.TOONBOOM_GLOBAL_SCRIPT_LOCATION;
    if (global) dirs.push(global);
    dirs.push(userScriptsDir(this.env, this.version.major));
    return dirs;
  }

  private startEngine(): void {
    this.engineCount++;
    const scope = new QtScope({
      log: (l) => this.log(l), faults: this.opts.faults, hasQDataStream: this.version.major < 21 || (this.version.major === 21 && this.version.minor < 1), gui: this.app.window !== null,
      onSocket: (what, bytes) => {
        if (what === 'connecting') this.connectAttempts++;
        this.emit('socket', what, bytes);
      },
    });
    const context = vm.createContext({});
    const globals = createHarmonyGlobals(this.scene!, this.host(), { context });
    Object.assign(context, createEngineGlobals((line) => this.log(line), (shown) => {
      const answer = this.dialogAnswers.shift() ?? null;
      const dialog = { ...shown, answer };
      this.dialogs.push(dialog);
      this.emit('dialog', dialog);
      return answer;
    }));
    // Copied as they are: the DOM's objects are built the first time a script uses them.
    Object.defineProperties(context, Object.getOwnPropertyDescriptors(globals));
    Object.assign(context, createQtBindings(scope, this.app));
    context.include = (file: unknown) => this.include(String(file));
    this.scope = scope;
    this.context = context;
    this.app.activate(scope);
  }

  private teardownEngine(): void {
    if (this.scope) this.scope.destroy();
    this.scope = null;
    this.context = null;
  }

  private include(file: string): void {
    if (!this.context) throw new Error('include() outside a script engine');
    let resolved = file.replace(/\\/g, '/');
    if (!path.isAbsolute(resolved)) resolved = this.scriptDirs().map((d) => path.join(d, resolved)).find((p) => fs.existsSync(p)) ?? resolved;
    // Harmony's include() of a missing file is not an exception: OpenHarmony includes two candidate
    // locations of TB_orderNetworkUp.js and relies on the missing one being skipped.
    if (!fs.statSync(resolved, { throwIfNoEntry: false })?.isFile()) {
      this.log(`[warning] include: ${file} not found${path.isAbsolute(file) ? '' : ` in ${this.scriptDirs().join(' or ')}`}`);
      return;
    }
    const code = fs.readFileSync(resolved, 'utf8');
    // Harmony's script engine names the file being run in __file__ (OpenHarmony finds its folder with it).
    const ctx = this.context as Record<string, unknown>;
    const outer = ctx.__file__;
    ctx.__file__ = resolved;
    try {
      vm.runInContext(code, this.context, { filename: resolved });
    } finally {
      ctx.__file__ = outer;
    }
  }

  /** Loads `<hook>.js` from the script folders and runs `hook()`, as Harmony does after a scene loads or is made. */
  private runHook(hook: 'TB_sceneOpened' | 'TB_sceneCreated'): void {
    const dirs = this.scriptDirs();
    const file = dirs.map((d) => path.join(d, `${hook}.js`)).find((p) => fs.existsSync(p));
    if (!file) {
      const other = hook === 'TB_sceneCreated' ? dirs.map((d) => path.join(d, 'TB_sceneOpened.js')).find((p) => fs.existsSync(p)) : undefined;
      this.ranHook = null;
      this.log(other
        ? `[simulator] no startup script ran: this new scene runs ${hook}.js, and ${dirs.join(', ')} only has TB_sceneOpened.js (AYON ships only that one): open a scene file instead`
        : `[simulator] no startup script ran: no ${hook}.js in ${dirs.join(' or ')}. Set TOONBOOM_GLOBAL_SCRIPT_LOCATION to the folder holding it, or run dcc-kit install harmony`);
      return;
    }
    this.ranHook = file;
    this.log(`[simulator] ran ${hook}() from ${file}`);
    try {
      this.include(file);
      const fn = (this.context as Record<string, unknown>)[hook];
      if (typeof fn === 'function') (fn as () => void)();
    } catch (err) {
      this.log(`[error] ${path.basename(file)}: ${(err as Error)?.stack ?? String(err)}`);
    }
  }

  /** Evaluates source in the current engine (tests, the Script Editor). */
  evaluate(source: string): unknown {
    if (!this.context) throw new Error('no scene is open');
    return vm.runInContext(source, this.context);
  }

  /** Triggers a menu item the scripts added, by its text or "Menu/Item". */
  triggerMenu(item: string): boolean {
    return this.app.trigger(item);
  }

  close(): void {
    for (const line of this.unmodelledReport()) this.log(line);
    this.unmodelledCalls.clear();
    this.teardownEngine();
    // A new untitled scene's temp folder goes with the process, as Harmony's does.
    for (const dir of this.madeTemp.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}
