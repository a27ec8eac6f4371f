/**
 * Workfile names from `harmony.workfiles.template`, e.g. `{name}_v{version:03}.zip`:
 *   format({ name: 'sh010_anim', version: 4 }) -> 'sh010_anim_v004.zip'
 *   parse('sh010_anim_v004.zip')             -> { name: 'sh010_anim', version: 4 }
 * Fields: {name} (any text without a path separator) and {version} or {version:0N} (zero-padded to N digits).
 */
import { WorkfileNameError } from './errors.ts';

export interface WorkfileName {
  name: string;
  version: number;
}

export interface WorkfileTemplate {
  readonly source: string;
  format(fields: WorkfileName): string;
  /** The fields of a file name (no folder), or null when the name does not follow the template. */
  parse(fileName: string): WorkfileName | null;
}

const FIELD = /\{(name|version)(?::0(\d))?\}/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileTemplate(source: string): WorkfileTemplate {
  const bad = (why: string) => new WorkfileNameError(`harmony.workfiles.template "${source}" ${why}. `
    + 'Use something like "{name}_v{version:03}.zip" in .dcckitrc.');
  if (!source.toLowerCase().endsWith('.zip')) throw bad('must end in .zip (Harmony workfiles are zip archives)');
  if (/[\\/]/.test(source)) throw bad('must be a file name, without folders');
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
  if (!seen.has('name') || !seen.has('version')) throw bad('must contain both {name} and {version}');
  if (/[{}]/.test(source.replace(FIELD, ''))) throw bad('has an unknown field (only {name} and {version} or {version:03} exist)');
  const order = [...source.matchAll(FIELD)].map((m) => m[1]!);
  const regex = new RegExp(pattern, 'i');

  return {
    source,
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
