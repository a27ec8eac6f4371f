/**
 * Local work copies: a workfile `<dir>/<stem>.zip` is worked on, unzipped, in `<workArea>/<stem>/`. Opening
 * reuses that copy when it is at least as new as the archive (or unchanged since it was extracted or saved),
 * otherwise extracts the archive again (into a temp folder renamed into place, so a refused or broken archive
 * leaves the previous copy and nothing else behind).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { extractZip, listZip, type ArchiveProgress } from '../../../kit/archive/index.ts';
import { DestinationExistsError } from '../../../kit/archive/errors.ts';
import { NoSceneInWorkfileError, WorkfileError, WorkfileNotFoundError } from './errors.ts';
import { newestSceneMtime, readOrigin, writeOrigin, type WorkfileOrigin } from './origin.ts';

export function zipStem(zip: string): string {
  const base = path.basename(zip);
  return base.toLowerCase().endsWith('.zip') ? base.slice(0, -4) : base;
}

export function localCopyDir(workArea: string, zip: string): string {
  return path.join(workArea, zipStem(zip));
}

/**
 * The .xstage to open in an extracted workfile: `<stem>.xstage`, else the only .xstage at the top, else
 * `<stem>/<stem>.xstage` (archives made with a top folder), else the most recently saved of several at the top.
 */
export function findSceneXstage(dir: string, stem: string, zipForErrors = dir): string {
  const top = fs.readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.xstage')).sort();
  const named = top.find((n) => n === `${stem}.xstage`) ?? top.find((n) => n.toLowerCase() === `${stem}.xstage`.toLowerCase());
  if (named) return path.join(dir, named);
  if (top.length === 1) return path.join(dir, top[0]!);
  const nested = path.join(dir, stem, `${stem}.xstage`);
  if (fs.existsSync(nested)) return nested;
  if (top.length > 1) {
    const newest = top.map((n) => ({ n, t: fs.statSync(path.join(dir, n)).mtimeMs })).sort((a, b) => b.t - a.t)[0]!;
    return path.join(dir, newest.n);
  }
  const found = fs.readdirSync(dir).slice(0, 8);
  throw new NoSceneInWorkfileError(zipForErrors, found);
}

export interface OpenWorkfileOptions {
  workArea: string;
  /** Extract again even when the local copy could be reused. */
  fresh?: boolean;
  maxBytes?: number;
  /**
   * Refuse archives or entries that inflate more than this many times. Default: no limit; opening for a launch
   * (prepare-launch.ts) passes harmony.workfiles.maxCompressionRatio.
   */
  maxRatio?: number;
  onProgress?: (p: ArchiveProgress) => void;
  signal?: AbortSignal;
  /** Called before an existing copy is replaced; throw to refuse (e.g. it is open in Harmony). */
  beforeReplace?: (dir: string) => Promise<void>;
}

export interface OpenedWorkfile {
  zip: string;
  dir: string;
  /** The .xstage Harmony should open. */
  scene: string;
  reused: boolean;
  bytes: number;
}

/** Why an existing local copy may be used as it is, or null when it must be extracted again. */
function reuseReason(origin: WorkfileOrigin | null, zip: string, zipStat: fs.Stats, dir: string): string | null {
  if (!origin || origin.zip !== zip) return null;
  if (origin.zipMtimeMs === zipStat.mtimeMs && origin.zipSize === zipStat.size) return 'the archive is unchanged since';
  const local = newestSceneMtime(dir);
  return local >= zipStat.mtimeMs ? 'the local copy is newer' : null;
}

/** Refuses, before extracting anything, an archive with no .xstage where findSceneXstage looks. */
async function assertHoldsScene(zip: string, stem: string): Promise<void> {
  const names = (await listZip(zip)).filter((e) => !e.isDirectory).map((e) => e.name);
  const lower = (s: string) => s.toLowerCase();
  const ok = names.some((n) => !n.includes('/') && lower(n).endsWith('.xstage')) || names.includes(`${stem}/${stem}.xstage`);
  if (!ok) throw new NoSceneInWorkfileError(zip, names.slice(0, 8));
}

export async function openWorkfile(zipPath: string, opts: OpenWorkfileOptions): Promise<OpenedWorkfile> {
  const zip = path.resolve(zipPath);
  const st = await fsp.stat(zip).catch(() => null);
  if (!st) throw new WorkfileNotFoundError(zip);
  if (!st.isFile()) throw new WorkfileNotFoundError(zip, 'it is not a file');
  const dir = localCopyDir(opts.workArea, zip);
  const stem = zipStem(zip);
  const exists = fs.existsSync(dir);
  const origin = exists ? await readOrigin(dir) : null;
  if (exists && !opts.fresh && reuseReason(origin, zip, st, dir)) {
    const scene = findSceneXstage(dir, stem, zip);
    await writeOrigin(dir, { ...origin!, usedAt: new Date().toISOString() });
    return { zip, dir, scene, reused: true, bytes: 0 };
  }
  await assertHoldsScene(zip, stem);
  if (exists) await opts.beforeReplace?.(dir);
  await fsp.mkdir(opts.workArea, { recursive: true });
  let summary;
  try {
    summary = await extractZip(zip, dir, { replace: true, maxBytes: opts.maxBytes, maxRatio: opts.maxRatio, maxRatioSetting: 'harmony.workfiles.maxCompressionRatio', onProgress: opts.onProgress, signal: opts.signal });
  } catch (err) {
    if (!(err instanceof DestinationExistsError)) throw err;
    // Another dcc-kit extracted this workfile at the same moment (launched with --force): its copy is the
    // same archive, so use it rather than report the archive engine's "replace: true" advice.
    const theirs = await readOrigin(dir);
    if (theirs && theirs.zip !== zip) {
      throw new WorkfileError(`Another dcc-kit process extracted a different workfile into ${dir} at the same moment. `
        + 'Run the command again once that launch is done.', 'WORKFILE_EXTRACT_RACE');
    }
    return { zip, dir, scene: findSceneXstage(dir, stem, zip), reused: true, bytes: 0 };
  }
  const scene = findSceneXstage(dir, stem, zip);
  await writeOrigin(dir, {
    format: 1, zip, zipMtimeMs: st.mtimeMs, zipSize: st.size, sceneMtimeMs: newestSceneMtime(dir),
    source: 'workfile', usedAt: new Date().toISOString(),
  });
  return { zip, dir, scene, reused: false, bytes: summary.bytes };
}
