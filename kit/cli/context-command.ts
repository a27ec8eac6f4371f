/** `dcc-kit context`: the project context seen from here (or from a session's workfile) and where each value comes from. */
import type { CliCommand, CliContext } from './types.ts';
import { UsageError } from '../errors.ts';
import { loadConfig } from '../config.ts';
import { connectHub } from '../hub/client.ts';
import { CONTEXT_KEYS, resolveContext, type ResolvedContext } from '../context.ts';
import { parse, print, printJson, table } from './args.ts';

const USAGE = 'dcc-kit context [--folder F] [--task T] [--project P] [--session ID] [--json]';

const HELP = `usage: ${USAGE}

Prints the project context (project, folder, task, frame range, handles, fps, resolution, pixel aspect)
and, for each value, the file, flag or default it comes from. A frame range longer than context.maxFrames
(handles included; default 100,000) is an error naming the file and key.

The context is the "context:" section of .dcckitrc files, layered: every config file from the current
folder up to the filesystem root adds its context keys, the nearest file winning per key (so a project
root sets fps and resolution, a shot folder its folder and frames), over your user file and the defaults.

options:
  --folder F     use this folder (e.g. shots/sh010) instead of the configured one
  --task T       use this task
  --project P    use this project
  --session ID   the context of a Harmony session (resolved from its workfile's folder, by the hub)
  --json         print {context, sources, files, maxFrames, maxFramesSource} as JSON
  --help, -h     this help

exit status: 0 ok, 1 invalid configuration (the message names the file and key) or no such session, 2 usage
`;

function render(r: ResolvedContext): string {
  const rows = CONTEXT_KEYS.map((k) => [k, r.context[k] === null ? '(not set)' : typeof r.context[k] === 'string' ? r.context[k] as string : JSON.stringify(r.context[k]), r.sources[k]]);
  // A limit, not a value of the shot: an older hub's answer may not have it.
  if (r.maxFrames !== undefined) rows.push(['maxFrames', String(r.maxFrames), r.maxFramesSource]);
  return table([['KEY', 'VALUE', 'SOURCE'], ...rows]);
}

export const contextCommand: CliCommand = {
  name: 'context',
  summary: 'show the project context and where each value comes from',
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, {
      json: { type: 'boolean' }, folder: { type: 'string' }, task: { type: 'string' }, project: { type: 'string' }, session: { type: 'string' },
    }, USAGE);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
    const overrides = {
      ...(values.folder !== undefined ? { folder: values.folder as string } : {}),
      ...(values.task !== undefined ? { task: values.task as string } : {}),
      ...(values.project !== undefined ? { project: values.project as string } : {}),
    };
    let resolved: ResolvedContext;
    if (values.session !== undefined) {
      const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
      const hub = await connectHub({ home: config.home, env: ctx.env, callTimeout: config.hub.callTimeout });
      try {
        resolved = await hub.adapter('harmony', 'context.resolve', { session: values.session, ...overrides }) as ResolvedContext;
      } finally {
        hub.close();
      }
    } else {
      resolved = await resolveContext({ cwd: ctx.cwd, env: ctx.env, overrides });
    }
    if (values.json) printJson(ctx, resolved);
    else print(ctx, render(resolved) + (resolved.files.length ? '' : '\n(no .dcckitrc sets a context here: these are the defaults)'));
    return 0;
  },
};
