import path from 'node:path';
import type { CliCommand, CliContext } from './types.ts';
import type { SessionInfo } from '../adapter.ts';
import { parse, parseJsonArg, print, printJson, table } from './args.ts';
import { UsageError } from '../errors.ts';
import { loadConfig } from '../config.ts';
import { connectHub, type HubClient } from '../hub/client.ts';
import { RemoteError } from '../protocol/errors.ts';

async function client(ctx: CliContext): Promise<{ hub: HubClient; callTimeout: number }> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  const hub = await connectHub({ home: config.home, env: ctx.env, callTimeout: config.hub.callTimeout });
  return { hub, callTimeout: config.hub.callTimeout };
}

interface SessionWork { id: string; folder: string | null; task: string | null; workfile: string | null }

/** What each session works on, from its adapter's `session.describe` when it serves one (else its notes). */
async function sessionWork(hub: HubClient, list: SessionInfo[]): Promise<Map<string, SessionWork>> {
  const out = new Map<string, SessionWork>();
  for (const s of list) {
    const n = (s.notes ?? {}) as Partial<SessionWork>;
    out.set(s.id, { id: s.id, folder: n.folder ?? null, task: n.task ?? null, workfile: n.workfile ?? null });
  }
  for (const dcc of new Set(list.filter((s) => s.connected).map((s) => s.dcc))) {
    const work = await hub.adapter(dcc, 'session.describe', {}).catch(() => null);
    if (Array.isArray(work)) for (const w of work as SessionWork[]) if (out.has(w.id)) out.set(w.id, w);
  }
  return out;
}

export const sessionsCommand: CliCommand = {
  name: 'sessions',
  summary: 'list the DCC sessions connected to the hub',
  help: 'usage: dcc-kit sessions [--json]\n\nLists the DCC sessions the hub knows: id, dcc, pid, the shot (context folder and task) and\n'
    + 'workfile each works on, connected, scene. --json gives each session with folder, task and workfile.\n'
    + 'Commands run in a shot\'s folder act on that shot\'s session when exactly one matches (else --session).\n',
  async run(ctx) {
    const { values } = parse(ctx.argv, { json: { type: 'boolean' } }, 'dcc-kit sessions [--json]');
    const { hub } = await client(ctx);
    try {
      const list = await hub.sessions();
      const work = await sessionWork(hub, list);
      const rows = list.map((s) => ({ ...s, folder: work.get(s.id)?.folder ?? null, task: work.get(s.id)?.task ?? null, workfile: work.get(s.id)?.workfile ?? null }));
      if (values.json) printJson(ctx, rows);
      else if (list.length === 0) print(ctx, 'no sessions (start one with: dcc-kit launch harmony)');
      else {
        print(ctx, table([['ID', 'DCC', 'PID', 'FOLDER', 'TASK', 'WORKFILE', 'CONNECTED', 'SCENE'], ...rows.map((s) => [
          s.id, s.dcc, String(s.pid ?? '-'), s.folder ?? '-', s.task ?? '-', s.workfile ? path.basename(s.workfile) : '-',
          s.connected ? 'yes' : 'reconnecting', s.scene ?? '-',
        ])]).trimEnd());
      }
      return 0;
    } finally {
      hub.close();
    }
  },
};

const CALL_USAGE = `usage: dcc-kit call <session-or-dcc> <function> [json-args] [--timeout MS] [--json]
       dcc-kit call <session-or-dcc> --request <name> [json-args] [--timeout MS] [--json]
       dcc-kit call <session-or-dcc> --script <source> [--timeout MS] [--json]`;

export const callCommand: CliCommand = {
  name: 'call',
  summary: 'call a function or named request in a DCC session',
  help: `${CALL_USAGE}

<session-or-dcc> is a session id, a unique prefix of one (4 characters or more, as git takes commit ids;
see dcc-kit sessions), or a DCC name (the newest session of it).
<function> is an expression that evaluates to a function in the DCC (e.g. node.subNodes); it is called
with json-args as ONE argument. Prints the result as JSON. Example:
  dcc-kit call harmony node.subNodes '"Top"'
--script evaluates <source> in the DCC for its side effects and always prints null (the protocol, like
AYON's, returns no value for a script). To get a value back, call a function expression instead:
  dcc-kit call harmony '(function () { return scene.getFrameRate(); })'
`,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      request: { type: 'string' }, script: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' },
    }, CALL_USAGE);
    const [target, ...rest] = positionals;
    if (!target) throw new UsageError(CALL_USAGE);
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout takes a number of milliseconds above 0');
    let body: { function: string; args?: unknown } | { request: string; args?: unknown } | { script: string };
    if (typeof values.script === 'string' && typeof values.request === 'string') throw new UsageError(`give --script or --request, not both\n${CALL_USAGE}`);
    if (typeof values.script === 'string') {
      if (rest.length) throw new UsageError(`--script takes no other arguments\n${CALL_USAGE}`);
      body = { script: values.script };
    } else if (typeof values.request === 'string') {
      if (rest.length > 1) throw new UsageError(CALL_USAGE);
      body = rest.length ? { request: values.request, args: parseJsonArg(rest[0], 'json-args') } : { request: values.request };
    } else {
      const [fn, argText, ...extra] = rest;
      if (!fn || extra.length) throw new UsageError(CALL_USAGE);
      body = argText === undefined ? { function: fn } : { function: fn, args: parseJsonArg(argText, 'json-args') };
    }
    const { hub } = await client(ctx);
    try {
      let result: unknown;
      try {
        result = await hub.callRaw(target, body, timeout ? { timeout } : {});
      } catch (err) {
        // An error raised in the DCC: its own traceback (e.g. Python's) is what the user needs.
        if (!(err instanceof RemoteError) || !err.remoteStack) throw err;
        if (values.json) printJson(ctx, { error: { code: err.code, name: err.name, message: err.message, stack: err.remoteStack } });
        ctx.stderr.write(`dcc-kit call: ${err.name}: ${err.message}\n${err.remoteStack.trimEnd()}\n`);
        return 1;
      }
      if (values.json) printJson(ctx, { result: result ?? null });
      else print(ctx, JSON.stringify(result ?? null, null, 2));
      return 0;
    } finally {
      hub.close();
    }
  },
};
