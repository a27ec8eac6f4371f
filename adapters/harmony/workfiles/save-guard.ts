/**
 * The guard on a save's destination archive. The open guard (open-claims.ts) keeps two Harmonys off one
 * local copy; this one keeps two local copies from writing one archive. A save is refused, unless the artist
 * chooses to overwrite (`force`), when:
 *   - another live Harmony session of this hub saves to the same archive (its local copy's record names it,
 *     or a save of it to that archive is being written), or
 *   - the archive changed on disk since this local copy was extracted from it or last saved to it (someone
 *     else wrote it meanwhile: overwriting would drop their work without anyone seeing it).
 * A save with --version-up goes to a newly reserved version and never meets either.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SessionInfo } from '../../../kit/adapter.ts';
import { WorkfileError } from './errors.ts';
import { readOrigin, type WorkfileOrigin } from './origin.ts';

/** Who last wrote an archive through this hub (named when the archive changed under another session). */
export interface ArchiveWriter { session: string; projectDir: string; label: string; at: string; mtimeMs: number; size: number }

export interface DestinationCheck {
  dest: string;
  /** The saving session and its local copy's record. */
  session: SessionInfo;
  projectDir: string;
  origin: WorkfileOrigin | null;
  /** Every session of the hub. */
  sessions: SessionInfo[];
  /** Sessions whose save to `dest` is being written or waits (the save queue). */
  writing: Array<{ session: string | null; projectDir: string }>;
  lastWriter?: ArchiveWriter;
}

export class WorkfileConflictError extends WorkfileError {
  readonly reason: 'other-session' | 'changed';
  constructor(message: string, reason: 'other-session' | 'changed') {
    super(message, 'WORKFILE_CONFLICT');
    this.reason = reason;
  }
}

function thisUser(): string {
  try { return os.userInfo().username; } catch { return process.env.USER ?? process.env.USERNAME ?? 'unknown'; }
}

/** `session 1a2b3c4d (pid 42, shots/sh010/anim, sh010_anim_v008.zip) of user ann on host ws12`. */
export function describeSession(s: SessionInfo, workfile?: string | null): string {
  const n = s.notes as { folder?: unknown; task?: unknown; workfile?: unknown } | undefined;
  const file = workfile ?? (typeof n?.workfile === 'string' ? n.workfile : null);
  const what = [
    typeof n?.folder === 'string' ? n.folder + (typeof n.task === 'string' ? `/${n.task}` : '') : null,
    file ? path.basename(file) : (s.scene ? path.basename(s.scene) : null),
  ].filter(Boolean).join(', ');
  return `session ${s.id.slice(0, 8)} (pid ${s.pid ?? '?'}${what ? `, ${what}` : ''}) of user ${thisUser()} on host ${os.hostname()}`;
}

const CHOICES = 'Nothing was saved. Choose: save as a new version (dcc-kit workfile save --version-up, or the page\'s "Save as a new version"), '
  + 'which keeps both; or overwrite it anyway (dcc-kit workfile save --force, or the page\'s "Overwrite anyway"), which drops what';

/** The folder of a session's local copy (the folder of its .xstage). */
function copyOf(s: SessionInfo): string | null {
  return s.scene ? path.resolve(path.dirname(s.scene)) : null;
}

/** Throws WorkfileConflictError when saving to `dest` would overwrite someone else's work. */
export async function checkDestination(c: DestinationCheck): Promise<void> {
  const dest = path.resolve(c.dest);
  const name = path.basename(dest);
  // Another live session saving there: the record of its local copy, or a write of it under way.
  for (const w of c.writing) {
    if (w.projectDir === c.projectDir) continue;
    const other = c.sessions.find((s) => s.id === w.session);
    const who = other ? describeSession(other) : `the local copy ${w.projectDir}`;
    throw new WorkfileConflictError(`${name} is being written by another save: ${who}. ${CHOICES} that save wrote.`, 'other-session');
  }
  for (const s of c.sessions) {
    if (s.id === c.session.id || s.dcc !== 'harmony' || !s.connected) continue;
    const copy = copyOf(s);
    if (!copy || copy === c.projectDir) continue;
    const theirs = await readOrigin(copy);
    if (theirs?.zip && path.resolve(theirs.zip) === dest) {
      throw new WorkfileConflictError(`${name} is also the workfile of ${describeSession(s, theirs.zip)}, which saves to the same archive: `
        + `the later save would silently replace the earlier one. ${CHOICES} the other session saved.`, 'other-session');
    }
  }
  // Changed on disk since this copy last matched it (a write of this copy's own save under way is not a change).
  if (c.writing.some((w) => w.projectDir === c.projectDir)) return;
  if (!c.origin || c.origin.zip === null || path.resolve(c.origin.zip) !== dest) return;
  const st = await fsp.stat(dest).catch(() => null);
  if (!st?.isFile()) return;
  if (c.origin.zipMtimeMs === st.mtimeMs && c.origin.zipSize === st.size) return;
  // This copy's own save, renamed into place by a hub that died before it could record it.
  const pending = c.origin.pendingZip;
  if (pending && path.resolve(pending.zip) === dest && pending.mtimeMs === st.mtimeMs && pending.size === st.size) return;
  const byThisHub = c.lastWriter && c.lastWriter.mtimeMs === st.mtimeMs && c.lastWriter.size === st.size;
  // This copy's own save, written by this hub (its record may lag a save that finished a moment ago).
  if (byThisHub && c.lastWriter!.projectDir === c.projectDir) return;
  const by = byThisHub
    ? ` It was written at ${c.lastWriter!.at} by ${c.lastWriter!.label}.`
    : ` It was modified at ${new Date(st.mtimeMs).toISOString()} (${st.size} bytes) by someone else (another session, user or host).`;
  const since = c.origin.zipMtimeMs === null ? 'since this scene started saving to it' : `since this scene was opened from it or last saved it (${new Date(c.origin.zipMtimeMs).toISOString()})`;
  throw new WorkfileConflictError(`${name} changed on disk ${since}.${by} ${CHOICES} the other writer saved.`, 'changed');
}
