/**
 * Persistent per-user install: a Houdini package file `dcckit.json` in the `packages` folder of every
 * Houdini preference folder (or one folder given with --scripts-dir). It is the packaged template with
 * DCC_KIT_HOUDINI_ROOT set to the absolute path of startup-scripts/houdini. Uninstall removes only a
 * `dcckit.json` that is ours.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { InstallOptions, InstallResult } from '../../kit/adapter.ts';
import { DccKitError } from '../../kit/errors.ts';
import { writeAtomic } from '../../kit/write-atomic.ts';
import { HOUDINI_PACKAGES_DIR, HOUDINI_SCRIPTS_DIR, PACKAGE_FILE_NAME, findPrefDirs, forwardSlashes } from './paths.ts';

export class HoudiniInstallError extends DccKitError {
  constructor(message: string) { super(message, 'INSTALL'); }
}

const ROOT_VAR = 'DCC_KIT_HOUDINI_ROOT';

type EnvEntry = Record<string, unknown>;
interface PackageJson { env?: EnvEntry[]; [key: string]: unknown }

/** The env entry setting DCC_KIT_HOUDINI_ROOT, in either of Houdini's forms ({VAR: v} or {var, value}). */
function rootEntry(pkg: PackageJson): { entry: EnvEntry; key: string } | null {
  if (!Array.isArray(pkg.env)) return null;
  for (const entry of pkg.env) {
    if (!entry || typeof entry !== 'object') continue;
    if (ROOT_VAR in entry) return { entry, key: ROOT_VAR };
    if (entry.var === ROOT_VAR && 'value' in entry) return { entry, key: 'value' };
  }
  return null;
}

/** The package file content for a kit at `scriptsDir`: the template with the root made absolute. */
export function packageJsonFor(scriptsDir: string = HOUDINI_SCRIPTS_DIR): string {
  const templateFile = path.join(HOUDINI_PACKAGES_DIR, PACKAGE_FILE_NAME);
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(fs.readFileSync(templateFile, 'utf8').replace(/^\uFEFF/, '')) as PackageJson;
  } catch (err) {
    throw new HoudiniInstallError(`the packaged ${templateFile} cannot be read (${(err as Error).message}); reinstall dcc-kit`);
  }
  const found = rootEntry(pkg);
  if (!found) throw new HoudiniInstallError(`the packaged ${templateFile} sets no ${ROOT_VAR}; reinstall dcc-kit`);
  found.entry[found.key] = forwardSlashes(path.resolve(scriptsDir));
  // No BOM: Houdini silently ignores a package file that starts with one.
  return JSON.stringify(pkg, null, 4) + '\n';
}

/** Is this package file one dcc-kit wrote (it sets DCC_KIT_HOUDINI_ROOT)? */
export function isOurPackage(file: string): boolean {
  try {
    return rootEntry(JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as PackageJson) !== null;
  } catch {
    return false;
  }
}

function context(opts: InstallOptions) {
  return { platform: opts.platform ?? process.platform, env: opts.env ?? process.env, homeDir: opts.homeDir ?? os.homedir() };
}

/** The folders the package file goes into: --scripts-dir itself, or `<pref>/packages` of each pref folder. */
async function packageFolders(opts: InstallOptions, forUninstall: boolean): Promise<string[]> {
  if (opts.targetDir) {
    const dir = path.resolve(opts.targetDir);
    const st = await fsp.stat(dir).catch(() => null);
    if (!st?.isDirectory()) {
      if (forUninstall) return [];
      throw new HoudiniInstallError(`--scripts-dir ${dir} does not exist (create it, or leave it out to install into every Houdini preference folder)`);
    }
    return [dir];
  }
  const { platform, env, homeDir } = context(opts);
  const found = findPrefDirs(platform, env, homeDir);
  if (found.dirs.length === 0 && !forUninstall) {
    throw new HoudiniInstallError(`no Houdini preference folder found (looked for ${found.searched}). Start Houdini once so it creates it, set HOUDINI_USER_PREF_DIR, or pass --scripts-dir DIR (a packages folder, e.g. one on HOUDINI_PACKAGE_DIR)`);
  }
  return found.dirs.map((d) => path.join(d, 'packages'));
}

export async function installHoudini(opts: InstallOptions = {}): Promise<InstallResult> {
  const text = packageJsonFor();
  const actions: InstallResult['actions'] = [];
  for (const dir of await packageFolders(opts, false)) {
    const file = path.join(dir, PACKAGE_FILE_NAME);
    if (fs.existsSync(file) && !isOurPackage(file)) {
      throw new HoudiniInstallError(`${file} exists and was not written by dcc-kit; move it away (or rename it) and install again`);
    }
    if (!opts.dryRun) {
      await fsp.mkdir(dir, { recursive: true });
      await writeAtomic(file, text);
    }
    actions.push({ path: file, action: 'written' });
  }
  return { actions };
}

export async function uninstallHoudini(opts: InstallOptions = {}): Promise<InstallResult> {
  const actions: InstallResult['actions'] = [];
  for (const dir of await packageFolders(opts, true)) {
    const file = path.join(dir, PACKAGE_FILE_NAME);
    if (!fs.existsSync(file)) continue;
    if (!isOurPackage(file)) {
      actions.push({ path: file, action: 'left alone (not written by dcc-kit)' });
      continue;
    }
    if (!opts.dryRun) await fsp.rm(file);
    actions.push({ path: file, action: 'removed' });
  }
  return { actions };
}

