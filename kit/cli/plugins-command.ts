/** `dcc-kit plugins`: every publish plugin, creator and loader in effect for the current folder's project. */
import type { CliCommand, CliContext } from './types.ts';
import { UsageError } from '../errors.ts';
import { loadConfig } from '../config.ts';
import { parse, print, printJson, table } from './args.ts';
import { extensionSetsFor } from '../plugins/here.ts';
import { describeProblems } from '../plugins/set.ts';
import type { ExtensionRecord } from '../adapter.ts';

const USAGE = 'dcc-kit plugins [--json]';

const HELP = `usage: ${USAGE}

Lists what a publish, a create and a load use in the current folder's project, for every adapter that
takes part: the built-in ones and a studio's own, from .dcckitrc (layered like every key; paths relative
to the file that names them; npm package names are looked up from that file's folder):
  publish.plugins        publish plugins: module files (.ts, .mts, .mjs, .js), folders of them, packages
  publish.disable        labels of plugins that do not run (built-in or studio)
  publish.pluginTimeout  milliseconds a studio plugin may run before its result fails
  <adapter>.creators     creators (e.g. harmony.creators)
  <adapter>.loaders      loaders (e.g. harmony.loaders)
A studio plugin with a built-in's label replaces it; a studio creator or loader with a built-in's name
replaces it. A file that cannot be used (missing, a syntax error, a throw at import, no export, a wrong
shape) is listed under "not loaded" with its path and the reason; everything else still works.
How to write each kind: docs/ARCHITECTURE.md, "Extending dcc-kit"; an example: examples/studio-pipeline/.

options:
  --json      print { adapters: [{ adapter, plugins, creators, loaders, problems }] }
  --help, -h  this help

exit status: 0 ok, 1 some studio extension could not be loaded (listed), 2 usage
`;

function where(r: { source: string | null; builtIn: boolean }): string {
  return `${r.builtIn ? 'built-in' : 'studio'}${r.source ? `  ${r.source}` : ''}`;
}

function recordJson(r: ExtensionRecord & { builtIn: boolean }): Record<string, unknown> {
  const x = r as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { name: r.name, label: r.label, source: r.source ?? null, builtIn: r.builtIn };
  for (const k of ['family', 'families', 'representations', 'description']) if (x[k] !== undefined) out[k] = x[k];
  return out;
}

export const pluginsCommand: CliCommand = {
  name: 'plugins',
  summary: 'list the publish plugins, creators and loaders in effect here (built-in and studio)',
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' } }, USAGE);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
    const resolved = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const { sets, adapterErrors } = await extensionSetsFor(resolved, ctx.cwd);
    const failed = adapterErrors.length > 0 || sets.some((s) => s.problems.length > 0);
    if (values.json) {
      printJson(ctx, {
        adapters: sets.map((s) => ({ adapter: s.adapter, plugins: s.pluginEntries, creators: s.creators.map(recordJson), loaders: s.loaders.map(recordJson), problems: s.problems })),
        adapterErrors,
      });
      return failed ? 1 : 0;
    }
    for (const s of sets) {
      print(ctx, `${s.adapter}: publish plugins`);
      print(ctx, table([['ORDER', 'LABEL', 'FAMILIES', 'STATE', 'FROM'], ...s.pluginEntries.map((p) => [p.order.toFixed(2), p.label, p.families.join(','), p.state, where(p)])]));
      print(ctx, `\n${s.adapter}: creators`);
      print(ctx, table([['NAME', 'LABEL', 'FAMILY', 'FROM'], ...s.creators.map((c) => [c.name, c.label, String((c as unknown as { family?: string }).family ?? ''), where(c)])]));
      print(ctx, `\n${s.adapter}: loaders`);
      print(ctx, table([['NAME', 'LABEL', 'PRODUCT TYPES', 'FROM'], ...s.loaders.map((l) => [l.name, l.label, ((l as unknown as { families?: string[] }).families ?? []).join(','), where(l)])]));
      if (s.problems.length) {
        print(ctx, `\n${s.adapter}: not loaded`);
        for (const line of describeProblems(s.problems)) print(ctx, `  ${line}`);
      }
      print(ctx, '');
    }
    for (const e of adapterErrors) ctx.stderr.write(`dcc-kit plugins: ${e}\n`);
    if (failed) ctx.stderr.write('dcc-kit plugins: some studio extensions could not be loaded (listed above); the others and the built-ins work\n');
    return failed ? 1 : 0;
  },
};
