/**
 * The files of a complete version, as loaders use them. Two guarantees before anything reaches a scene:
 * - every path the manifest names resolves (realpath: `..`, absolute paths and symlinks followed) INSIDE the
 *   version folder, so whoever can write to the shared store cannot make a load pull in an artist's files;
 * - every file has the size and SHA-256 its manifest recorded. Copied files are hashed while they are copied
 *   (one read in a store worker feeds both), so the copy is exactly what was checked; a file that is linked,
 *   not copied (a palette link) is hashed once and remembered by path + size + mtime + inode.
 * A version failing either is DAMAGED: the load is refused and the version is marked (DAMAGED_MARK), so it is
 * never latest, never loaded, never pruned, until someone repairs it.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hashInWorker, loadInWorker, poolThreads } from './copy-pool.ts';
import type { LoadResult } from './copy-worker.ts';
import { describeDisk } from './disk.ts';
import { StoreError } from './errors.ts';
import type { Representation, RepresentationFile, VersionInfo } from './types.ts';

/** Written into a complete version found damaged after its publish (`{ reason, time, user, host }`). */
export const DAMAGED_MARK = '.dcckit-damaged.json';

/** A version whose files do not match its manifest (or lie outside its folder): refused, and marked. */
export class DamagedVersionError extends StoreError {
  readonly versionPath: string;
  constructor(message: string, versionPath: string) {
    super(message, 'VERSION_DAMAGED');
    this.versionPath = versionPath;
  }
}

type VersionRef = Pick<VersionInfo, 'folder' | 'product' | 'version' | 'path'>;

export function versionLabel(v: Pick<VersionInfo, 'folder' | 'product' | 'version'>): string {
  return `${v.folder}/${v.product} v${String(v.version).padStart(3, '0')}`;
}

/** Marks a version damaged; false when the store is not writable here (the load is refused all the same). */
export async function markDamaged(versionDir: string, reason: string): Promise<boolean> {
  let user = 'unknown';
  try { user = os.userInfo().username; } catch { /* no passwd entry */ }
  const body = JSON.stringify({ reason, time: new Date().toISOString(), user, host: os.hostname() }, null, 2) + '\n';
  const tmp = path.join(versionDir, `${DAMAGED_MARK}.${process.pid}.tmp`);
  try {
    await fsp.writeFile(tmp, body, { flag: 'w' });
    await fsp.rename(tmp, path.join(versionDir, DAMAGED_MARK));
    return true;
  } catch {
    await fsp.rm(tmp, { force: true }).catch(() => {});
    return false;
  }
}

/** The mark's reason, or null when the version is not marked. */
export async function readDamagedMark(versionDir: string): Promise<string | null> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(versionDir, DAMAGED_MARK), 'utf8');
  } catch {
    return null;
  }
  try {
    const reason = (JSON.parse(text) as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : `${DAMAGED_MARK} says so`;
  } catch {
    return `${DAMAGED_MARK} says so`;
  }
}

async function refuse(version: VersionRef, reason: string): Promise<never> {
  const marked = await markDamaged(version.path, reason);
  throw new DamagedVersionError(`${versionLabel(version)} is DAMAGED: ${reason}. Nothing was loaded. `
    + (marked ? `The version is marked damaged (${path.join(version.path, DAMAGED_MARK)}): it is no longer latest and will not load; publish it again, or `
      + `if the files were restored, delete that mark.` : 'Publish it again, or ask whoever manages the store to restore its files.'), version.path);
}

function cannotRead(file: string, err: unknown): StoreError {
  return new StoreError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'STORE_SOURCE', { cause: err });
}

/** Real paths of version folders, so loading many files resolves each folder once. */
const realFolders = new Map<string, Promise<string>>();

function realFolder(version: VersionRef): Promise<string> {
  let root = realFolders.get(version.path);
  if (!root) {
    root = fsp.realpath(version.path);
    realFolders.set(version.path, root);
    root.catch(() => realFolders.delete(version.path));
    if (realFolders.size > 1000) realFolders.delete(realFolders.keys().next().value!);
  }
  return root;
}

