import type { Writable } from 'node:stream';

/** What every CLI command receives. Commands never touch process.* directly so tests can run them in-process. */
export interface CliContext {
  /** Arguments after the command name (e.g. for `dcc-kit farm jobs --json`: ["jobs", "--json"]). */
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a TTY: progress bars may be drawn. */
  interactive: boolean;
}

/** A top-level command of `dcc-kit`. `run` resolves to the exit code: 0 ok, 1 failure, 2 usage. Throw UsageError for usage problems. */
export interface CliCommand {
  name: string;
  /** One line for `dcc-kit --help`. */
  summary: string;
  /** Full help text printed by `dcc-kit <name> --help`. Must be true to what the command accepts. */
  help: string;
  /** Help that depends on where it runs (e.g. the creators of the current folder's project); `help` when it fails. */
  helpFor?(ctx: Omit<CliContext, 'argv'>): Promise<string>;
  run(ctx: CliContext): Promise<number>;
  /** Arguments after the first positional belong to something else (a script): --help/--json there are not ours. */
  passThrough?: boolean;
}
