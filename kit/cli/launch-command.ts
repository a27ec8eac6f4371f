import fs from 'node:fs';
import path from 'node:path';
import type { CliCommand, CliContext } from './types.ts';
import { parse, print, printJson } from './args.ts';
import { DccKitError, UsageError } from '../errors.ts';
import { loadConfig, type DccKitConfig } from '../config.ts';
import { AdapterRegistry, type SessionInfo } from '../adapter.ts';
import { ensureHub } from '../hub/start.ts';
import { connectHub } from '../hub/client.ts';
import { launchDetached } from '../launch.ts';
import { isDescendantOf } from '../process.ts';
import { createProgress } from './progress.ts';
import { warnWebProblem } from './hub-command.ts';
import type { RuntimeInfo } from '../hub/runtime.ts';
import { own } from '../own.ts';

const USAGE = 'dcc-kit launch <dcc> [scene | workfile.zip] [--simulate] [--background] [--fresh] [--force] [--timeout MS] [--json]';

export class LaunchTimeoutError extends DccKitError {
  constructor(message: string) { super(message, 'LAUNCH_TIMEOUT'); }
}

export interface LaunchOutcome {
  session: SessionInfo;
  pid: number;
  logFile: string;
  hub: { pid: number; port: number; started: boolean; web?: RuntimeInfo['web'] };
}

/** Starts or attaches to the hub, starts the DCC, and resolves once its session said hello. */
export async function launchDcc(ctx: Pick<CliContext, 'cwd' | 'env'>, dcc: string, scene: string | null, opts: { simulate?: boolean; background?: boolean; fresh?: boolean; force?: boolean; timeout?: number; config?: DccKitConfig; onProgress?: (p: { phase: string; bytesDone: number; bytesTotal: number }) => void } = {}): Promise<LaunchOutcome> {
  const config = opts.config ?? (await loadConfig({ cwd: ctx.cwd, env: ctx.env })).config;
  const registry = new AdapterRegistry(config.adapters, ctx.cwd);
  const adapter = await registry.get(dcc);
  if (!adapter.launchSpec) throw new DccKitError(`the ${adapter.displayName} adapter cannot launch its application`, 'NO_LAUNCH');
  if (opts.simulate && !adapter.hasSimulator) throw new UsageError(`--simulate: dcc-kit has no ${adapter.displayName} simulator (only Harmony has one)`);
  if (opts.background && !adapter.hasBackground) throw new UsageError(`--background: ${adapter.displayName} cannot be launched without its UI by dcc-kit`);
  let scenePath: string | null = null;
  if (scene) {
    scenePath = path.resolve(ctx.cwd, scene);
    if (!fs.existsSync(scenePath) && !adapter.createsScene?.(scenePath)) throw new DccKitError(`${/\.zip$/i.test(scenePath) ? 'workfile' : 'scene'} not found: ${scenePath}`, 'SCENE_NOT_FOUND');
  }
  if (adapter.prepareLaunch) {
    scenePath = (await adapter.prepareLaunch({
      scene: scenePath, simulate: Boolean(opts.simulate), background: opts.background, fresh: opts.fresh, force: opts.force, config, env: ctx.env, cwd: ctx.cwd, onProgress: opts.onProgress,
    })).scene;
  }
  const section = own(config as unknown as Record<string, { launchTimeout?: number } | undefined>, dcc);
  const timeout = opts.timeout ?? section?.launchTimeout ?? 30_000;
  const { info, started } = await ensureHub({ home: config.home, env: ctx.env, cwd: ctx.cwd });
  const hub = await connectHub({ port: info.port, token: info.token });
  try {
    await hub.subscribe();
    const spec = await adapter.launchSpec({
      scene: scenePath, simulate: opts.simulate, background: opts.background, config, env: ctx.env,
      hub: { port: info.port, token: info.token, home: config.home },
    });
    const startedAt = new Date().toISOString();
    const app = await launchDetached({
      name: dcc, command: spec.command, args: spec.args, env: spec.env, baseEnv: ctx.env, cwd: spec.cwd ?? ctx.cwd,
      home: config.home, displayName: adapter.displayName, executableKey: spec.executableKey,
    });
    // The DCC may be the launched process itself or a child of it (a wrapper); a DCC that cannot tell its pid
    // is matched by the time it joined.
    const ours = (s: SessionInfo) => s.dcc === dcc && (s.pid === null ? s.joinedAt >= startedAt : isDescendantOf(s.pid, app.pid));
    const joined = hub.waitForSession(ours, timeout);
    const exited = app.exited.then((status) => { throw Object.assign(new Error(), { exitStatus: status }); });
    try {
      const session = await Promise.race([joined, exited]);
      return { session, pid: app.pid, logFile: app.logFile, hub: { pid: info.pid, port: info.port, started, ...(info.web ? { web: info.web } : {}) } };
    } catch (err) {
      const tail = (await app.tail(15)).join('\n');
      const status = (err as { exitStatus?: { code: number | null; signal: string | null } }).exitStatus;
      if (status) throw new DccKitError(`${adapter.displayName} exited (${status.signal ?? `code ${status.code}`}) before it connected. Its log (${app.logFile}) ends with:\n${tail}`, 'LAUNCH_EXITED');
      app.kill();
      throw new LaunchTimeoutError(`${adapter.displayName} did not connect to the hub within ${timeout} ms (${dcc}.launchTimeout); it was stopped. Its log (${app.logFile}) ends with:\n${tail}`);
    }
  } finally {
    hub.close();
  }
}