/** The manifest path with forward slashes, or null when it is not a plain relative path (absolute, `..`, NUL). */
function plainPath(rel: unknown): string | null {
  const name = typeof rel === 'string' ? rel.replace(/\\/g, '/') : '';
  if (name === '' || path.isAbsolute(name) || /^[A-Za-z]:/.test(name) || name.split('/').some((p) => p === '..') || name.includes('\0')) return null;
  return name;
}

const notPlain = (rel: unknown) => `its manifest names the file "${String(rel)}", which is not a plain path inside the version folder`;
const outsideOf = (name: string, real: string, folder: string) => `its manifest names "${name}", which resolves to ${real}, outside the version folder ${folder}`;

/**
 * The real path of a file a version's manifest names. A manifest path that is absolute, climbs with `..`, or
 * resolves (through any symlink) outside the version folder makes the version DAMAGED. A missing or unreadable
 * file is a StoreError (`cannot read`): that can be a passing outage, not damage.
 */
export async function resolveVersionFile(version: VersionRef, rel: string): Promise<string> {
  const name = plainPath(rel);
  if (name === null) return refuse(version, notPlain(rel));
  const joined = path.join(version.path, name);
  let real: string;
  let folder: string;
  try {
    [folder, real] = await Promise.all([realFolder(version), fsp.realpath(joined)]);
  } catch (err) {
    throw cannotRead(joined, err);
  }
  if (!real.startsWith(folder + path.sep)) return refuse(version, outsideOf(name, real, folder));
  return real;
}

/** Verified hashes of linked files: path + size + mtime + inode -> sha256. */
const verifiedLinks = new Map<string, string>();
const VERIFIED_LINKS_MAX = 10_000;

function checkHash(entry: RepresentationFile, got: { size: number; sha256: string }): string | null {
  if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(entry.sha256)) return `its manifest records no valid sha256 for "${entry.path}"`;
  if (got.size !== entry.size || got.sha256 !== entry.sha256.toLowerCase()) {
    return `"${entry.path}" changed after it was published (${got.size} bytes, sha256 ${got.sha256.slice(0, 12)}…; the manifest says ${entry.size} bytes, sha256 ${String(entry.sha256).slice(0, 12)}…)`;
  }
  return null;
}

/** Hashes a linked file unless this very file (path, size, mtime, inode) was verified before. */
async function verifyLinked(version: VersionRef, entry: RepresentationFile, real: string): Promise<void> {
  const st = await fsp.stat(real).catch((err) => { throw cannotRead(real, err); });
  const key = `${real}\0${st.size}\0${st.mtimeMs}\0${st.ino}\0${st.dev}`;
  if (verifiedLinks.get(key) === entry.sha256) return;
  const got = await hashInWorker(real).catch((err) => { throw cannotRead(real, err); });
  const problem = checkHash(entry, got);
  if (problem) return refuse(version, problem);
  if (verifiedLinks.size >= VERIFIED_LINKS_MAX) verifiedLinks.delete(verifiedLinks.keys().next().value!);
  verifiedLinks.set(`${real}\0${got.stat.size}\0${got.stat.mtimeMs}\0${got.stat.ino}\0${got.stat.dev}`, entry.sha256);
}

export interface LoadableFiles {
  /** What the DCC is given, in the representation's order: verified copies, or the store files when linked. */
  files: string[];
  /** The store file (real path) each of `files` came from, e.g. to record as a container's source. */
  storeFiles: string[];
}

/**
 * A representation's files checked for a load. With `copyTo` (a folder; the loader's destination, or a folder
 * on its filesystem to move them from), each file is resolved, read once, hashed and copied there by the
 * store's workers (batches of files, every worker busy), and the copies are what the DCC loads: nothing else
 * copies them first. A file that fails any check refuses the load and every copy made is removed. Without
 * `copyTo` the files are linked where they are, each hashed once (cached).
 */
export async function filesForLoad(version: VersionRef, rep: Representation, opts: { copyTo?: string } = {}): Promise<LoadableFiles> {
  const entries = rep.files;
  const names = entries.map((f) => plainPath(f.path));
  const bad = names.indexOf(null);
  if (bad >= 0) return refuse(version, notPlain(entries[bad]!.path));
  if (opts.copyTo === undefined) return linkedFiles(version, rep);
  return copiedFiles(version, rep, names as string[], opts.copyTo);
}

