import type { CliCommand } from './types.ts';
import { parse, print, printJson, table } from './args.ts';
import { DccKitError, UsageError } from '../errors.ts';
import { loadConfig } from '../config.ts';
import { AdapterRegistry } from '../adapter.ts';

const USAGE = 'dcc-kit install <dcc> [--scripts-dir DIR] [--uninstall] [--dry-run] [--json]';

export const installCommand: CliCommand = {
  name: 'install',
  summary: 'install (or --uninstall) the startup scripts of a DCC for this user',
  help: `usage: ${USAGE}

harmony: writes the dcc-kit startup scripts into the per-user <MM>00-scripts folder of every Harmony
version/edition found (or --scripts-dir DIR). An existing TB_sceneOpened.js is kept and chained (it runs
first); --uninstall restores it exactly. Launches through dcc-kit work without an install.
houdini: writes the dcckit.json package into the packages folder of every Houdini preference folder
found (~/houdiniX.Y, ~/Documents/houdiniX.Y, ~/Library/Preferences/houdini/X.Y, HOUDINI_USER_PREF_DIR),
or into --scripts-dir DIR (a packages folder); --uninstall removes only that file. For the classic
HOUDINI_PATH/123.py setup see dcc-kit houdini-setup --classic.
blender: writes dcckit_startup.py into the startup folder of every Blender user scripts folder found
(~/.config/blender/X.Y/scripts and the like, or BLENDER_USER_SCRIPTS), or of --scripts-dir DIR (a
scripts folder); add-ons and other startup scripts are never touched; --uninstall removes only that file.
--dry-run prints what would change without touching anything.
`,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      'scripts-dir': { type: 'string' }, uninstall: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' },
    }, USAGE);
    const [dcc, ...extra] = positionals;
    if (!dcc || extra.length) throw new UsageError(`usage: ${USAGE}`);
    const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const adapter = await new AdapterRegistry(config.adapters, ctx.cwd).get(dcc);
    const fn = values.uninstall ? adapter.uninstall : adapter.install;
    if (!fn) throw new DccKitError(`the ${adapter.displayName} adapter has no ${values.uninstall ? 'uninstall' : 'install'} step`, 'NO_INSTALL');
    const result = await fn({
      targetDir: values['scripts-dir'] as string | undefined, env: ctx.env, dryRun: Boolean(values['dry-run']),
      homeDir: ctx.env.HOME ?? ctx.env.USERPROFILE,
    });
    if (values['dry-run']) result.actions = result.actions.map((a) => ({ ...a, action: wouldDo(a.action) }));
    if (values.json) printJson(ctx, result);
    else if (result.actions.length === 0) print(ctx, values.uninstall ? 'nothing to uninstall' : 'nothing to do');
    else print(ctx, (values['dry-run'] ? 'would do:\n' : '') + table(result.actions.map((a) => [a.action, a.path])).trimEnd());
    return 0;
  },
};

/** A dry run reports what it would do: "written" -> "would write", and so on (the adapters report what they did). */
export function wouldDo(action: string): string {
  const rules: [RegExp, string][] = [
    [/^written$/, 'would write'],
    [/^removed$/, 'would remove'],
    [/^restored from (.+)$/, 'would restore from $1'],
    [/^existing script kept as (\S+) and chained \(runs first\)$/, 'would keep the existing script as $1 and chain it (runs first)'],
    [/^left alone (.*)$/, 'would leave alone $1'],
  ];
  for (const [re, to] of rules) if (re.test(action)) return action.replace(re, to);
  return `would do: ${action}`;
}
