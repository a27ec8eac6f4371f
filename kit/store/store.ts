/**
 * The product store on disk. Products are `{folder}/{product}`; their versions are folders laid out by
 * `publish.template` under `publish.root`.
 *
 * Publishing a version: `reserve()` takes the next number with an exclusive mkdir (atomic on local disks,
 * NFS and SMB, so two publishers on any machines never share a number), `addFiles()` copies into it (copy +
 * SHA-256 in worker threads), and `commit()` writes `version.json` LAST, atomically (temp file, fsync,
 * rename). A version folder without `version.json` is incomplete: listed as such, never latest, and
 * removed by `prune()` once its publisher is gone.
 */
import { didYouMean } from '../suggest.ts';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KIT_VERSION } from '../version.ts';
import { copyAndHash, CopyFailedError } from './copy-pool.ts';
import { describeDisk } from './disk.ts';
import { StoreError, ProductNotFoundError, VersionNotFoundError, StoreWriteError } from './errors.ts';
import { DAMAGED_MARK, readDamagedMark } from './version-files.ts';

export { StoreError, ProductNotFoundError, VersionNotFoundError, StoreWriteError };
import { VersionTemplate, assertFolderName, assertProductName } from './template.ts';
import type { FileToIntegrate, ProductRef, ProductSummary, Representation, VersionInfo, VersionManifest } from './types.ts';

export const MANIFEST = 'version.json';
/** Written into a reserved version by its publisher (pid, host, time): prune leaves live ones alone. */
export const RESERVATION = '.dcckit-reserved';
/**
 * Written into a reserved version that waits on outside work (a farm job): `{ what, ... }`. Prune keeps such a
 * version while the wait is younger than AWAIT_LIMIT_MS, whoever reserved it: the hub that resumes the wait
 * after a restart completes it.
 */
export const AWAITING = '.dcckit-awaiting.json';
const AWAIT_LIMIT_MS = 14 * 24 * 60 * 60_000;
/** Longest name of one folder or file (bytes) on the file systems a store lives on. */
const NAME_MAX = 255;
/** Longest version folder path (bytes): PATH_MAX 4096 less room for the files in it. */
const PATH_FIT = 4000;

export interface StoreOptions {
  root: string;
  /** Default `{folder}/{product}/v{version:03}`. */
  template?: string;
}

/** `[folder/]product[@version|@latest]`; folder defaults to `defaultFolder` (the context's). */
export function parseProductRef(text: string, defaultFolder?: string | null): ProductRef {
  const at = text.lastIndexOf('@');
  const name = at >= 0 ? text.slice(0, at) : text;
  const v = at >= 0 ? text.slice(at + 1) : 'latest';
  let version: number | 'latest';
  if (v === 'latest' || v === '') version = 'latest';
  else if (/^v?\d+$/.test(v)) version = Number(v.replace(/^v/, ''));
  else throw new StoreError(`"${text}": the version after @ must be a number or "latest" (e.g. renderMain@3)`, 'USAGE');
  const slash = name.lastIndexOf('/');
  const folder = slash >= 0 ? name.slice(0, slash) : defaultFolder;
  const product = slash >= 0 ? name.slice(slash + 1) : name;
  if (!folder) throw new StoreError(`"${text}" names no folder and the context has none: write it as folder/product (e.g. shots/sh010/${product}) or set context.folder`, 'USAGE');
  assertFolderName(folder);
  assertProductName(product);
  return { folder, product, version };
}

/**
 * A recursive mkdir on a read-only file system can fail with ENOENT for the part it could not make; the nearest
 * folder that exists tells the real reason (no write access, read-only).
 */
async function explainMkdirFailure(err: unknown, target: string): Promise<unknown> {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return err;
  let dir = path.dirname(target);
  while (dir !== path.dirname(dir) && !fs.existsSync(dir)) dir = path.dirname(dir);
  try {
    await fsp.access(dir, fs.constants.W_OK);
  } catch (access) {
    return access;
  }
  return err;
}

