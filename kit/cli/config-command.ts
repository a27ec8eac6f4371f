/** `dcc-kit config`: the resolved configuration, and for each value the file, variable or default it came from. */
import type { CliCommand, CliContext } from './types.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { loadConfig } from '../config.ts';
import { CONFIG_LEAVES, describeExpected, isPlainObject } from '../../config/schema.ts';
import { parse, print, printJson, table } from './args.ts';
import { forTerminal } from './terminal-text.ts';

const USAGE = 'dcc-kit config [--json]';

function keyReference(): string {
  const rows = CONFIG_LEAVES.map(({ keyPath, spec }) => [`  ${keyPath}`, describeExpected(spec), spec.doc + (spec.env ? ` (env ${spec.env})` : '')]);
  return table(rows);
}

const HELP = `usage: ${USAGE}

Prints the resolved configuration: every key, its value, and where that value comes from
(a file path, "env <VARIABLE>", or "default").

options:
  --json      print {config, sources, files} as JSON (and extensionProblems: studio plugin, creator or
              loader files that could not be loaded, when there are some)
  --help, -h  this help

Where values come from, later ones overriding earlier ones (objects merge key by key, lists replace):
  1. defaults
  2. the user file: the first of .dcckitrc (YAML or JSON), .dcckitrc.json, .dcckitrc.yaml, .dcckitrc.yml,
     .dcckitrc.{js,ts,cjs,mjs}, dcckit.config.{js,ts,cjs,mjs} or the "dcckit" key of package.json in your
     home directory (or under its .config/ folder); else config.yaml (or config, config.json, config.yml,
     config.js, ...) in $XDG_CONFIG_HOME/dcckit (~/.config/dcckit; macOS ~/Library/Preferences/dcckit;
     Windows %APPDATA%\\dcckit\\Config)
  3. project files: each of the same names found in a folder from the current one up to your home
     directory, the nearer overriding the farther (a project root sets the store, a shot folder its context)
  4. environment variables (listed with their keys below; an empty variable counts as unset)

In path values "~" is your home directory, and a relative path is relative to the folder of the file
that sets it (to the current folder for an environment variable); an executable given as a bare name
is looked up on PATH. A top-level section named after a package listed under "adapters" is accepted
as that adapter's section (it must be a mapping; its keys are the adapter's business).

keys:
${keyReference()}
exit status: 0 ok, 1 invalid configuration (the message names the file or variable and the key), 2 usage
`;

/** Every leaf of the resolved config with its dotted key, in config order (the order of the schema). */
function leaves(value: Record<string, unknown>, prefix = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  for (const [key, child] of Object.entries(value)) {
    const keyPath = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(child) && Object.keys(child).length > 0) leaves(child, keyPath, out);
    else out.push([keyPath, child]);
  }
  return out;
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

export const configCommand: CliCommand = {
  name: 'config',
  summary: 'print the resolved configuration and where each value comes from',
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' } }, USAGE);
    if (values.help) {
      print(ctx, HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);

    let resolved;
    try {
      resolved = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (values.json) printJson(ctx, { error: { code: err.code, message: err.message, file: err.file ?? null, key: err.keyPath ?? null } });
      ctx.stderr.write(forTerminal(ctx.stderr, `dcc-kit config: ${err.message}\n`));
      return 1;
    }

    // Studio extensions (publish.plugins, <adapter>.creators/.loaders) that name files which cannot be used.
    const { extensionSetsFor } = await import('../plugins/here.ts');
    // (An adapter package that does not load is the launch's and the hub's business, not reported here.)
    const { sets } = await extensionSetsFor(resolved, ctx.cwd);
    const problems = sets.flatMap((s) => s.problems);
    if (values.json) {
      printJson(ctx, problems.length ? { ...resolved, extensionProblems: problems } : resolved);
      return 0;
    }
    const rows = [['key', 'value', 'source'], ...leaves(resolved.config).map(([key, value]) => [key, formatValue(value), resolved.sources[key] ?? '?'])];
    const files = resolved.files.length
      ? `\nfiles (later ones override earlier ones):\n${resolved.files.map(f => `  ${f}\n`).join('')}`
      : '\nno config file found: defaults and environment variables only\n';
    ctx.stdout.write(forTerminal(ctx.stdout, table(rows) + files));
    if (problems.length) {
      ctx.stdout.write(forTerminal(ctx.stdout, `\nstudio extensions not loaded (the rest works; dcc-kit plugins lists what is in effect):\n${problems.map((p) => `  ${p.file}: ${p.error} (${p.key})`).join('\n')}\n`));
    }
    return 0;
  },
};
