/** `dcc-kit blender <action>`: Blender workfiles and pipeline from a terminal, through the hub. */
import type { CliCommand, CliContext } from '../../kit/cli/types.ts';
import { parse, print, printJson, table } from '../../kit/cli/args.ts';
import { UsageError } from '../../kit/errors.ts';
import { connectHub } from '../../kit/hub/client.ts';
import { loadConfig } from '../../kit/config.ts';

const USAGE = `usage: dcc-kit blender save [--version-up] [--to FILE.blend] [--session ID] [--json]
       dcc-kit blender workfiles [--session ID] [--json]`;

async function hubFor(ctx: CliContext) {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  return connectHub({ home: config.home, env: ctx.env });
}

type Action = (ctx: CliContext, argv: string[]) => Promise<number>;

const ACTIONS: Record<string, Action> = {
  async save(ctx, argv) {
    const { values, positionals } = parse(argv, { 'version-up': { type: 'boolean' }, to: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length) throw new UsageError(USAGE);
    if (values.to && values['version-up']) throw new UsageError(`give --to or --version-up, not both\n${USAGE}`);
    const hub = await hubFor(ctx);
    try {
      const r = await hub.adapter('blender', 'workfile.save', { session: values.session, versionUp: Boolean(values['version-up']), to: values.to ? String(values.to) : undefined }) as { dest: string; version?: number };
      if (values.json) printJson(ctx, r);
      else print(ctx, `saved ${r.dest}`);
      return 0;
    } finally {
      hub.close();
    }
  },
  async workfiles(ctx, argv) {
    const { values, positionals } = parse(argv, { session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length) throw new UsageError(USAGE);
    const hub = await hubFor(ctx);
    try {
      const r = await hub.adapter('blender', 'workfile.list', { session: values.session }) as { workfile: string | null; versions: { file: string; version: number; size: number }[] };
      if (values.json) printJson(ctx, r);
      else print(ctx, `${r.workfile ? `open: ${r.workfile}` : 'open: (not saved)'}\n${table(r.versions.map((v) => [`v${v.version}`, v.file, `${v.size} bytes`])).trimEnd()}`);
      return 0;
    } finally {
      hub.close();
    }
  },
};

export const blenderCommand: CliCommand = {
  name: 'blender',
  summary: 'Blender workfiles and pipeline: save, version up, create, publish, load, inventory',
  help: `${USAGE}

Works on the newest connected Blender session (--session ID: another one; dcc-kit sessions lists them).
  save               save the open .blend (refused when another Blender has the same file open)
  save --version-up  save as the next version in the workfile's folder, named from the context
                     (blender.workfileTemplate, e.g. sh020_layout_v002.blend)
  save --to FILE     save as FILE.blend
  workfiles          the open workfile and the versions beside it
Exit status: 0 done, 1 failure (no Blender connected, Blender refused), 2 usage.
`,
  async run(ctx) {
    const [action, ...rest] = ctx.argv;
    const fn = action ? ACTIONS[action] : undefined;
    if (!fn) throw new UsageError(action ? `unknown action "${action}"\n${USAGE}` : USAGE);
    return fn(ctx, rest);
  },
};