function writeErrorFor(err: unknown, what: string, root?: string): StoreWriteError {
  const e = err as NodeJS.ErrnoException;
  // A copy's error names its source (copyFile's path); a full disk is always the destination's.
  const where = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? what : e.path ?? what;
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') {
    return new StoreWriteError(`cannot write to the product store: no write access to ${where} (${e.code}). Ask for write access, or point publish.root at a folder you can write to`, err);
  }
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') {
    const full = e.code === 'EDQUOT' ? 'over your disk quota' : 'full';
    return new StoreWriteError(`the product store at ${root ?? where} is ${full} (${e.code} writing ${where}; ${describeDisk(where)}). `
      + 'Free space there, or point publish.root at another disk, and publish again', err);
  }
  if (e.code === 'ENOTDIR' || (e.code === 'EEXIST' && !fs.statSync(where, { throwIfNoEntry: false })?.isDirectory())) return new StoreWriteError(`cannot write to the product store: a part of ${where} is a file, not a folder`, err);
  return new StoreWriteError(`cannot write to the product store (${what}): ${e.message}`, err);
}

type ManifestRead = { manifest: VersionManifest } | { damaged: string } | null;

/** What a manifest must hold for the store, loaders and the inventory to use it. */
function manifestProblem(m: unknown): string | null {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return 'it is not a JSON object';
  const v = m as Record<string, unknown>;
  for (const key of ['folder', 'product', 'productType'] as const) if (typeof v[key] !== 'string') return `"${key}" is missing or not text`;
  if (!Number.isInteger(v.version)) return '"version" is missing or not a whole number';
  if (!Array.isArray(v.representations)) return '"representations" is missing or not a list';
  for (const r of v.representations as unknown[]) {
    const rep = r as Record<string, unknown> | null;
    if (!rep || typeof rep.name !== 'string' || !Array.isArray(rep.files)) return 'a representation lacks its "name" or "files"';
  }
  return null;
}

/**
 * A version's manifest: null when there is none (the version is incomplete), `damaged` when there is one the
 * store cannot use (cut short, edited by hand). A damaged version is a finished publish: never latest, never
 * loaded, never pruned.
 */
