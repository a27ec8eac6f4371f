/**
 * Who has a local work copy open. Two Harmony sessions on one local copy share its files, and the second
 * save overwrites the first, so an open records a claim and a second open of the same copy is refused
 * while the first is alive (`--force` opens anyway).
 *
 * A claim is `<workArea>/.dcckit-open/<copy name>.json`, created exclusively (two launches at the same
 * moment cannot both win): the user, host and pid of the `dcc-kit launch` that opened it. It stays
 * outside the copy, which an extraction replaces. The holder is alive while:
 *   - a Harmony session of this user's hub has its scene in the copy (its session id and pid are shown), or
 *   - the claim's launcher is still running on this host (the launch is under way), or
 *   - the claim comes from another host (a shared work area: its processes cannot be checked here).
 * A claim with none of these is stale and taken over.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SessionInfo } from '../../../kit/adapter.ts';
import { isProcessAlive } from '../../../kit/hub/runtime.ts';
import { WorkfileError } from './errors.ts';

export const CLAIMS_DIR = '.dcckit-open';

export interface OpenClaim {
  format: 1;
  dir: string;
  zip: string;
  user: string;
  host: string;
  /** The dcc-kit process that opened the copy. */
  pid: number;
  openedAt: string;
}

/** What holds a copy open: a live session of this user's hub and/or a claim. */
export interface CopyHolder {
  session: SessionInfo | null;
  claim: OpenClaim | null;
}

export class LocalCopyOpenError extends WorkfileError {
  readonly holder: CopyHolder;
  constructor(dir: string, holder: CopyHolder) {
    super(`${path.basename(dir)} is already open in Harmony (${describeHolder(holder)}). A second Harmony would work on the same `
      + `local copy (${dir}) and the second save would overwrite the first. Close that Harmony first, save a new version `
      + 'from it (dcc-kit workfile save --version-up), or open anyway with --force.', 'WORKFILE_OPEN_ELSEWHERE');
    this.holder = holder;
  }
}

export function describeHolder(h: CopyHolder): string {
  const parts: string[] = [];
  if (h.session) parts.push(`session ${h.session.id.slice(0, 8)}`, `pid ${h.session.pid ?? '?'}`);
  const user = h.claim?.user ?? thisUser();
  const host = h.claim?.host ?? os.hostname();
  parts.push(`user ${user} on ${host}`);
  if (!h.session && h.claim) parts.push(`opened by dcc-kit pid ${h.claim.pid} at ${h.claim.openedAt}`);
  return parts.join(', ');
}

function thisUser(): string {
  try { return os.userInfo().username; } catch { return process.env.USER ?? process.env.USERNAME ?? 'unknown'; }
}

function claimFile(workArea: string, dir: string): string {
  return path.join(workArea, CLAIMS_DIR, `${path.basename(dir)}.json`);
}

function isInside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function readClaim(workArea: string, dir: string): Promise<OpenClaim | null> {
  try {
    const c = JSON.parse(await fsp.readFile(claimFile(workArea, dir), 'utf8')) as OpenClaim;
    return c && c.format === 1 ? c : null;
  } catch {
    return null;
  }
}

/** The live holder of a local copy, or null when nobody has it open. */
export async function holderOf(workArea: string, dir: string, sessions: SessionInfo[], self = process.pid): Promise<CopyHolder | null> {
  const session = sessions.find((s) => s.dcc === 'harmony' && s.connected && s.scene && isInside(path.resolve(s.scene), dir)) ?? null;
  const claim = await readClaim(workArea, dir);
  const claimAlive = claim !== null && claim.pid !== self && (claim.host !== os.hostname() || isProcessAlive(claim.pid));
  if (!session && !claimAlive) return null;
  return { session, claim: claimAlive || (session && claim) ? claim : null };
}

/**
 * Records this process as opening `dir`; throws LocalCopyOpenError when someone else has it open, unless
 * `force`. Exclusive create, so of two launches racing for one copy only one gets past without --force.
 */
export async function claimLocalCopy(workArea: string, dir: string, zip: string, sessions: SessionInfo[], force = false): Promise<OpenClaim> {
  const file = claimFile(workArea, dir);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const claim: OpenClaim = { format: 1, dir, zip, user: thisUser(), host: os.hostname(), pid: process.pid, openedAt: new Date().toISOString() };
  const body = JSON.stringify(claim, null, 2) + '\n';
  for (let attempt = 0; ; attempt++) {
    if (!force) {
      const holder = await holderOf(workArea, dir, sessions);
      if (holder) throw new LocalCopyOpenError(dir, holder);
    }
    try {
      await fsp.writeFile(file, body, { flag: force || attempt > 0 ? 'w' : 'wx' });
      return claim;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      // Someone's claim is there: the check above runs again and either refuses or finds it stale.
    }
  }
}

/** Drops this process's claim (the open failed): nothing of a refused open stays in the work area. */
export async function releaseClaim(workArea: string, dir: string): Promise<void> {
  const claim = await readClaim(workArea, dir);
  if (claim && claim.pid === process.pid && claim.host === os.hostname()) await fsp.rm(claimFile(workArea, dir), { force: true });
  await fsp.rmdir(path.join(workArea, CLAIMS_DIR)).catch(() => {});
}