export const launchCommand: CliCommand = {
  name: 'launch',
  summary: 'start a DCC connected to the hub (harmony, houdini, ...)',
  help: `usage: ${USAGE}

Starts (or attaches to) the hub, starts the DCC with the dcc-kit startup scripts, and returns once
its session said hello. The executable comes from .dcckitrc (<dcc>.executable) or the default
install locations. A Harmony workfile .zip is extracted to the work area first (the local copy is reused
when it is newer; --fresh extracts again); one that does not exist yet is made first (from
harmony.workfiles.templateScene, or the simulator's new scene), its scene named after it. Without a scene,
in a folder whose context has a folder and a task, Harmony gets that shot's workfile there (its highest
version, or version 1 made at once, named by harmony.workfiles.template). A workfile whose local copy is open in another Harmony is
refused, since both would save over each other. The DCC's output goes to a log under <home>/logs/.

options:
  --simulate     run the bundled Harmony simulator instead of Harmony (also used when harmony.executable
                 is "simulator"); refused for a DCC without a simulator
  --background   run the DCC without its UI, serving requests until told to quit (Blender: blender -b;
                 stop it with dcc-kit call blender --request blender.quit)
  --fresh        extract the workfile again, even when the local copy is newer
  --force        open a workfile whose local copy is open in another Harmony
  --timeout MS   how long to wait for the session's hello (default <dcc>.launchTimeout, 30000)
  --json         print {pid, session, logFile, hub} as JSON
  --help, -h     this help

exit status: 0 the session said hello, 1 failure (executable not found, damaged workfile, no hello in
time), 2 usage
`,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { simulate: { type: 'boolean' }, background: { type: 'boolean' }, fresh: { type: 'boolean' }, force: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    const [dcc, scene, ...extra] = positionals;
    if (!dcc || extra.length) throw new UsageError(`usage: ${USAGE}`);
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout takes milliseconds above 0');
    const progress = ctx.interactive ? createProgress({ stream: ctx.stderr, interactive: true, label: 'extracting', unit: 'bytes' }) : null;
    let out: LaunchOutcome;
    try {
      out = await launchDcc(ctx, dcc, scene ?? null, {
        simulate: Boolean(values.simulate), background: Boolean(values.background), fresh: Boolean(values.fresh), force: Boolean(values.force), timeout,
        onProgress: progress ? (p) => { progress.setLabel(p.phase); progress.update(p.bytesDone, p.bytesTotal); } : undefined,
      });
    } finally {
      progress?.done();
    }
    if (out.hub.started) warnWebProblem(ctx, out.hub);
    if (values.json) printJson(ctx, out);
    else print(ctx, `${dcc} is ready: session ${out.session.id}, pid ${out.pid}${out.session.scene ? `, scene ${out.session.scene}` : ''}\nlog: ${out.logFile}\nhub: ${out.hub.started ? 'started' : 'attached'}, 127.0.0.1:${out.hub.port}`);
    return 0;
  },
};