/** Linked files: resolved, then each hashed unless this very file was verified before (16 at a time). */
async function linkedFiles(version: VersionRef, rep: Representation): Promise<LoadableFiles> {
  const entries = rep.files;
  const storeFiles = await Promise.all(entries.map((f) => resolveVersionFile(version, f.path)));
  let next = 0;
  let failed = false;
  const work = async (): Promise<void> => {
    while (next < entries.length && !failed) {
      const i = next++;
      try {
        await verifyLinked(version, entries[i]!, storeFiles[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, entries.length) }, work));
  return { files: [...storeFiles], storeFiles };
}

/** Files per worker message at most: a refused load stops within a few batches; each batch is one hand-off between threads. */
const LOAD_BATCH_MAX = 256;

type Failure = { index: number; result: Exclude<LoadResult, { ok: true }> } | { index: number; damage: string };

async function copiedFiles(version: VersionRef, rep: Representation, names: string[], copyTo: string): Promise<LoadableFiles> {
  const entries = rep.files;
  const n = entries.length;
  const files = names.map((name) => path.join(copyTo, name));
  const storeFiles = new Array<string>(n);
  let root: string;
  try {
    root = await realFolder(version);
  } catch (err) {
    throw cannotRead(version.path, err);
  }
  for (const dir of new Set(files.map((f) => path.dirname(f)))) {
    await fsp.mkdir(dir, { recursive: true }).catch((err: unknown) => { throw cannotCopy(version.path, copyTo, err); });
  }
  const threads = poolThreads();
  const size = Math.max(1, Math.min(LOAD_BATCH_MAX, Math.ceil(n / (threads * 4))));
  const made: string[] = [];
  const failures: Failure[] = [];
  let next = 0;
  let crashed: unknown;
  const lane = async (): Promise<void> => {
    while (next < n && failures.length === 0 && crashed === undefined) {
      const first = next;
      next = Math.min(n, next + size);
      let results: LoadResult[];
      try {
        results = await loadInWorker(version.path, root, names.slice(first, next).map((rel, k) => ({ rel, dest: files[first + k]! })));
      } catch (err) {
        // A worker that died tells nothing of its batch: those paths are left to the caller's folder cleanup
        // (one of them may be a file that was there before, which is never ours to remove).
        crashed ??= err;
        return;
      }
      results.forEach((r, k) => {
        const index = first + k;
        if (!r.ok) return void failures.push({ index, result: r });
        made.push(files[index]!);
        storeFiles[index] = r.real;
        const problem = checkHash(entries[index]!, r);
        if (problem) failures.push({ index, damage: problem });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads * 2, Math.ceil(n / size)) }, lane));
  if (crashed !== undefined) {
    await removeAll(made);
    throw crashed;
  }
  if (failures.length === 0) return { files, storeFiles };
  await removeAll(made);
  const first = failures.reduce((a, b) => (b.index < a.index ? b : a));
  if ('damage' in first) return refuse(version, first.damage);
  const r = first.result;
  if ('outside' in r) return refuse(version, outsideOf(names[first.index]!, r.outside, root));
  if ('notFile' in r) return refuse(version, `its manifest names "${names[first.index]!}", which is ${r.notFile === path.join(root, names[first.index]!) ? '' : `${r.notFile}, `}not a regular file`);
  const err = Object.assign(new Error(r.message), { code: r.code, path: r.path });
  if (r.dest) throw cannotCopy(path.join(version.path, names[first.index]!), copyTo, err);
  throw cannotRead(r.path, err);
}

function cannotCopy(source: string, copyTo: string, err: unknown): StoreError {
  const code = (err as NodeJS.ErrnoException).code;
  const full = code === 'ENOSPC' || code === 'EDQUOT' ? `: ${describeDisk(copyTo)}` : '';
  return new StoreError(`cannot copy ${source} into the load's folder ${copyTo} (${code ?? (err as Error).message})${full}. Nothing was loaded`, 'LOAD_STAGING', { cause: err });
}

async function removeAll(files: string[]): Promise<void> {
  await Promise.all(files.map((f) => fsp.rm(f, { force: true }).catch(() => {})));
}
