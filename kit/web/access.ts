/**
 * Who may use the hub's web page. The page is on 127.0.0.1, which every user of the machine can reach, so
 * the loopback address protects nothing by itself.
 *
 * - A one-time link (`?t=`) is minted for the hub's owner (a menu item of their DCC, or `dcc-kit ui`, both
 *   authenticated with the hub token from the 0600 runtime file). It never goes on a command line: the
 *   browser is given a 0600 redirect file in the hub's 0700 run folder (see link-file.ts).
 * - Redeeming a link starts a page session: a random id in an HttpOnly cookie (one per redeemed link, not
 *   one hub-wide secret) that expires and is dropped by `dcc-kit ui --revoke` and when the hub stops.
 * - Cookies ignore ports, so a page served by anyone on another port of 127.0.0.1 may receive the cookie.
 *   A request that changes something therefore also needs the session's CSRF secret in a header. The page
 *   gets that secret only in the fragment (`#csrf=`) of the redirect that sets the cookie: fragments are never
 *   sent to a server and the page keeps it in its origin's (port's) storage, so neither a cross-port page nor
 *   someone holding a leaked cookie can read it.
 * - The Host header must name the page (no DNS rebinding), changes must come from the page itself (Origin /
 *   Fetch Metadata), and no CORS headers are ever sent.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

/** A link opens the page within this time, once. */
export const LINK_TTL_MS = 5 * 60_000;
/** A page session (its cookie) lasts a working day; open the page again from the menu after that. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;
/** The header a state-changing request carries the session's CSRF secret in. */
export const CSRF_HEADER = 'x-dcckit-csrf';

export type Redeemed = 'ok' | 'used' | 'expired' | 'unknown';

export interface PageSession {
  /** The secret a state-changing request sends in CSRF_HEADER. */
  readonly csrf: string;
  readonly expires: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export class WebAccess {
  private readonly links = new Map<string, { expires: number; used: boolean }>();
  /** Keyed by the sha256 of the cookie value: the id itself is kept nowhere but in the browser. */
  private readonly sessions = new Map<string, PageSession>();
  /** The clock (a test moves it to expire links and sessions). */
  now: () => number = Date.now;
  port = 0;

  get cookieName(): string {
    // Cookies ignore ports: the name carries it so two hubs (two users) never overwrite each other's.
    return `dcckit_${this.port}`;
  }

  /** A one-time token for a page link. */
  mint(): string {
    const now = this.now();
    for (const [t, v] of this.links) if (v.expires < now - LINK_TTL_MS) this.links.delete(t);
    const token = randomBytes(24).toString('base64url');
    this.links.set(token, { expires: now + LINK_TTL_MS, used: false });
    return token;
  }

  redeem(token: string): Redeemed {
    const entry = this.links.get(token);
    if (!entry) return 'unknown';
    if (entry.used) return 'used';
    entry.used = true;
    return entry.expires < this.now() ? 'expired' : 'ok';
  }

  /** Forgets a link that was never redeemed (its redirect file expired, or no browser could be started). */
  dropLink(token: string): void {
    this.links.delete(token);
  }

  /** A new page session for a redeemed link: the cookie value, its CSRF secret and how long it lasts. */
  startSession(): { id: string; csrf: string; maxAgeSeconds: number } {
    const now = this.now();
    for (const [k, s] of this.sessions) if (s.expires <= now) this.sessions.delete(k);
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    this.sessions.set(digest(id).toString('hex'), { csrf, expires: now + SESSION_TTL_MS });
    return { id, csrf, maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000) };
  }

  /** The live session a cookie value names; null when unknown, revoked or expired. */
  session(cookie: string | undefined): PageSession | null {
    if (!cookie) return null;
    const key = digest(cookie).toString('hex');
    const s = this.sessions.get(key);
    if (!s) return null;
    if (s.expires <= this.now()) {
      this.sessions.delete(key);
      return null;
    }
    return s;
  }

  /** The CSRF header of a state-changing request matches its session's secret. */
  validCsrf(session: PageSession, header: string | undefined): boolean {
    return header !== undefined && header.length > 0 && sameSecret(header, session.csrf);
  }

  /** Ends every page session and every link not yet used. Returns how many sessions were live. */
  revokeAll(): { sessions: number; links: number } {
    const now = this.now();
    let sessions = 0;
    for (const s of this.sessions.values()) if (s.expires > now) sessions++;
    let links = 0;
    for (const l of this.links.values()) if (!l.used && l.expires >= now) links++;
    this.sessions.clear();
    this.links.clear();
    return { sessions, links };
  }

  /** The Host header names this page: 127.0.0.1:<port> or localhost:<port>. */
  validHost(host: string | undefined): boolean {
    return host === `127.0.0.1:${this.port}` || host === `localhost:${this.port}`;
  }

  /** The Origin of a state-changing request is this page. */
  validOrigin(origin: string | undefined): boolean {
    return origin === `http://127.0.0.1:${this.port}` || origin === `http://localhost:${this.port}`;
  }

  /**
   * A state-changing request comes from this page: its Origin says so, or, when a browser leaves Origin out
   * of a same-origin request (Chromium does for XHR), its Fetch Metadata does. Neither: refused.
   */
  sameOrigin(origin: string | undefined, fetchSite: string | undefined): boolean {
    if (origin !== undefined) return this.validOrigin(origin);
    return fetchSite === 'same-origin';
  }
}
