/**
 * A consistent snapshot of a project folder, taken right after Harmony saved it: a copy (a reflink where the
 * file system can, so it costs no space) in a temp folder of the work area. The background zip reads the
 * snapshot, so the artist may go on working and saving while it runs. The temp folder's name marks it as
 * ours (`.<name>.dcckit-tmp-<host>-<pid>-<rand>`): a hub killed mid-save leaves it to cleanStaleTemps.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { releaseTemp, tempPathBeside } from '../../../kit/archive/temp-files.ts';
import { ArchiveSourceError, ArchiveWriteError, OutsideLinkError, errnoOf, writeHint } from '../../../kit/archive/index.ts';
import { findOutsideLinks } from '../../../kit/archive/scan.ts';
import { isOriginRecord } from './origin.ts';

export interface Snapshot {
  dir: string;
  /** The project folder it copies. */
  source: string;
  bytes: number;
  files: number;
  ms: number;
  /** Newest .xstage mtime in the snapshot (recorded as the archived state of the scene). */
  sceneMtimeMs: number;
  release(): Promise<void>;
}

export interface SnapshotOptions {
  /**
   * Archive what symlinks leading outside the project folder point to. Without it such a link refuses the
   * save: a link to a shared library or a home folder would put all of that in the workfile.
   */
  followOutsideLinks?: boolean;
}

export async function snapshotProject(projectDir: string, workArea: string, opts: SnapshotOptions = {}): Promise<Snapshot> {
  const started = performance.now();
  const source = path.resolve(projectDir);
  const st = await fsp.stat(source).catch((err) => {
    throw new ArchiveSourceError(`Cannot read the project folder ${source} (${errnoOf(err) ?? String(err)}): did Harmony save it there?`, source, err);
  });
  if (!st.isDirectory()) throw new ArchiveSourceError(`${source} is not a folder, so it cannot be archived.`, source);
  if (!opts.followOutsideLinks) {
    const outside = await findOutsideLinks(source);
    if (outside.length) {
      const shown = outside.slice(0, 5).map((l) => `${l.rel} -> ${l.target}`).join('; ');
      throw new OutsideLinkError(`The project folder ${source} holds ${outside.length} symlink${outside.length === 1 ? '' : 's'} leading outside it `
        + `(${shown}${outside.length > 5 ? '; ...' : ''}). Links are followed when zipping, so what they lead to would go into the workfile. `
        + 'Nothing was saved to the archive. Replace the link with a copy, or save with: dcc-kit workfile save --follow-outside-links', source, outside);
    }
  }
  await fsp.mkdir(workArea, { recursive: true });
  const dir = tempPathBeside(path.join(workArea, path.basename(source)));
  let bytes = 0;
  let files = 0;
  let sceneMtimeMs = 0;
  try {
    await fsp.cp(source, dir, {
      recursive: true,
      preserveTimestamps: true,
      mode: fs.constants.COPYFILE_FICLONE,
      errorOnExist: true,
      force: false,
      verbatimSymlinks: false,
      filter: (src) => {
        const rel = path.relative(source, src).split(path.sep).join('/');
        return !isOriginRecord(rel);
      },
    });
    for (const ent of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
      if (!ent.isFile()) continue;
      const s = await fsp.stat(path.join(ent.parentPath, ent.name));
      bytes += s.size;
      files++;
      if (ent.parentPath === dir && ent.name.toLowerCase().endsWith('.xstage')) sceneMtimeMs = Math.max(sceneMtimeMs, s.mtimeMs);
    }
  } catch (err) {
    await fsp.rm(dir, { recursive: true, force: true }).catch(() => {});
    releaseTemp(dir);
    const code = errnoOf(err);
    if (code === 'ENOENT') {
      throw new ArchiveSourceError(`Cannot copy the project folder ${source}: a file vanished while it was copied (${code}). Nothing was archived; save again.`, source, err);
    }
    throw new ArchiveWriteError(`Cannot take a snapshot of ${source} in the work area ${workArea} (${code ?? String(err)}). `
      + `${writeHint(code)} Nothing was archived.`, dir, err);
  }
  let released = false;
  return {
    dir, source, bytes, files, sceneMtimeMs, ms: performance.now() - started,
    release: async () => {
      if (released) return;
      released = true;
      await fsp.rm(dir, { recursive: true, force: true }).catch(() => {});
      releaseTemp(dir);
    },
  };
}
