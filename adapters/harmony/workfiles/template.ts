/**
 * Workfile names from `harmony.workfiles.template`, e.g. `{name}_v{version:03}.zip`:
 *   format({ name: 'sh010_anim', version: 4 }) -> 'sh010_anim_v004.zip'
 *   parse('sh010_anim_v004.zip')             -> { name: 'sh010_anim', version: 4 }
 * Fields: {name} (any text without a path separator) and {version} or {version:0N} (zero-padded to N digits).
 * A template may spell the name out of the context instead: `{folder_name}_{task}_v{version:03}.zip` (also
 * {project}). The run of such fields (from the first to the last, with the text between) is the name of the
 * workfile: versions group by it, and a shot's first workfile gets it from the context (`nameFor`).
 */
import { WorkfileNameError } from './errors.ts';

export interface WorkfileName {
  name: string;
  version: number;
}

export interface WorkfileTemplate {
  readonly source: string;
  /** The name of a shot's first workfile, from the context: sh010_anim for folder shots/sh010 and task anim. */
  nameFor(context: { folder?: string | null; task?: string | null; project?: string | null }): string;
  format(fields: WorkfileName): string;
  /** The fields of a file name (no folder), or null when the name does not follow the template. */
  parse(fileName: string): WorkfileName | null;
}

const FIELD = /\{(name|version)(?::0(\d))?\}/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const NAME_FIELDS = /\{(name|folder_name|task|project)\}/g;

/** `{folder_name}_{task}_v{version:03}.zip` -> `{name}_v{version:03}.zip` and the name run `{folder_name}_{task}`. */
function nameRun(source: string): { compiled: string; run: string } | null {
  const found = [...source.matchAll(NAME_FIELDS)];
  if (!found.length) return null;
  const start = found[0]!.index!;
  const end = found.at(-1)!.index! + found.at(-1)![0].length;
  const run = source.slice(start, end);
  return { compiled: `${source.slice(0, start)}{name}${source.slice(end)}`, run };
}

export function compileTemplate(original: string): WorkfileTemplate {
  const bad = (why: string) => new WorkfileNameError(`harmony.workfiles.template "${original}" ${why}. `
    + 'Use something like "{name}_v{version:03}.zip" or "{folder_name}_{task}_v{version:03}.zip" in .dcckitrc.');
  if (!original.toLowerCase().endsWith('.zip')) throw bad('must end in .zip (Harmony workfiles are zip archives)');
  if (/[\\/]/.test(original)) throw bad('must be a file name, without folders');
  if ([...original.matchAll(NAME_FIELDS)].some((m, i, all) => all.findIndex((x) => x[1] === m[1]) !== i)) throw bad('uses a name field twice');
  const split = nameRun(original) ?? { compiled: original, run: '{name}' };
  if (/\{version/.test(split.run)) throw bad('must keep {version} apart from the name fields ({name}, {folder_name}, {task}, {project})');
  const source = split.compiled;
  let pattern = '^';
  let last = 0;
  let pad = 0;
  const seen = new Set<string>();
  for (const m of source.matchAll(FIELD)) {
    if (seen.has(m[1]!)) throw bad(`uses {${m[1]}} twice`);
    seen.add(m[1]!);
    pattern += escapeRegExp(source.slice(last, m.index));
    if (m[1] === 'name') pattern += '([^/\\\\]+?)';
    else {
      pad = m[2] ? Number(m[2]) : 0;
      pattern += pad ? `(\\d{${pad},})` : '(\\d+)';
    }
    last = m.index! + m[0].length;
  }
  pattern += `${escapeRegExp(source.slice(last))}$`;
  if (!seen.has('name') || !seen.has('version')) throw bad('must contain both {name} (or {folder_name}, {task}) and {version}');
  if (/[{}]/.test(source.replace(FIELD, ''))) throw bad('has an unknown field (only {name} and {version} or {version:03} exist)');
  const order = [...source.matchAll(FIELD)].map((m) => m[1]!);
  const regex = new RegExp(pattern, 'i');

  return {
    source: original,
    nameFor(context) {
      const folderName = context.folder ? context.folder.split(/[\\/]/).filter(Boolean).at(-1) ?? '' : '';
      const task = context.task ?? '';
      const values: Record<string, string> = {
        folder_name: folderName, task, project: context.project ?? '',
        name: [folderName, task].filter(Boolean).join('_'),
      };
      const name = split.run.replace(NAME_FIELDS, (_, f: string) => values[f]!);
      if (!name || /[\\/]/.test(name)) throw new WorkfileNameError(`The context (folder ${context.folder ?? 'unset'}, task ${context.task ?? 'unset'}) gives no workfile name for "${original}": set context.folder and context.task in the shot's .dcckitrc.`);
      return name;
    },
    format({ name, version }) {
      if (!Number.isInteger(version) || version < 0) throw new WorkfileNameError(`A workfile version must be a whole number (got ${version}).`);
      return source.replace(FIELD, (_, field: string) => field === 'name' ? name : String(version).padStart(pad, '0'));
    },
    parse(fileName) {
      const m = regex.exec(fileName);
      if (!m) return null;
      const values: Record<string, string> = {};
      order.forEach((field, i) => { values[field] = m[i + 1]!; });
      const version = Number(values.version);
      return Number.isSafeInteger(version) ? { name: values.name!, version } : null;
    },
  };
}
