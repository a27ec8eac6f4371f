/** Argument parsing shared by the CLI commands (node:util parseArgs with usage errors that say what is wrong). */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from '../errors.ts';
import type { CliContext } from './types.ts';

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: ParseArgsOptionsConfig, usage: string): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify a positional.*$/s, '')}\nusage: ${usage}`);
  }
}

export function print(ctx: CliContext, text: string): void {
  ctx.stdout.write(text.endsWith('\n') ? text : text + '\n');
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
