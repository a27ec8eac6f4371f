/**
 * Where the packaged Houdini startup scripts live, where Houdini is installed (per OS, newest version
 * first), and where its per-user preference folders are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envValue } from '../../kit/launch/env.ts';
import { versionedEntries } from '../../kit/launch/installed-versions.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `startup-scripts/houdini`: the folder the package's `hpath` and DCC_KIT_HOUDINI_ROOT name. */
export const HOUDINI_SCRIPTS_DIR = path.join(ROOT, 'startup-scripts', 'houdini');
/** Holds the template `dcckit.json`; prepended to HOUDINI_PACKAGE_DIR at launch. */
export const HOUDINI_PACKAGES_DIR = path.join(HOUDINI_SCRIPTS_DIR, 'packages');
export const PACKAGE_FILE_NAME = 'dcckit.json';

/** A path as Houdini likes it in package files and variables: forward slashes on every OS. */
export function forwardSlashes(p: string): string {
  return p.replace(/\\/g, '/');
}

/** Folders searched for installed Houdini versions, per OS (overridable for tests). */
export interface InstallRoots {
  /** Linux: holds `hfsX.Y[.Z]` (default `/opt`). */
  linux?: string;
  /** Windows: holds `Houdini X.Y.Z` (default `%ProgramFiles%\Side Effects Software`). */
  win32?: string;
  /** macOS: holds `HoudiniX.Y.Z` (default `/Applications/Houdini`). */
  darwin?: string;
}

const VERSION = '(\\d+(?:\\.\\d+)+)';

/** Where installed Houdini versions are looked for on `platform`, for messages. */
export function installSearchDescription(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, roots: InstallRoots = {}): string {
  if (platform === 'win32') return `${windowsInstallRoot(env, roots)}\\Houdini X.Y.Z`;
  if (platform === 'darwin') return `${roots.darwin ?? '/Applications/Houdini'}/HoudiniX.Y.Z`;
  return `${roots.linux ?? '/opt'}/hfsX.Y.Z`;
}

function windowsInstallRoot(env: NodeJS.ProcessEnv, roots: InstallRoots): string {
  return roots.win32 ?? path.win32.join(envValue(env, 'PROGRAMFILES', 'win32') ?? 'C:\\Program Files', 'Side Effects Software');
}

/**
 * Houdini executables tried in order when houdini.executable is not set: `$HFS/bin/houdini` when HFS
 * is set, every installed version newest first, then `houdini` on PATH (a shell that sourced
 * houdini_setup has it).
 */
export function defaultHoudiniExecutables(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, roots: InstallRoots = {}): string[] {
  const exe = platform === 'win32' ? 'houdini.exe' : 'houdini';
  const out: string[] = [];
  const hfs = envValue(env, 'HFS', platform);
  if (hfs) out.push(platform === 'win32' ? path.win32.join(hfs, 'bin', exe) : path.posix.join(hfs, 'bin', exe));
  if (platform === 'win32') {
    const root = windowsInstallRoot(env, roots);
    for (const e of versionedEntries(root, new RegExp(`^Houdini ${VERSION}\\b`))) out.push(path.win32.join(root, e.name, 'bin', exe));
  } else if (platform === 'darwin') {
    const root = roots.darwin ?? '/Applications/Houdini';
    for (const e of versionedEntries(root, new RegExp(`^Houdini${VERSION}$`))) {
      out.push(path.posix.join(root, e.name, 'Frameworks/Houdini.framework/Versions/Current/Resources/bin', exe));
    }
  } else {
    const root = roots.linux ?? '/opt';
    for (const e of versionedEntries(root, new RegExp(`^hfs${VERSION}$`))) out.push(path.posix.join(root, e.name, 'bin', exe));
  }
  out.push(exe);
  return [...new Set(out)];
}

/** hython sits beside houdini in `$HFS/bin`. */
export function hythonBeside(houdini: string, platform: NodeJS.Platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (!houdini.includes('/') && !(platform === 'win32' && houdini.includes('\\'))) return platform === 'win32' ? 'hython.exe' : 'hython';
  return p.join(p.dirname(houdini), platform === 'win32' ? 'hython.exe' : 'hython');
}

/** The folder holding the per-version preference folders, and the pattern of their names. */
function prefParent(platform: NodeJS.Platform, homeDir: string): { dir: string; pattern: RegExp; example: string } {
  if (platform === 'win32') return { dir: path.join(homeDir, 'Documents'), pattern: /^houdini(\d+\.\d+)$/, example: path.join(homeDir, 'Documents', 'houdiniX.Y') };
  if (platform === 'darwin') {
    const dir = path.join(homeDir, 'Library', 'Preferences', 'houdini');
    return { dir, pattern: /^(\d+\.\d+)$/, example: path.join(dir, 'X.Y') };
  }
  return { dir: homeDir, pattern: /^houdini(\d+\.\d+)$/, example: path.join(homeDir, 'houdiniX.Y') };
}

const HVER = '__HVER__';

/**
 * Expands a HOUDINI_USER_PREF_DIR value that contains `__HVER__` (Houdini substitutes its X.Y version)
 * into the existing folders it names, newest version first.
 */
export function expandHver(template: string): string[] {
  const resolved = path.resolve(template);
  const parts = resolved.split(path.sep);
  const at = parts.findIndex((p) => p.includes(HVER));
  if (at < 0) return fs.existsSync(resolved) ? [resolved] : [];
  let parent = parts.slice(0, at).join(path.sep);
  if (parent === '' || /^[A-Za-z]:$/.test(parent)) parent += path.sep;
  const escaped = parts[at].split(HVER).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`^${escaped.join('(\\d+\\.\\d+)')}$`);
  const out: string[] = [];
  for (const e of versionedEntries(parent, pattern)) {
    const candidate = resolved.split(HVER).join(e.version);
    try {
      if (fs.statSync(candidate).isDirectory()) out.push(candidate);
    } catch { /* this version has no such folder */ }
  }
  return out;
}

export interface PrefDirs {
  /** Existing preference folders, newest version first. */
  dirs: string[];
  /** What was looked at, for messages. */
  searched: string;
}

/**
 * Houdini's per-user preference folders: HOUDINI_USER_PREF_DIR when set (with `__HVER__` expanded),
 * else `~/houdiniX.Y` (Linux), `~/Documents/houdiniX.Y` (Windows), `~/Library/Preferences/houdini/X.Y`
 * (macOS). Only folders that exist count: Houdini creates its own on first start.
 */
export function findPrefDirs(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homeDir: string): PrefDirs {
  const override = envValue(env, 'HOUDINI_USER_PREF_DIR', platform);
  if (override) return { dirs: expandHver(override), searched: `HOUDINI_USER_PREF_DIR=${override}` };
  const { dir, pattern, example } = prefParent(platform, homeDir);
  return { dirs: versionedEntries(dir, pattern).map((e) => path.join(dir, e.name)), searched: example };
}
