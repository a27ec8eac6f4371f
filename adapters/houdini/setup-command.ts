/**
 * `dcc-kit houdini-setup`: the Houdini setup for places `dcc-kit install houdini` does not reach: the
 * package file for a site or studio packages folder, or (--classic) the houdini.env lines that put the
 * kit on HOUDINI_PATH so its scripts/python/pythonrc.py and scripts/123.py run.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand, CliContext } from '../../kit/cli/types.ts';
import { parse, print, printJson } from '../../kit/cli/args.ts';
import { DccKitError, UsageError } from '../../kit/errors.ts';
import { HoudiniInstallError, isOurPackage, packageJsonFor } from './install.ts';
import { writeAtomic } from '../../kit/write-atomic.ts';
import { HOUDINI_SCRIPTS_DIR, forwardSlashes } from './paths.ts';

const USAGE = 'dcc-kit houdini-setup [--classic] [--write FILE [--remove]] [--json]';

const BEGIN = '# >>> dcc-kit';
const END = '# <<< dcc-kit';

/** The variables of the classic setup, in houdini.env syntax order. */
export function classicVariables(platform: NodeJS.Platform = process.platform): Record<string, string> {
  const sep = platform === 'win32' ? ';' : ':';
  return {
    DCC_KIT_HOUDINI_ROOT: forwardSlashes(HOUDINI_SCRIPTS_DIR),
    // `&` is Houdini's default path; $HOUDINI_PATH keeps what the environment or a line above set.
    HOUDINI_PATH: `$DCC_KIT_HOUDINI_ROOT${sep}$HOUDINI_PATH${sep}&`,
  };
}

/** The marked block written into houdini.env. */
export function classicBlock(platform: NodeJS.Platform = process.platform, eol = '\n'): string {
  const lines = [
    `${BEGIN} (written by dcc-kit houdini-setup --classic; remove with --remove)`,
    '# Runs the kit\'s scripts/python/pythonrc.py in every Houdini and its scripts/123.py at start without',
    '# a scene. If HOUDINI_SCRIPT_PATH is set, it must include @/scripts (or $DCC_KIT_HOUDINI_ROOT/scripts).',
    ...Object.entries(classicVariables(platform)).map(([k, v]) => `${k} = "${v}"`),
    END,
  ];
  return lines.join(eol) + eol;
}

/** `text` without our block. */
function withoutBlock(text: string): { text: string; found: boolean } {
  const start = text.indexOf(BEGIN);
  if (start < 0) return { text, found: false };
  const endAt = text.indexOf(END, start);
  if (endAt < 0) throw new HoudiniInstallError(`the dcc-kit block in the file starts with "${BEGIN}" but has no "${END}" line; fix it by hand`);
  let end = endAt + END.length;
  if (text.startsWith('\r\n', end)) end += 2;
  else if (text[end] === '\n') end += 1;
  return { text: text.slice(0, start) + text.slice(end), found: true };
}

/** A typo in --write must not create folders: the folder has to be there already. */
function assertFolderExists(file: string): void {
  const dir = path.dirname(file);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new HoudiniInstallError(`the folder ${dir} does not exist: create it first (Houdini makes its preference folder, e.g. ~/houdini20.5, when it first starts)`);
  }
}

/** Puts our block into a houdini.env (replacing an earlier one, keeping everything else), or takes it out. */
export async function updateHoudiniEnv(file: string, remove: boolean, platform: NodeJS.Platform = process.platform): Promise<'written' | 'removed' | 'unchanged'> {
  let existing = '';
  try {
    existing = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (remove) return 'unchanged';
  }
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const { text: rest, found } = withoutBlock(existing);
  if (remove) {
    if (!found) return 'unchanged';
    // A file that held nothing but our block was made by dcc-kit: it goes, as a package file does.
    if (rest.trim() === '') await fsp.rm(file);
    else await writeAtomic(file, rest);
    return 'removed';
  }
  const separator = rest === '' || rest.endsWith('\n') ? '' : eol;
  assertFolderExists(file);
  await writeAtomic(file, rest + separator + classicBlock(platform, eol));
  return 'written';
}

async function writePackage(file: string, remove: boolean): Promise<'written' | 'removed' | 'unchanged'> {
  const exists = fs.existsSync(file);
  if (exists && !isOurPackage(file)) {
    throw new HoudiniInstallError(`${file} exists and was not written by dcc-kit; choose another file name`);
  }
  if (remove) {
    if (!exists) return 'unchanged';
    await fsp.rm(file);
    return 'removed';
  }
  if (!file.toLowerCase().endsWith('.json')) throw new UsageError(`${file}: Houdini reads package files only with a .json extension`);
  assertFolderExists(file);
  await writeAtomic(file, packageJsonFor());
  return 'written';
}

export const houdiniSetupCommand: CliCommand = {
  name: 'houdini-setup',
  summary: 'print or write the Houdini package file, or the classic houdini.env setup (--classic)',
  help: `usage: ${USAGE}

Without --classic: prints the dcc-kit Houdini package file (the one \`dcc-kit install houdini\` writes
into each Houdini preference folder), for a site or studio packages folder (one named by
HOUDINI_PACKAGE_DIR, or $HSITE/houdiniX.Y/packages). With --write FILE (a .json file) it is written
there, without a BOM (Houdini ignores package files that have one).

--classic: prints the houdini.env lines for the classic setup instead: DCC_KIT_HOUDINI_ROOT and
HOUDINI_PATH with the kit folder in front (keeping $HOUDINI_PATH and Houdini's defaults, "&"), which
runs the kit's scripts/python/pythonrc.py in every Houdini and its scripts/123.py (which also runs the
123 script it hides). With --write FILE (e.g. ~/houdini20.5/houdini.env) the lines are put into FILE
between "${BEGIN}" and "${END}", replacing an earlier copy and keeping the rest of the file.

--remove (with --write): takes our block out of FILE (--classic), or deletes FILE if dcc-kit wrote it.
--json: prints {mode, text, variables?, file?, action?}.

\`dcc-kit launch houdini\` and \`dcc-kit houdini-batch\` need none of this.
`,
  async run(ctx: CliContext) {
    const { values, positionals } = parse(ctx.argv, {
      classic: { type: 'boolean' }, write: { type: 'string' }, remove: { type: 'boolean' }, json: { type: 'boolean' },
    }, USAGE);
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}\nusage: ${USAGE}`);
    if (values.remove && values.write === undefined) throw new UsageError(`--remove needs --write FILE\nusage: ${USAGE}`);
    const classic = Boolean(values.classic);
    const text = classic ? classicBlock() : packageJsonFor();
    const out: Record<string, unknown> = { mode: classic ? 'classic' : 'package', text };
    if (classic) out.variables = classicVariables();
    if (values.write !== undefined) {
      const file = path.resolve(ctx.cwd, values.write as string);
      let action: string;
      try {
        action = classic ? await updateHoudiniEnv(file, Boolean(values.remove)) : await writePackage(file, Boolean(values.remove));
      } catch (err) {
        if (err instanceof DccKitError) throw err;
        throw new HoudiniInstallError(`cannot update ${file}: ${(err as Error).message}`);
      }
      out.file = file;
      out.action = action;
      if (values.json) printJson(ctx, out);
      else print(ctx, `${action === 'unchanged' ? 'nothing to change in' : action} ${file}`);
      return 0;
    }
    if (values.json) printJson(ctx, out);
    else ctx.stdout.write(text);
    return 0;
  },
};
