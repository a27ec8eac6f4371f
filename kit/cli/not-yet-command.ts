/** A command registered before its implementation lands: says so instead of pretending. */
import type { CliCommand } from './types.ts';
import { DccKitError } from '../errors.ts';

export function notYetCommand(name: string, summary: string): CliCommand {
  return {
    name,
    summary,
    help: `usage: dcc-kit ${name}\n\n${summary}\n(not available yet in this version of dcc-kit)\n`,
    async run() { throw new DccKitError(`dcc-kit ${name} is not available yet in this version of dcc-kit`, 'NOT_AVAILABLE'); },
  };
}
