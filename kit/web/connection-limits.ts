/**
 * What the web page's port allows before any request is looked at (before the cookie check): a cap on open
 * connections and timeouts for slow ones. Anyone on the machine can connect to it, and each connection is a
 * file descriptor of the hub: without a cap, slow connections use them all and DCCs and tools can no longer
 * reach the hub (nor can it open a workfile). The cap is never more than half of the hub's descriptor limit,
 * so the other half stays for DCC and tool connections, zips, logs and child processes.
 */
import fs from 'node:fs';

/** A request's headers must arrive within this time (a slowloris sends them a byte at a time). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request (headers and body) must arrive within this time. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** An idle keep-alive connection is closed after this time. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A connection with no traffic either way is closed after this time (event streams send a keepalive every 15 s). */
export const IDLE_TIMEOUT_MS = 60_000;
/** How often Node checks connections against the headers and request timeouts. */
export const CHECK_INTERVAL_MS = 1_000;

/** The soft limit on open file descriptors of this process, or null where it cannot be read. */
export function openFileLimit(limitsFile = '/proc/self/limits'): number | null {
  try {
    const line = fs.readFileSync(limitsFile, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (!soft || soft === 'unlimited') return null;
    const n = Number(soft);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The web port's connection cap: the configured one, at most half the descriptor limit (at least 8). */
export function webConnectionCap(configured: number, fdLimit: number | null): number {
  if (fdLimit === null) return configured;
  return Math.max(8, Math.min(configured, Math.floor(fdLimit / 2)));
}