async function readManifest(dir: string): Promise<ManifestRead> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, MANIFEST), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { damaged: `${MANIFEST} cannot be read: ${(err as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { damaged: `${MANIFEST} is not valid JSON (${(err as Error).message})` };
  }
  const problem = manifestProblem(parsed);
  return problem ? { damaged: `${MANIFEST} is not a dcc-kit manifest: ${problem}` } : { manifest: parsed as VersionManifest };
}

export class ProductStore {
  readonly root: string;
  readonly template: VersionTemplate;

  constructor(opts: StoreOptions) {
    this.root = path.resolve(opts.root);
    this.template = new VersionTemplate(opts.template ?? '{folder}/{product}/v{version:03}');
  }

  /** Absolute folder of a version. */
  versionPath(folder: string, product: string, version: number, productType?: string): string {
    return path.join(this.root, this.template.expand({ folder, product, productType, version }));
  }

  /** Every version folder under the root (complete or not). */
  private async allVersions(): Promise<VersionInfo[]> {
    const out: VersionInfo[] = [];
    const walk = async (rel: string, depth: number): Promise<void> => {
      if (depth > 16) return;
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(path.join(this.root, rel), { withFileTypes: true });
      } catch {
        return;
      }
      await Promise.all(entries.filter((e) => e.isDirectory()).map(async (e) => {
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        const fields = this.template.match(childRel);
        if (fields && (childRel.split('/').length >= this.template.minDepth)) {
          out.push(await this.info(fields.folder, fields.product, fields.version, path.join(this.root, childRel)));
          return;
        }
        await walk(childRel, depth + 1);
      }));
    };
    await walk('', 0);
    return out;
  }

  private async info(folder: string, product: string, version: number, dir: string): Promise<VersionInfo> {
    const read = await readManifest(dir);
    const manifest = read && 'manifest' in read ? read.manifest : null;
    // A complete version found damaged at a load (files changed or outside it) carries a mark.
    const marked = manifest ? await readDamagedMark(dir) : null;
    if (marked !== null) return { folder, product, version, path: dir, complete: false, manifest: null, damaged: `marked damaged (${DAMAGED_MARK}): ${marked}` };
    const info: VersionInfo = { folder, product, version, path: dir, complete: manifest !== null, manifest };
    if (read && 'damaged' in read) info.damaged = read.damaged;
    else if (!manifest) {
      const waiting = await fsp.readFile(path.join(dir, AWAITING), 'utf8').then((t) => (JSON.parse(t) as { what?: unknown }).what, () => undefined);
      if (typeof waiting === 'string') info.waitingFor = waiting;
    }
    return info;
  }

  /** Versions of one product, oldest first; incomplete ones flagged `complete: false`. */
  async listVersions(folder: string, product: string): Promise<VersionInfo[]> {
    assertFolderName(folder);
    assertProductName(product);
    const parent = this.template.productDir(folder, product);
    let found: VersionInfo[];
    if (parent !== null) {
      let names: string[] = [];
      try {
        names = await fsp.readdir(path.join(this.root, parent));
      } catch {
        names = [];
      }
      const candidates = names
        .map((n) => ({ n, fields: this.template.match(`${parent}/${n}`) }))
        .filter((c) => c.fields && c.fields.folder === folder && c.fields.product === product);
      found = await Promise.all(candidates.map((c) => this.info(folder, product, c.fields!.version, path.join(this.root, parent, c.n))));
    } else {
      found = (await this.allVersions()).filter((v) => v.folder === folder && v.product === product);
    }
    return found.sort((a, b) => a.version - b.version);
  }

  /** Products (optionally of one folder, or below it), each with its latest complete version. */
  async listProducts(folder?: string): Promise<ProductSummary[]> {
    if (folder !== undefined) assertFolderName(folder);
    const byProduct = new Map<string, VersionInfo[]>();
    for (const v of await this.allVersions()) {
      if (folder !== undefined && v.folder !== folder && !v.folder.startsWith(`${folder}/`)) continue;
      const key = `${v.folder}/${v.product}`;
      byProduct.set(key, [...(byProduct.get(key) ?? []), v]);
    }
    return [...byProduct.values()].map((versions) => {
      const complete = versions.filter((v) => v.complete).sort((a, b) => a.version - b.version);
      const latest = complete.at(-1) ?? null;
      return {
        folder: versions[0]!.folder,
        product: versions[0]!.product,
        productType: latest?.manifest?.productType ?? null,
        latest: latest?.version ?? null,
        versions: versions.length,
        incomplete: versions.filter((v) => !v.complete && !v.damaged).length,
        damaged: versions.filter((v) => v.damaged).length,
      };
    }).sort((a, b) => `${a.folder}/${a.product}`.localeCompare(`${b.folder}/${b.product}`));
  }

  /** The latest COMPLETE version, or null. */
  async latest(folder: string, product: string): Promise<VersionInfo | null> {
    return (await this.listVersions(folder, product)).filter((v) => v.complete).at(-1) ?? null;
  }

  /** A complete version by number or 'latest'; errors say what exists. */
  async resolve(ref: ProductRef): Promise<VersionInfo & { manifest: VersionManifest }> {
    const versions = await this.listVersions(ref.folder, ref.product);
    const name = `${ref.folder}/${ref.product}`;
    if (versions.length === 0) {
      const others = (await this.listProducts(ref.folder)).map((p) => p.product);
      throw new ProductNotFoundError(`no product ${name} in the store (${this.root}).${didYouMean(ref.product, others)} ${others.length ? `${ref.folder} has: ${others.join(', ')}` : `${ref.folder} has no products`}`);
    }
    const complete = versions.filter((v) => v.complete);
    if (ref.version === 'latest') {
      const last = complete.at(-1);
      if (!last) throw new VersionNotFoundError(`${name} has no complete version yet (${versions.length} incomplete: a publish is running or was killed; \`dcc-kit products prune\` removes dead ones)`);
      return last as VersionInfo & { manifest: VersionManifest };
    }
    const hit = versions.find((v) => v.version === ref.version);
    if (!hit) throw new VersionNotFoundError(`${name} has no version ${ref.version} (versions: ${versions.map((v) => v.version + (v.complete ? '' : v.damaged ? ' damaged' : ' incomplete')).join(', ')})`);
    if (hit.damaged) throw new VersionNotFoundError(`${name} version ${ref.version} is damaged: ${hit.damaged}. Use another version, or publish again`);
    if (!hit.complete) throw new VersionNotFoundError(`${name} version ${ref.version} is incomplete (no ${MANIFEST}): its publish is running or was killed; use another version`);
    return hit as VersionInfo & { manifest: VersionManifest };
  }

  /**
   * Throws StoreWriteError when a publish could not write here (root missing and not creatable, read-only, a
   * file in the way): publishers call it before long work (a render), so that work is not wasted. Creates the
   * root when it is missing, as the first publish would, and writes and removes a probe file in it. The products
   * given are checked to fit the file system's name limits (assertPathFits).
   */
  async checkWritable(products: { folder: string; product: string; productType: string }[] = []): Promise<void> {
    for (const p of products) this.assertPathFits(p);
    const probe = path.join(this.root, `.dcckit-write-check-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    try {
      await fsp.mkdir(this.root, { recursive: true });
      await fsp.writeFile(probe, '');
    } catch (err) {
      throw writeErrorFor(await explainMkdirFailure(err, this.root), this.root, this.root);
    }
    await fsp.rm(probe, { force: true });
  }

  /**
   * Throws when a product's version folder could not be made on a usual file system: a name part over 255 bytes
   * (NAME_MAX of ext4, XFS, NTFS, SMB shares) or the whole path over 4,000 bytes (PATH_MAX 4096, less room for
   * the files). Publishers check it at validation, so a long folder name does not fail after the render.
   */
  assertPathFits(init: { folder: string; product: string; productType: string }): void {
    assertFolderName(init.folder);
    assertProductName(init.product);
    const dir = this.versionPath(init.folder, init.product, 99_999, init.productType);
    const rel = path.relative(this.root, dir);
    for (const part of rel.split(path.sep)) {
      const bytes = Buffer.byteLength(part);
      if (bytes > NAME_MAX) {
        throw new StoreError(`${init.folder}/${init.product} cannot be published: the folder name "${part.slice(0, 40)}…" is ${bytes} bytes long, `
          + `more than the ${NAME_MAX} a file system allows for one name. Use a shorter folder (context.folder) or product name`, 'STORE_NAME_TOO_LONG');
      }
    }
    if (Buffer.byteLength(dir) > PATH_FIT) {
      throw new StoreError(`${init.folder}/${init.product} cannot be published: its version folder ${dir.slice(0, 60)}… is ${Buffer.byteLength(dir)} bytes long, `
        + `more than ${PATH_FIT} (file systems allow 4096 for a whole path). Use a shorter folder or product name, or a shorter publish.root`, 'STORE_NAME_TOO_LONG');
    }
  }

  /** Reserves the next version number of a product: the folder is created, exclusively. */
  async reserve(init: { folder: string; product: string; productType: string }): Promise<VersionWriter> {
    this.assertPathFits(init);
    const existing = await this.listVersions(init.folder, init.product);
    let version = (existing.at(-1)?.version ?? 0) + 1;
    const sample = this.versionPath(init.folder, init.product, version, init.productType);
    try {
      await fsp.mkdir(path.dirname(sample), { recursive: true });
    } catch (err) {
      throw writeErrorFor(await explainMkdirFailure(err, path.dirname(sample)), path.dirname(sample), this.root);
    }
    for (let attempt = 0; attempt < 10_000; attempt++, version++) {
      const dir = this.versionPath(init.folder, init.product, version, init.productType);
      try {
        await fsp.mkdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw writeErrorFor(err, dir, this.root);
      }
      const marker = { pid: process.pid, host: os.hostname(), time: new Date().toISOString() };
      try {
        await fsp.writeFile(path.join(dir, RESERVATION), JSON.stringify(marker));
      } catch (err) {
        await fsp.rm(dir, { recursive: true, force: true }).catch(() => {});
        throw writeErrorFor(err, dir, this.root);
      }
      return new VersionWriter(this, { ...init, version, dir });
    }
    throw new StoreError(`could not reserve a version of ${init.folder}/${init.product}: 10,000 numbers taken`);
  }

  /**
   * Takes over a reserved, incomplete version (a hub restarted while a farm job rendered it): the reservation
   * names this process from now on. Throws when the folder is gone or already complete.
   */
  async adopt(init: { folder: string; product: string; productType: string; version: number }): Promise<VersionWriter> {
    const dir = this.versionPath(init.folder, init.product, init.version, init.productType);
    if (!fs.existsSync(dir)) throw new VersionNotFoundError(`${init.folder}/${init.product} version ${init.version} is gone (${dir})`);
    if (await readManifest(dir) !== null) throw new StoreError(`${init.folder}/${init.product} version ${init.version} is already complete`);
    const held = await fsp.readFile(path.join(dir, RESERVATION), 'utf8').then((t) => JSON.parse(t) as { pid?: number; host?: string }, () => ({} as { pid?: number; host?: string }));
    if (held.host === os.hostname() && typeof held.pid === 'number' && held.pid !== process.pid && processAlive(held.pid)) {
      throw new StoreError(`${init.folder}/${init.product} version ${init.version} is being completed by process ${held.pid}`, 'VERSION_BUSY');
    }
    const marker = { pid: process.pid, host: os.hostname(), time: new Date().toISOString() };
    await fsp.writeFile(path.join(dir, RESERVATION), JSON.stringify(marker)).catch((err) => { throw writeErrorFor(err, dir, this.root); });
    return new VersionWriter(this, { ...init, dir });
  }

  /**
   * Removes incomplete versions whose publisher is gone (its process is dead on this host, or the
   * reservation is older than `olderThanMs`, default 1 hour, when it was made on another host).
   */
  async prune(opts: { dryRun?: boolean; olderThanMs?: number } = {}): Promise<{ removed: VersionInfo[]; kept: { version: VersionInfo; reason: string }[] }> {
    const olderThan = opts.olderThanMs ?? 60 * 60_000;
    const removed: VersionInfo[] = [];
    const kept: { version: VersionInfo; reason: string }[] = [];
    for (const v of await this.allVersions()) {
      if (v.complete) continue;
      if (v.damaged) {
        kept.push({ version: v, reason: `it is a finished publish whose ${v.damaged}; repair that file or remove the folder by hand` });
        continue;
      }
      const why = await liveReason(v.path, olderThan);
      if (why) {
        kept.push({ version: v, reason: why });
        continue;
      }
      if (!opts.dryRun) await fsp.rm(v.path, { recursive: true, force: true });
      removed.push(v);
    }
    return { removed, kept };
  }
}

async function liveReason(dir: string, olderThanMs: number): Promise<string | null> {
  const awaiting = await fsp.readFile(path.join(dir, AWAITING), 'utf8').then((t) => JSON.parse(t) as { what?: string; since?: string }, () => null);
  if (awaiting) {
    const since = Date.parse(awaiting.since ?? '') || 0;
    if (Date.now() - since < AWAIT_LIMIT_MS) return `it waits for ${awaiting.what ?? 'outside work'} (the hub completes it when that is done; it resumes the wait when it starts again)`;
  }
  let marker: { pid?: number; host?: string; time?: string } = {};
  let mtime = 0;
  try {
    const file = path.join(dir, RESERVATION);
    marker = JSON.parse(await fsp.readFile(file, 'utf8'));
    mtime = (await fsp.stat(file)).mtimeMs;
  } catch {
    try { mtime = (await fsp.stat(dir)).mtimeMs; } catch { return null; }
  }
  if (marker.host === os.hostname() && typeof marker.pid === 'number') {
    if (processAlive(marker.pid)) return `its publisher (pid ${marker.pid}) is still running`;
    return null;
  }
  const age = Date.now() - (marker.time ? Date.parse(marker.time) : mtime);
  if (age < olderThanMs) return `reserved ${Math.round(age / 1000)} s ago${marker.host ? ` on ${marker.host}` : ''}: its publish may still be running`;
  return null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return true;
  }
}

/**
 * Writes files into a version instead of the store's own copy (ingest writes what it already read and checked):
 * each `dest` is inside the version and does not exist yet; resolves with the size and SHA-256 of the bytes
 * written, in order. An error's `path` names the file it is about (a source or a destination).
 */
export type Integrator = (files: { source: string; dest: string }[], onProgress?: (p: { filesDone: number; filesTotal: number; bytesDone: number }) => void) => Promise<{ size: number; sha256: string }[]>;

export interface CommitMeta { source: string | null; context: Record<string, unknown>; user?: string; host?: string; data?: Record<string, unknown>; comment?: string | null }

/** A reserved version being filled. */
export class VersionWriter {
  readonly folder: string;
  readonly product: string;
  readonly productType: string;
  readonly version: number;
  readonly dir: string;
  private readonly representations: Representation[] = [];
  readonly store: ProductStore;
  private done = false;
  private committed = false;
  /** The manifest written by prepareCommit, waiting for its rename. */
  private prepared: string | null = null;

  constructor(store: ProductStore, init: { folder: string; product: string; productType: string; version: number; dir: string }) {
    this.store = store;
    this.folder = init.folder;
    this.product = init.product;
    this.productType = init.productType;
    this.version = init.version;
    this.dir = init.dir;
  }

  /**
   * Copies and hashes a representation's files into the version; `path`s are relative to the version. With
   * `opts.integrate` the caller writes the files (paths checked and folders made here, errors worded here).
   */
  async addFiles(name: string, ext: string, files: FileToIntegrate[], extra: Pick<Representation, 'frameStart' | 'frameEnd' | 'tags'> = {},
    onProgress?: (p: { filesDone: number; filesTotal: number; bytesDone: number }) => void, opts: { integrate?: Integrator } = {}): Promise<Representation> {
    if (this.done) throw new StoreError(`version ${this.version} of ${this.product} is already committed`);
    if (this.representations.some((r) => r.name === name)) throw new StoreError(`representation "${name}" was already added to ${this.product} v${this.version}`);
    const seen = new Set<string>();
    for (const f of files) {
      const rel = f.path.replace(/\\/g, '/');
      if (rel === '' || rel.startsWith('/') || rel.split('/').some((p) => p === '..' || p === '' || p === '.') || rel === MANIFEST || rel === RESERVATION || rel === AWAITING || rel === DAMAGED_MARK) {
        throw new StoreError(`cannot integrate ${f.source} as "${f.path}": the destination must be a plain relative path inside the version`);
      }
      if (seen.has(rel)) throw new StoreError(`two files would be integrated as "${rel}" in ${this.product} v${this.version}`);
      seen.add(rel);
    }
    const dirs = new Set(files.map((f) => path.dirname(path.join(this.dir, f.path))));
    try {
      for (const d of dirs) await fsp.mkdir(d, { recursive: true });
    } catch (err) {
      throw writeErrorFor(err, this.dir, this.store.root);
    }
    if (opts.integrate) {
      const sources = new Set(files.map((f) => f.source));
      let written: { size: number; sha256: string }[];
      try {
        written = await opts.integrate(files.map((f) => ({ source: f.source, dest: path.join(this.dir, f.path) })), onProgress);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.path && sources.has(e.path) && e.code !== 'ENOSPC' && e.code !== 'EDQUOT') {
          throw new StoreError(`cannot read ${e.path} to integrate it (${e.code ?? e.message}): ${e.message}`, 'STORE_SOURCE', { cause: err });
        }
        throw writeErrorFor(err, e.path ?? this.dir, this.store.root);
      }
      const rep: Representation = { name, ext, files: files.map((f, i) => ({ path: f.path.replace(/\\/g, '/'), size: written[i]!.size, sha256: written[i]!.sha256 })), ...extra };
      this.representations.push(rep);
      return rep;
    }
    let filesDone = 0;
    let bytesDone = 0;
    const out: Representation['files'] = new Array(files.length);
    let next = 0;
    const runOne = async (): Promise<void> => {
      while (next < files.length) {
        const i = next++;
        const f = files[i]!;
        let r: { size: number; sha256: string };
        try {
          r = await copyAndHash(f.source, path.join(this.dir, f.path));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (err instanceof CopyFailedError && err.path === f.source && code !== 'ENOSPC' && code !== 'EDQUOT') {
            throw new StoreError(`cannot read ${f.source} to integrate it (${err.code ?? err.message}): ${err.message}`, 'STORE_SOURCE', { cause: err });
          }
          throw writeErrorFor(err, path.join(this.dir, f.path), this.store.root);
        }
        out[i] = { path: f.path.replace(/\\/g, '/'), size: r.size, sha256: r.sha256 };
        filesDone++;
        bytesDone += r.size;
        onProgress?.({ filesDone, filesTotal: files.length, bytesDone });
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, files.length) }, runOne));
    const rep: Representation = { name, ext, files: out, ...extra };
    this.representations.push(rep);
    return rep;
  }

  /** Writes `version.json` (atomically, last): the version is complete and may become latest. */
  async commit(meta: CommitMeta): Promise<VersionManifest> {
    const manifest = await this.prepareCommit(meta);
    await this.finishCommit();
    return manifest;
  }

  /**
   * The first half of commit(), where anything can fail (a full disk): the manifest is written and synced beside
   * its final name. Nothing is visible yet; finishCommit() makes it so, abort() gives it up. A publish of several
   * products prepares them all before it finishes any (kit/publish: all of a publish's products or none).
   */
  async prepareCommit(meta: CommitMeta): Promise<VersionManifest> {
    if (this.done) throw new StoreError(`version ${this.version} of ${this.product} is already committed`);
    if (this.prepared) throw new StoreError(`version ${this.version} of ${this.product} is already prepared`);
    const manifest: VersionManifest = {
      schema: 1,
      folder: this.folder,
      product: this.product,
      productType: this.productType,
      version: this.version,
      representations: this.representations,
      source: meta.source,
      user: meta.user ?? safeUser(),
      host: meta.host ?? os.hostname(),
      time: new Date().toISOString(),
      dccKitVersion: KIT_VERSION,
      context: meta.context,
      ...(meta.data ? { data: meta.data } : {}),
      ...(meta.comment ? { comment: meta.comment } : {}),
    };
    const tmp = path.join(this.dir, `.${MANIFEST}.${process.pid}.tmp`);
    try {
      const fh = await fsp.open(tmp, 'wx');
      try {
        await fh.writeFile(JSON.stringify(manifest, null, 2) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => {});
      throw writeErrorFor(err, path.join(this.dir, MANIFEST), this.store.root);
    }
    this.prepared = tmp;
    return manifest;
  }

  /** The second half of commit(): the prepared manifest takes its name; the version is complete. */
  async finishCommit(): Promise<void> {
    if (this.done) throw new StoreError(`version ${this.version} of ${this.product} is already committed`);
    const tmp = this.prepared;
    if (!tmp) throw new StoreError(`version ${this.version} of ${this.product} has no prepared manifest (prepareCommit first)`);
    try {
      await fsp.rename(tmp, path.join(this.dir, MANIFEST));
      await syncDir(this.dir);
    } catch (err) {
      throw writeErrorFor(err, path.join(this.dir, MANIFEST), this.store.root);
    }
    this.prepared = null;
    this.done = true;
    this.committed = true;
    await fsp.rm(path.join(this.dir, RESERVATION), { force: true }).catch(() => {});
    await fsp.rm(path.join(this.dir, AWAITING), { force: true }).catch(() => {});
  }

  /**
   * Takes back a version this writer committed moments ago, when a publish it belongs to could not commit its
   * other products: the version is removed as if it had never been. (A version committed by an earlier run is
   * never touched.) Before a commit it is abort().
   */
  async discard(): Promise<void> {
    if (!this.committed) return this.abort();
    await fsp.rm(path.join(this.dir, MANIFEST), { force: true });
    await fsp.rm(this.dir, { recursive: true, force: true });
  }

  /** Gives the number up: removes the reserved folder and what was copied. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await fsp.rm(this.dir, { recursive: true, force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await fsp.open(dir, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
  } catch {
    // not supported on this platform/filesystem
  }
}

function safeUser(): string {
  try { return os.userInfo().username; } catch { return process.env.USER ?? process.env.USERNAME ?? 'unknown'; }
}

/** The store a resolved configuration names. */
export function storeFromConfig(config: unknown): ProductStore {
  const publish = (config as { publish: { root: string; template: string } }).publish;
  return new ProductStore({ root: publish.root, template: publish.template });
}
