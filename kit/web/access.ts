/**
 * Who may use the hub's web page. The page is on 127.0.0.1, which every user of the machine can reach, so
 * the loopback address protects nothing by itself: a request is served only with a cookie holding this
 * hub's secret, and the only way to get that cookie is a one-time token minted for the hub's owner (by a
 * menu item of their DCC, or by `dcc-kit ui`, both authenticated with the hub token from the 0600 runtime
 * file). The Host header must name the page (no DNS rebinding), and requests that change something must
 * come from the page itself (Origin). No CORS headers are ever sent.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

const TOKEN_TTL_MS = 5 * 60_000;

export type Redeemed = 'ok' | 'used' | 'expired' | 'unknown';

export class WebAccess {
  /** The cookie's value: this hub's web secret. */
  readonly secret = randomBytes(32).toString('base64url');
  private readonly tokens = new Map<string, { expires: number; used: boolean }>();
  port = 0;

  get cookieName(): string {
    // Cookies ignore ports: the name carries it so two hubs (two users) never overwrite each other's.
    return `dcckit_${this.port}`;
  }

  /** A one-time token for a page URL. */
  mint(): string {
    const now = Date.now();
    for (const [t, v] of this.tokens) if (v.expires < now - TOKEN_TTL_MS) this.tokens.delete(t);
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { expires: now + TOKEN_TTL_MS, used: false });
    return token;
  }

  redeem(token: string): Redeemed {
    const entry = this.tokens.get(token);
    if (!entry) return 'unknown';
    if (entry.used) return 'used';
    entry.used = true;
    return entry.expires < Date.now() ? 'expired' : 'ok';
  }

  validCookie(value: string | undefined): boolean {
    if (!value) return false;
    const a = createHash('sha256').update(value).digest();
    const b = createHash('sha256').update(this.secret).digest();
    return timingSafeEqual(a, b);
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
