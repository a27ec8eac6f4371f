/** `dcc-kit houdini-batch`: runs a Python script in hython, attached, connected to the hub. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliCommand, CliContext } from '../../kit/cli/types.ts';
import { DccKitError, UsageError } from '../../kit/errors.ts';
import { loadConfig } from '../../kit/config.ts';
import { ensureHub } from '../../kit/hub/start.ts';
import { runBatch } from '../../kit/launch.ts';
import { HYTHON_KEY, houdiniConfig, houdiniLaunchEnv, resolveHython } from './launch.ts';

const USAGE = 'dcc-kit houdini-batch [--timeout MS] [--no-hub] <script.py | -c CODE> [args...]';

export class BatchScriptNotFoundError extends DccKitError {
  constructor(file: string) { super(`script not found: ${file} (give the path of a Python file, or -c CODE)`, 'SCRIPT_NOT_FOUND'); }
}

interface BatchArgs {
  timeout: number | undefined;
  hub: boolean;
  /** What hython gets: the script (or -c CODE) and the script's own arguments, untouched. */
  hythonArgs: string[];
  script: string | null;
}

/** Options of dcc-kit come before the script; everything from the script on belongs to it. */
function parseBatchArgs(argv: string[]): BatchArgs {
  const out: BatchArgs = { timeout: undefined, hub: true, hythonArgs: [], script: null };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { i++; break; }
    if (arg === '--no-hub') { out.hub = false; continue; }
    if (arg === '--timeout' || arg.startsWith('--timeout=')) {
      const value = arg === '--timeout' ? argv[++i] : arg.slice('--timeout='.length);
      const ms = Number(value);
      if (value === undefined || !(ms > 0)) throw new UsageError(`--timeout takes milliseconds above 0\nusage: ${USAGE}`);
      out.timeout = ms;
      continue;
    }
    if (arg === '-c') {
      if (argv[i + 1] === undefined) throw new UsageError(`-c needs the Python code to run\nusage: ${USAGE}`);
      out.hythonArgs = argv.slice(i);
      return out;
    }
    if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (options for the script go after it)\nusage: ${USAGE}`);
    break;
  }
  if (i >= argv.length) throw new UsageError(`a script to run is needed\nusage: ${USAGE}`);
  out.script = argv[i];
  out.hythonArgs = argv.slice(i);
  return out;
}

function signalNumber(signal: NodeJS.Signals): number {
  return os.constants.signals[signal] ?? 1;
}

export const houdiniBatchCommand: CliCommand = {
  name: 'houdini-batch',
  passThrough: true,
  summary: 'run a Python script in hython (Houdini without UI), connected to the hub',
  help: `usage: ${USAGE}

Runs hython on the script (or -c CODE) with the given arguments, attached: its output is streamed
here line by line and its exit code becomes this command's exit code. Ctrl-C (or SIGTERM) stops hython
and every process it started (exit 130, or 143).

hython loads the dcc-kit Houdini package from the kit (HOUDINI_PACKAGE_DIR), so its pythonrc.py
connects to the hub, which is started if none is running (--no-hub: do not start one; hython then
connects only to a hub that is already running). A script that should serve the hub's requests ends
with:
    import dcckit_houdini
    dcckit_houdini.serve_forever()
or calls dcckit_houdini.pump(timeout) between its own steps.

hython comes from houdini.hython in .dcckitrc, else from beside houdini.executable, else from the
installed Houdini versions (newest first), else from PATH.

Options (before the script; everything after it is passed to the script):
  --timeout MS   stop hython (and its children) after MS milliseconds; exits 1
  --no-hub       do not start a hub
  --             end of options (for a script whose name starts with -)
`,
  async run(ctx: CliContext) {
    const args = parseBatchArgs(ctx.argv);
    const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const cfg = houdiniConfig(config);
    if (args.script !== null) {
      const file = path.resolve(ctx.cwd, args.script);
      if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new BatchScriptNotFoundError(file);
      args.hythonArgs[0] = file;
    }
    const hython = await resolveHython(cfg, ctx.env, { cwd: ctx.cwd });
    const hub = args.hub ? (await ensureHub({ home: config.home, env: ctx.env, cwd: ctx.cwd })).info : undefined;
    const env: Record<string, string | undefined> = houdiniLaunchEnv({ base: ctx.env, home: config.home, hub, callTimeout: cfg.callTimeout });
    if (!hub) {
      // Only a hub named by the runtime file (one already running) is used.
      env.DCC_KIT_PORT = undefined;
      env.DCC_KIT_TOKEN = undefined;
    }

    const controller = new AbortController();
    let stoppedBy: NodeJS.Signals | null = null;
    const stop = (signal: NodeJS.Signals) => {
      stoppedBy ??= signal;
      controller.abort();
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    try {
      const result = await runBatch({
        command: hython,
        args: args.hythonArgs,
        env,
        baseEnv: ctx.env,
        cwd: ctx.cwd,
        signal: controller.signal,
        timeout: args.timeout,
        forceKillAfter: 3000,
        onLine: (line, stream) => { (stream === 'stdout' ? ctx.stdout : ctx.stderr).write(line + '\n'); },
        displayName: 'hython',
        executableKey: HYTHON_KEY,
      });
      if (result.canceled) {
        const signal = stoppedBy ?? 'SIGINT';
        ctx.stderr.write(`dcc-kit houdini-batch: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}; hython and the processes it started were stopped\n`);
        return 128 + signalNumber(signal);
      }
      if (result.timedOut) {
        ctx.stderr.write(`dcc-kit houdini-batch: hython did not finish within ${args.timeout} ms and was stopped (--timeout)\n`);
        return 1;
      }
      if (result.signal) {
        ctx.stderr.write(`dcc-kit houdini-batch: hython was killed by ${result.signal}\n`);
        return 128 + signalNumber(result.signal);
      }
      return result.exitCode ?? 1;
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  },
};
