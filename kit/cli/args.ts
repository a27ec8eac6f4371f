/** Argument parsing shared by the CLI commands (node:util parseArgs with usage errors that say what is wrong). */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from '../errors.ts';
import type { CliContext } from './types.ts';
import { forTerminal } from './terminal-text.ts';

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: ParseArgsOptionsConfig, usage: string): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional.*$/s, '');
    throw new UsageError(`${message}${unknownOptionHint(message, Object.keys(options).concat('help'))}\nusage: ${usage}`);
  }
}

/** " (did you mean --json?)" for an unknown option close to a known one (a typo, a missing letter), else "". */
function unknownOptionHint(message: string, known: string[]): string {
  const match = /^Unknown option '--?([^'=]+)/.exec(message);
  if (!match) return '';
  const given = match[1];
  const best = known
    .map((name) => ({ name, d: name.toLowerCase() === given.toLowerCase() ? 0 : given.length >= 3 && name.startsWith(given) ? 1 : editDistance(name, given) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(given.length / 4)))
    .sort((a, b) => a.d - b.d)[0];
  return best ? ` (did you mean --${best.name}?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** Prints a line (or lines) of text; on a terminal, characters it would act on are shown escaped. */
export function print(ctx: CliContext, text: string): void {
  ctx.stdout.write(forTerminal(ctx.stdout, text.endsWith('\n') ? text : text + '\n'));
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Parses a JSON argument from the command line, saying which argument was wrong. */
export function parseJsonArg(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what} must be JSON (got ${JSON.stringify(text)}: ${(err as Error).message}). Quote strings: '"Top"'`);
  }
}

/** Left-aligned columns for human output. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}
