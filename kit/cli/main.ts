/** The dcc-kit command line: a registry of commands, each loaded only when it runs. */
import type { CliCommand, CliContext } from './types.ts';
import { DccKitError, UsageError } from '../errors.ts';
import { KIT_VERSION } from '../version.ts';
import { forTerminal } from './terminal-text.ts';
import { own } from '../own.ts';

interface Entry { summary: string; load(): Promise<CliCommand> }

const COMMANDS: Record<string, Entry> = {
  hub: { summary: 'start, inspect or stop the per-user hub', load: async () => (await import('./hub-command.ts')).hubCommand },
  sessions: { summary: 'list the DCC sessions connected to the hub', load: async () => (await import('./session-commands.ts')).sessionsCommand },
  call: { summary: 'call a function or named request in a DCC session', load: async () => (await import('./session-commands.ts')).callCommand },
  config: { summary: 'print the resolved configuration and where each value comes from', load: async () => (await import('./config-command.ts')).configCommand },
  launch: { summary: 'start a DCC connected to the hub (harmony, houdini, ...)', load: async () => (await import('./launch-command.ts')).launchCommand },
  install: { summary: 'install (or --uninstall) the startup scripts of a DCC for this user', load: async () => (await import('./install-command.ts')).installCommand },
  farm: { summary: 'submit and manage Afanasy render farm jobs', load: async () => (await import('./farm-entry.ts')).farmCommand },
  context: { summary: 'show the project context and where each value comes from', load: async () => (await import('./context-command.ts')).contextCommand },
  ingest: { summary: 'bring a plate, background, sound or palette into the product store as a new version', load: async () => (await import('./ingest-command.ts')).ingestCommand },
  products: { summary: 'list products and versions in the product store (prune incomplete ones)', load: async () => (await import('./products-command.ts')).productsCommand },
  plugins: { summary: 'list the publish plugins, creators and loaders in effect here (built-in and studio)', load: async () => (await import('./plugins-command.ts')).pluginsCommand },
  ui: { summary: "open the hub's web page on a view (or print its one-time URL)", load: async () => (await import('./ui-command.ts')).uiCommand },
};

/** Commands contributed by the built-in adapters (e.g. harmony's `workfile`), found by loading them. */
async function adapterCommands(): Promise<Record<string, Entry>> {
  const { AdapterRegistry, builtInAdapterNames } = await import('../adapter.ts');
  const registry = new AdapterRegistry();
  const out: Record<string, Entry> = {};
  for (const name of builtInAdapterNames()) {
    const adapter = await registry.find(name);
    for (const [cmd, entry] of Object.entries(adapter?.commands ?? {})) out[cmd] = entry;
  }
  return out;
}

async function mainHelp(): Promise<string> {
  const all = { ...COMMANDS, ...(await adapterCommands()) };
  const width = Math.max(...Object.keys(all).map((n) => n.length));
  const lines = Object.entries(all).map(([name, e]) => `  ${name.padEnd(width)}  ${e.summary}`);
  return `dcc-kit ${KIT_VERSION}: connects DCC applications to a studio pipeline

usage: dcc-kit <command> [options]      (dcc-kit <command> --help for details)

commands:
${lines.join('\n')}

options:
  --help, -h     this help
  --version, -v  print the version
`;
}

async function helpOf(command: CliCommand, ctx: Omit<CliContext, 'argv'>): Promise<string> {
  if (!command.helpFor) return command.help;
  try {
    return await command.helpFor(ctx);
  } catch {
    return command.help;
  }
}

export async function run(argv: string[], ctx: Omit<CliContext, 'argv'>): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const known = topic ? COMMANDS[topic] ?? (await adapterCommands())[topic] : undefined;
    if (known) {
      ctx.stdout.write(await helpOf(await known.load(), ctx));
      return 0;
    }
    if (topic) {
      ctx.stderr.write(`dcc-kit help: unknown command "${topic}"; the commands are listed below\n`);
      ctx.stdout.write(await mainHelp());
      return 2;
    }
    ctx.stdout.write(await mainHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    ctx.stdout.write(`${KIT_VERSION}\n`);
    return 0;
  }
  let json = rest.includes('--json');
  try {
    const entry = own(COMMANDS, name) ?? own(await adapterCommands(), name);
    if (!entry) throw new UsageError(`unknown command "${name}". Run dcc-kit --help for the list of commands`);
    const command = await entry.load();
    const firstPositional = rest.findIndex((a) => !a.startsWith('-'));
    const ours = command.passThrough && firstPositional >= 0 ? rest.slice(0, firstPositional) : rest;
    json = ours.includes('--json');
    if (ours.includes('--help') || ours.includes('-h')) {
      ctx.stdout.write(await helpOf(command, ctx));
      return 0;
    }
    return await command.run({ ...ctx, argv: rest });
  } catch (err) {
    const known = err instanceof DccKitError;
    // A usage error raised in the hub (a wrong creator, product or attribute) arrives with its code.
    const usage = err instanceof UsageError || (known && (err as DccKitError).code === 'USAGE');
    const message = known ? await (await import('../config.ts')).withTrueSources((err as Error).message, { cwd: ctx.cwd, env: ctx.env }) : `unexpected error: ${(err as Error)?.stack ?? String(err)}`;
    if (json) ctx.stdout.write(JSON.stringify({ error: { code: known ? (err as DccKitError).code : 'INTERNAL', message } }, null, 2) + '\n');
    ctx.stderr.write(forTerminal(ctx.stderr, `dcc-kit ${name}: ${message}\n`));
    return usage ? 2 : 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  return run(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    interactive: Boolean(process.stderr.isTTY),
  });
}
