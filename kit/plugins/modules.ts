/**
 * Loading studio extension modules named in `.dcckitrc` (`publish.plugins`, `<adapter>.creators`,
 * `<adapter>.loaders`): files (.ts through Node's type stripping, .mts, .mjs, .js), folders of them, or npm
 * packages. A module exports one record or an array of them, as its default export or as a named export
 * (`plugins`, or the kind's own name: `creators`, `loaders`). Whatever goes wrong with one file (missing, a
 * syntax error, a throw or a hang at import, no usable export) is a problem naming the file and the reason;
 * it never stops the other files or the built-ins.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isModulePath } from '../../config/schema.ts';

/** One thing that could not be used, for the hub log, `dcc-kit config` and `dcc-kit plugins`. */
export interface ExtensionProblem {
  /** The module file (or the entry as written, for a package that is not installed). */
  file: string;
  /** The config key that named it, e.g. `publish.plugins`. */
  key: string;
  error: string;
}

/** One exported record, with the file it came from. */
export interface LoadedExport {
  file: string;
  value: unknown;
}

export const MODULE_EXTENSIONS = ['.ts', '.mts', '.mjs', '.js'];

/** A file in a plugin folder that is a module of its own (helpers start with `_`; declarations and tests are skipped). */
function isExtensionFile(name: string): boolean {
  if (name.startsWith('_') || name.startsWith('.') || name.endsWith('.d.ts') || /\.(test|spec)\.[mc]?[jt]s$/.test(name)) return false;
  return MODULE_EXTENSIONS.includes(path.extname(name));
}

/** The files an entry names: a file, the module files of a folder (sorted, recursively, no node_modules), or a package's entry. */
export async function filesOf(given: string, fromDir: string): Promise<{ files: string[]; problem?: string }> {
  if (!isModulePath(given)) return packageEntry(given, fromDir);
  const entry = given.startsWith('file:') ? fileURLToPath(given) : given;
  const st = await fsp.stat(entry).catch(() => null);
  if (!st) return { files: [], problem: 'does not exist' };
  if (!st.isDirectory()) {
    if (!MODULE_EXTENSIONS.includes(path.extname(entry))) return { files: [], problem: `is not a module (${MODULE_EXTENSIONS.join(', ')})` };
    return { files: [entry] };
  }
  const files = (await fsp.readdir(entry, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && isExtensionFile(e.name) && !path.relative(entry, e.parentPath).split(path.sep).includes('node_modules'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  return { files };
}

/** An npm package's ESM entry, found from the folder of the file that names it (node_modules upwards). */
async function packageEntry(name: string, fromDir: string): Promise<{ files: string[]; problem?: string }> {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const root = path.join(dir, 'node_modules', name);
    const manifest = await fsp.readFile(path.join(root, 'package.json'), 'utf8').catch(() => null);
    if (manifest !== null) {
      let pkg: { exports?: unknown; module?: string; main?: string };
      try {
        pkg = JSON.parse(manifest) as typeof pkg;
      } catch (err) {
        return { files: [], problem: `its package.json (${root}) is not JSON: ${(err as Error).message}` };
      }
      const main = exportTarget(pkg.exports) ?? pkg.module ?? pkg.main ?? 'index.js';
      const file = path.resolve(root, main);
      if (!fs.existsSync(file)) return { files: [], problem: `its entry ${file} does not exist` };
      return { files: [file] };
    }
    if (path.dirname(dir) === dir) break;
  }
  return { files: [], problem: `is not installed (searched node_modules from ${fromDir} upwards): run npm install ${name} in the project` };
}

function exportTarget(exp: unknown): string | null {
  if (typeof exp === 'string') return exp;
  if (!exp || typeof exp !== 'object') return null;
  const o = exp as Record<string, unknown>;
  if ('.' in o) return exportTarget(o['.']);
  for (const cond of ['import', 'node', 'default']) if (cond in o) return exportTarget(o[cond]);
  return null;
}

const imported = new Map<string, { stamp: string; value: Promise<Record<string, unknown>> }>();

/**
 * Imports a module once per version of the file (its mtime and size are in the URL, so an edited file is
 * read again by the next hub action without a restart). A module still importing after `timeoutMs` fails.
 */
async function importOnce(file: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const st = await fsp.stat(file);
  const stamp = `${st.mtimeMs}-${st.size}`;
  let hit = imported.get(file);
  if (!hit || hit.stamp !== stamp) {
    const url = `${pathToFileURL(file).href}?v=${stamp}`;
    hit = { stamp, value: import(url) as Promise<Record<string, unknown>> };
    imported.set(file, hit);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish importing within ${Math.round(timeoutMs / 100) / 10} s (a top-level await that never ends?)`)), timeoutMs);
  });
  try {
    return await Promise.race([hit.value, late]);
  } catch (err) {
    // A failed import is not cached by Node either: the next attempt reads the file again.
    imported.delete(file);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** "SyntaxError: Unexpected token (at plugin.ts:3:5)" from what import() threw. */
export function describeImportError(err: unknown, file: string): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const base = path.basename(file);
  const at = (e.stack ?? '').split('\n').map((l) => l.match(/([^\s(]+):(\d+):(\d+)\)?\s*$/)).find((m) => m && m[1]!.includes(base));
  const where = at ? ` (at ${base}:${at[2]}:${at[3]})` : '';
  const firstLine = e.message.split('\n')[0];
  return `${e.name === 'Error' ? '' : `${e.name}: `}${firstLine}${where}`;
}

/** The records a module exports: its default export, else `plugins`, else the export named after the kind. */
function exportedRecords(mod: Record<string, unknown>, named: string[]): unknown[] | null {
  for (const key of ['default', ...named]) {
    const v = mod[key];
    if (v === undefined) continue;
    return Array.isArray(v) ? v : [v];
  }
  return null;
}

export interface LoadModulesOptions {
  /** The config key, for messages. */
  key: string;
  /** Where npm package names are looked up from (the folder of the file that set the key). */
  fromDir: string;
  /** Named exports accepted besides `default` (e.g. ['plugins']). */
  named: string[];
  /** Longest a module may take to import. */
  timeoutMs: number;
}

export async function loadModules(entries: string[], opts: LoadModulesOptions): Promise<{ exports: LoadedExport[]; problems: ExtensionProblem[] }> {
  const exports: LoadedExport[] = [];
  const problems: ExtensionProblem[] = [];
  const listed = await Promise.all(entries.map(async (entry) => ({ entry, ...(await filesOf(entry, opts.fromDir)) })));
  const files: string[] = [];
  for (const l of listed) {
    if (l.problem) problems.push({ file: l.entry, key: opts.key, error: `${isModulePath(l.entry) ? 'the path' : 'the package'} ${l.problem}` });
    for (const f of l.files) if (!files.includes(f)) files.push(f);
  }
  const mods = await Promise.all(files.map(async (file) => {
    try {
      return { file, mod: await importOnce(file, opts.timeoutMs) };
    } catch (err) {
      return { file, error: describeImportError(err, file) };
    }
  }));
  for (const m of mods) {
    if ('error' in m) {
      problems.push({ file: m.file, key: opts.key, error: `does not load: ${m.error}` });
      continue;
    }
    const records = exportedRecords(m.mod!, opts.named);
    if (!records) {
      problems.push({ file: m.file, key: opts.key, error: `exports nothing dcc-kit uses: export default one record or an array of them${opts.named.length ? ` (or export const ${opts.named.join(' / ')} = [...])` : ''}` });
      continue;
    }
    for (const value of records) exports.push({ file: m.file, value });
  }
  return { exports, problems };
}
