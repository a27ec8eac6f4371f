/**
 * The hub's local web page: Hono on @hono/node-server, in the hub process, on 127.0.0.1 only. It gives the
 * DCC menu's tools a face that never blocks the DCC: actions go through the same tool endpoints as the CLI,
 * and one Server-Sent Events stream carries the hub's events to the page. See access.ts for who may use it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import type { Hub } from '../hub/server.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { hubPaths } from '../hub/runtime.ts';
import { CHECK_INTERVAL_MS, HEADERS_TIMEOUT_MS, IDLE_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, REQUEST_TIMEOUT_MS, openFileLimit, webConnectionCap } from './connection-limits.ts';
import { EventStream, STREAM_QUEUE_BYTES } from './event-stream.ts';
import { CSRF_HEADER, LINK_TTL_MS, WebAccess } from './access.ts';
import { removeLinkFileSync, removeStaleLinkFiles, writeLinkFile } from './link-file.ts';
import { mediaRoutes } from './media.ts';
import { APP_CSS, APP_JS } from './assets.ts';
import { escapeHtml, h, vals, type Html } from './html.ts';
import { VIEWS, chooseSession, fragment, page, publishRun, type View, type ViewData } from './views.ts';

const require = createRequire(import.meta.url);

export interface WebServerOptions {
  /** 0 = any free port. */
  port?: number;
  /** Most connections held at once (default web.maxConnections of the hub's config, else 256). */
  maxConnections?: number;
}

export interface WebServerSetup {
  /** Where link redirect files go (private, 0700): default the hub's run folder (`<home>/run`). */
  runDir?: string;
}

function toast(kind: 'ok' | 'bad' | 'muted', text: string | Html): string {
  return h`<p class="${kind}">${text}</p>`.text;
}

/** What a form may be: the page's forms are a few KiB; anything far larger is not from it. */
const MAX_BODY_BYTES = 1024 * 1024;
/** An error echoes what was sent; a long value is cut in the message. */
const MAX_ECHO_CHARS = 400;

function clip(text: string): string {
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}… (${text.length} characters)` : text;
}

class BadRequest extends Error {}

/** A form body, or a JSON object body; anything else is a BadRequest. */
async function readBody(c: Context): Promise<Record<string, unknown>> {
  if (!(c.req.header('content-type') ?? '').includes('application/json')) return await c.req.parseBody({ all: true }) as Record<string, unknown>;
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (err) {
    throw new BadRequest(`the request body is not JSON: ${(err as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('the request body must be a JSON object of fields');
  return body as Record<string, unknown>;
}

function field(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

const truthy = (v: string | undefined) => v === 'true' || v === 'on' || v === '1';

export class WebServer {
  readonly access = new WebAccess();
  private readonly hub: Hub;
  private server: ServerType | null = null;
  private readonly htmx: string;
  private readonly runDir: string;
  /** How long a redirect file (and its link) is kept when no browser uses it. */
  linkTtlMs = LINK_TTL_MS;
  /** Open pages' event streams. */
  readonly streams = new Set<EventStream>();
  /** Redirect files of links not yet redeemed, by token, each removed at the link's expiry at the latest. */
  private readonly linkFiles = new Map<string, { file: string; timer: NodeJS.Timeout }>();

  constructor(hub: Hub, setup: WebServerSetup = {}) {
    this.hub = hub;
    this.runDir = setup.runDir ?? (hub.services.home ? hubPaths(hub.services.home).runDir : path.join(os.tmpdir(), `dcc-kit-web-${process.getuid?.() ?? 'user'}-${process.pid}`));
    // Every open page's event stream listens on the hub: more than Node's default 10 is normal, not a leak.
    hub.setMaxListeners(0);
    this.htmx = fs.readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');
  }

  get port(): number { return this.access.port; }

  /**
   * Starts `dcc-kit launch <dcc> <zip>` for the page's Open, in the zip's folder (its project settings), and
   * tells the page how it went (`web.launch`: ok, or the launch's error), since that takes longer than the
   * request that asked for it.
   */
  private launchWorkfile(dcc: string, zip: string): void {
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'dcc-kit.js'), 'launch', dcc, zip, '--json'], {
      cwd: path.dirname(zip), detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true,
    });
    let out = '';
    const keep = (chunk: Buffer) => { if (out.length < 64 * 1024) out += chunk.toString('utf8'); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', () => {}); // the same error is in the --json output on stdout
    const failed = (message: string) => {
      this.hub.log.warn(`web: opening ${zip} failed: ${message}`);
      this.hub.broadcast('web.launch', { ok: false, dcc, zip, message });
    };
    child.on('error', (err) => failed(err.message));
    child.on('close', (code) => {
      let parsed: { error?: { message?: string }; session?: { id?: string } } = {};
      try { parsed = JSON.parse(out); } catch { /* reported below */ }
      if (code === 0) this.hub.broadcast('web.launch', { ok: true, dcc, zip, session: parsed.session?.id ?? null });
      else failed(parsed.error?.message ?? `dcc-kit launch exited with ${code}`);
    });
    child.unref();
  }

  /**
   * A page URL with a fresh one-time token: a secret until it is used (`dcc-kit ui --url`, tests). To open
   * the page in a browser, use openLink: a URL given to a browser command would be on its command line.
   */
  url(view: string = 'sessions', session?: string | null): string {
    return this.link(view, session).url;
  }

  private link(view: string, session?: string | null): { url: string; token: string } {
    const v = (VIEWS as readonly string[]).includes(view) ? view : 'sessions';
    const token = this.access.mint();
    const q = new URLSearchParams({ t: token });
    if (session) q.set('session', session);
    return { url: `http://127.0.0.1:${this.port}/${v}?${q}`, token };
  }

  /**
   * A one-time link in a redirect file (0600, in the hub's 0700 run folder): the file:// URL to give a
   * browser command. The file goes when the link is redeemed, and with the link at its expiry.
   */
  async openLink(view: string = 'sessions', session?: string | null): Promise<{ file: string; fileUrl: string }> {
    const { url, token } = this.link(view, session);
    const written = await writeLinkFile(this.runDir, url);
    const timer = setTimeout(() => this.dropLink(token), this.linkTtlMs);
    timer.unref();
    this.linkFiles.set(token, { file: written.file, timer });
    return written;
  }

  /** Removes a link's redirect file; `forget` also makes the link unusable (expired, or its browser failed). */
  private dropLink(token: string, forget = true): void {
    const entry = this.linkFiles.get(token);
    if (entry) {
      clearTimeout(entry.timer);
      removeLinkFileSync(entry.file);
      this.linkFiles.delete(token);
    }
    if (forget) this.access.dropLink(token);
  }

  /** A redirect file no browser will open (the browser command failed): its link dies with it. */
  discardLink(file: string): void {
    for (const [token, entry] of this.linkFiles) if (entry.file === file) this.dropLink(token);
  }

  /** Closes every page's event stream (a live page reconnects, and is asked for its cookie again). */
  closeEventStreams(): void {
    for (const stream of [...this.streams]) stream.close();
  }

  /** Ends every page session and unused link (`dcc-kit ui --revoke`); open pages get 401 from then on. */
  revoke(): { sessions: number; links: number } {
    for (const token of [...this.linkFiles.keys()]) this.dropLink(token, false);
    const counts = this.access.revokeAll();
    this.closeEventStreams(); // their pages were let in by sessions that no longer exist
    this.hub.log.info(`web: revoked ${counts.sessions} page session(s) and ${counts.links} unused link(s)`);
    return counts;
  }

  async listen(opts: WebServerOptions = {}): Promise<number> {
    const app = this.app();
    // Limits applied before any request is read (so before the cookie check): see connection-limits.ts.
    const server = createAdaptorServer({ fetch: app.fetch, serverOptions: {
      headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: CHECK_INTERVAL_MS,
    } }) as http.Server;
    const configured = opts.maxConnections ?? (this.hub.services.config as { web?: { maxConnections?: number } } | undefined)?.web?.maxConnections ?? 256;
    const fdLimit = openFileLimit();
    server.maxConnections = webConnectionCap(configured, fdLimit);
    server.setTimeout(IDLE_TIMEOUT_MS);
    let dropped = 0;
    let reported = 0;
    server.on('drop', () => {
      dropped++;
      // One line a minute at most: a flood must not rotate the log away.
      if (Date.now() - reported < 60_000) return;
      reported = Date.now();
      this.hub.log.warn(`web: ${dropped} connection(s) to the page's port closed so far: ${server.maxConnections} are open (web.maxConnections${fdLimit ? `, at most half of ${fdLimit} file descriptors` : ''})`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    this.server = server;
    this.access.port = (server.address() as AddressInfo).port;
    const removed = removeStaleLinkFiles(this.runDir);
    if (removed) this.hub.log.info(`web: removed ${removed} page link file(s) left by an earlier hub`);
    const view = (args: Record<string, unknown>) => typeof args.view === 'string' ? args.view : undefined;
    const session = (args: Record<string, unknown>) => typeof args.session === 'string' ? args.session : null;
    this.hub.toolRequests.set('web.url', (args) => ({ url: this.url(view(args), session(args)) }));
    this.hub.toolRequests.set('web.open', (args) => this.openLink(view(args), session(args)));
    this.hub.toolRequests.set('web.revoke', () => this.revoke());
    this.hub.log.info(`web page on http://127.0.0.1:${this.port}/ (open it with dcc-kit ui)`);
    return this.port;
  }

  async close(): Promise<void> {
    for (const name of ['web.url', 'web.open', 'web.revoke']) this.hub.toolRequests.delete(name);
    for (const token of [...this.linkFiles.keys()]) this.dropLink(token);
    this.access.revokeAll();
    this.closeEventStreams();
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close(() => resolve());
    });
  }

  private data(): ViewData {
    return {
      sessions: () => this.hub.sessionInfo(),
      adapter: (dcc, endpoint, args) => this.hub.adapterCall(dcc, endpoint, args),
    };
  }

  private app(): Hono {
    const app = new Hono();
    const access = this.access;

    app.use('*', async (c, next) => {
      if (!access.validHost(c.req.header('host'))) {
        return c.text(`dcc-kit: this page answers only at 127.0.0.1:${access.port} or localhost:${access.port}`, 421);
      }
      const token = c.req.query('t');
      if (token !== undefined && c.req.method === 'GET') {
        const r = access.redeem(token);
        this.dropLink(token, false); // its redirect file has done its job (or the link is no good)
        if (r !== 'ok') {
          return c.html(h`<!doctype html><title>dcc-kit</title><p>This link ${r === 'used' ? 'was already used' : r === 'expired' ? 'has expired' : 'is not valid'}. Links open the page once: use the DCC's menu or <code>dcc-kit ui</code> again.</p>`.text, 403);
        }
        const started = access.startSession();
        setCookie(c, access.cookieName, started.id, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: started.maxAgeSeconds });
        const url = new URL(c.req.url);
        url.searchParams.delete('t');
        // The CSRF secret travels in the fragment: never sent to a server, kept by the page in its port's storage.
        c.header('Referrer-Policy', 'no-referrer');
        return c.redirect(`${url.pathname}${url.search}#csrf=${started.csrf}`, 303);
      }
      const session = access.session(getCookie(c, access.cookieName));
      if (!session) {
        return c.html(h`<!doctype html><title>dcc-kit</title><p>Open this page from your DCC's dcc-kit menu, or with <code>dcc-kit ui</code>: it needs the link they give (a page's access ends after a day, when the hub stops, and with <code>dcc-kit ui --revoke</code>).</p>`.text, 401);
      }
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
        if (!access.sameOrigin(c.req.header('origin'), c.req.header('sec-fetch-site'))) {
          return c.text('dcc-kit: changes are accepted only from the dcc-kit page itself', 403);
        }
        if (!access.validCsrf(session, c.req.header(CSRF_HEADER))) {
          return c.text('dcc-kit: this page\'s access key is missing or old: open the page again from your DCC\'s menu or with dcc-kit ui', 403);
        }
      }
      c.header('Cache-Control', 'no-store');
      c.header('X-Content-Type-Options', 'nosniff');
      // not no-referrer: with it browsers send 'Origin: null', and the Origin check could not tell our page.
      c.header('Referrer-Policy', 'same-origin');
      c.header('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
      await next();
    });

    app.get('/assets/htmx.js', (c) => c.body(this.htmx, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
    app.get('/assets/app.js', (c) => c.body(APP_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
    app.get('/assets/app.css', (c) => c.body(APP_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
    app.get('/', (c) => c.redirect('/sessions', 303));
    mediaRoutes(app, { session: (id) => chooseSession(this.hub.sessionInfo(), id), adapter: (dcc, endpoint, args) => this.hub.adapterCall(dcc, endpoint, args) });

    app.get('/events', (c) => {
      const listener = (event: string, data: Record<string, unknown>) => stream.send(event, data);
      const keepalive = setInterval(() => stream.comment('keepalive'), 15_000);
      const stream: EventStream = new EventStream({
        onEnd: (why) => {
          clearInterval(keepalive);
          this.hub.off('broadcast', listener);
          this.streams.delete(stream);
          if (why === 'behind') this.hub.log.warn(`web: closed a page's event stream that stopped reading (over ${STREAM_QUEUE_BYTES} bytes unread); the page reconnects`);
        },
        disconnect: () => (c.env as { outgoing?: { destroy(): void } }).outgoing?.destroy(),
      });
      this.streams.add(stream);
      this.hub.on('broadcast', listener);
      return c.body(stream.body, 200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    });

    app.get('/frag/:view', async (c) => {
      const view = c.req.param('view') as View;
      if (!(VIEWS as readonly string[]).includes(view)) return c.text('no such view', 404);
      const sessions = this.hub.sessionInfo();
      const session = chooseSession(sessions, c.req.query('session'));
      return c.html((await fragment({ view, session, query: c.req.query() }, this.data())).text);
    });

    for (const view of VIEWS) {
      app.get(`/${view}`, async (c) => {
        const sessions = this.hub.sessionInfo();
        const req = { view, session: chooseSession(sessions, c.req.query('session')), query: c.req.query() };
        return c.html(page(req, sessions, await fragment(req, this.data())).text);
      });
    }

    const act = (route: string, fn: (body: Record<string, unknown>, c: Context) => Promise<string>) => {
      app.post(route, bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: (c) => c.html(toast('bad', `the request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`), 413),
      }), async (c) => {
        try {
          return c.html(await fn(await readBody(c), c));
        } catch (err) {
          return c.html(toast('bad', clip((err as Error).message)), err instanceof BadRequest ? 400 : 200);
        }
      });
    };
    const sessionOf = (body: Record<string, unknown>) => {
      const wanted = field(body, 'session');
      const s = chooseSession(this.hub.sessionInfo(), wanted);
      if (!s) throw new Error(wanted ? `no session "${wanted}" is connected (a session id, or 4 characters or more of one)` : 'no session is connected');
      return s;
    };

    act('/api/workfile/save', async (body) => {
      const s = sessionOf(body);
      let t: { dest: string; state: string };
      try {
        t = await this.hub.adapterCall(s.dcc, 'workfile.save', { session: s.id, versionUp: truthy(field(body, 'versionUp')), force: truthy(field(body, 'force')) }) as { dest: string; state: string };
      } catch (err) {
        // Another session saves there or the archive changed on disk: the artist chooses, nothing is overwritten meanwhile.
        if ((err as { code?: unknown }).code !== 'WORKFILE_CONFLICT') throw err;
        return h`<div class="bad"><p>${clip((err as Error).message)}</p><p>
<button hx-post="/api/workfile/save" hx-vals='${vals({ session: s.id, versionUp: true })}' hx-target="#toast">Save as a new version</button>
<button class="secondary" hx-post="/api/workfile/save" hx-vals='${vals({ session: s.id, force: true })}' hx-target="#toast">Overwrite anyway</button></p></div>`.text;
      }
      return toast('muted', `Harmony saved the scene; zipping ${t.dest}${t.state === 'queued' ? ' (after the zip already running)' : ''}…`);
    });
    act('/api/workfile/open', async (body) => {
      // Only a version the session's workfile list shows: the page never asks for another file, and a zip
      // elsewhere would bring its folder's .dcckitrc (which names the program to start).
      const s = sessionOf(body);
      const zip = field(body, 'zip');
      if (!zip) throw new Error('open needs the workfile (zip) to open');
      const list = await this.hub.adapterCall(s.dcc, 'workfile.list', { session: s.id }) as { versions: { path: string }[] };
      if (!list.versions.some((v) => v.path === zip)) throw new Error(`${clip(zip)} is not one of this session's workfile versions: open one from the list`);
      this.launchWorkfile(s.dcc, zip);
      return toast('muted', `Opening ${path.basename(zip)} in a new ${s.dcc}…`);
    });
    act('/api/create', async (body) => {
      const s = sessionOf(body);
      const attributes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) if (k.startsWith('attr.')) attributes[k.slice(5)] = Array.isArray(v) ? v[0] : v;
      const rec = await this.hub.adapterCall(s.dcc, 'create.run', { session: s.id, creator: field(body, 'creator'), variant: field(body, 'variant'), attributes }) as { productName: string; key: string };
      return toast('ok', `Created ${rec.productName} (${rec.key}).`);
    });
    act('/api/create/toggle', async (body) => {
      const s = sessionOf(body);
      const rec = await this.hub.adapterCall(s.dcc, 'create.update', { session: s.id, key: field(body, 'key'), active: truthy(field(body, 'active')) }) as { productName: string; active: boolean };
      return toast('ok', `${rec.productName} is ${rec.active ? 'active' : 'inactive'}.`);
    });
    act('/api/create/remove', async (body) => {
      const s = sessionOf(body);
      const r = await this.hub.adapterCall(s.dcc, 'create.remove', { session: s.id, keys: [field(body, 'key')] }) as { removed: string[] };
      return toast('ok', `Removed ${r.removed.join(', ') || 'nothing'}.`);
    });
    act('/api/publish', async (body) => {
      const s = sessionOf(body);
      const r = await this.hub.adapterCall(s.dcc, 'publish.run', { session: s.id, dryRun: truthy(field(body, 'dryRun')), repair: truthy(field(body, 'repair')), comment: field(body, 'comment') }) as { runId: string };
      return publishRun(r.runId).text.replace('<section ', `<section data-dcc="${escapeHtml(s.dcc)}" `);
    });
    act('/api/publish/repair', async (body) => {
      const dcc = field(body, 'dcc') ?? this.hub.sessionInfo()[0]?.dcc ?? 'harmony';
      const r = await this.hub.adapterCall(dcc, 'publish.repair', { runId: field(body, 'runId'), plugin: field(body, 'plugin'), instanceId: body.instanceId ?? undefined }) as { success: boolean; error?: { message: string } };
      return r.success ? toast('ok', `Repaired: ${field(body, 'plugin')} passes now. Publish again.`) : toast('bad', `Still failing: ${r.error?.message ?? ''}`);
    });
    act('/api/load', async (body) => {
      const s = sessionOf(body);
      const version = field(body, 'version') || undefined; // a number or "latest"; none = latest
      const c = await this.hub.adapterCall(s.dcc, 'load.run', { session: s.id, product: field(body, 'product'), version, representation: field(body, 'representation') }) as { product: string; version: number; nodes: string[] };
      return toast('ok', `Loaded ${c.product} v${c.version}: ${c.nodes.join(', ')}`);
    });
    act('/api/inventory', async (body) => {
      const s = sessionOf(body);
      const raw = body.ids;
      const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
      const action = field(body, 'action') ?? 'update';
      if (!['update', 'updateAll', 'remove'].includes(action)) throw new Error(`action is update, updateAll or remove (got "${clip(action)}")`);
      if (action === 'remove') {
        if (!ids.length) throw new Error('select the containers to remove');
        const r = await this.hub.adapterCall(s.dcc, 'inventory.remove', { session: s.id, ids }) as { removed: string[] };
        return toast('ok', `Removed ${r.removed.length} container(s).`);
      }
      if (action === 'update' && !ids.length) throw new Error('select the containers to update');
      const r = await this.hub.adapterCall(s.dcc, 'inventory.update', { session: s.id, ids, all: action === 'updateAll' }) as { updated: { from: number; to: number }[]; failed: { error: string }[] };
      const failed = r.failed.length ? ` ${r.failed.length} failed: ${r.failed.map((f) => f.error).join('; ')}` : '';
      return toast(r.failed.length ? 'bad' : 'ok', `Updated ${r.updated.length} container(s).${failed}`);
    });
    act('/api/ingest', async (body) => {
      const s = sessionOf(body);
      const source = field(body, 'source')?.trim();
      const product = field(body, 'product')?.trim().replace(/\/+$/, '');
      if (!source || !product) throw new Error('ingest needs the file or folder and the product (folder/product)');
      if (!path.isAbsolute(source)) throw new Error(`give the full path of the file or folder to ingest (got "${clip(source)}")`);
      const ctx = await this.hub.adapterCall(s.dcc, 'context.resolve', { session: s.id }) as { context: Record<string, unknown>; config: { review?: { ffmpeg: string | null } } };
      const { ingest } = await import('../ingest/ingest.ts');
      const { storeFromConfig } = await import('../store/index.ts');
      const type = field(body, 'type') || undefined;
      const r = await ingest({
        source, target: product, type: type as Parameters<typeof ingest>[0]['type'], comment: field(body, 'comment')?.trim() || null,
        store: storeFromConfig(ctx.config), ffmpeg: ctx.config.review?.ffmpeg ?? null, context: { project: ctx.context.project, folder: ctx.context.folder, task: ctx.context.task },
      });
      return toast('ok', `Ingested ${r.product} v${r.version} (${r.type}: ${r.summary}).`);
    });
    act('/api/scene-settings', async (body) => {
      const s = sessionOf(body);
      const r = await this.hub.adapterCall(s.dcc, 'scene.applySettings', { session: s.id }) as { changed: { key: string; from: unknown; to: unknown }[] };
      return toast('ok', r.changed.length ? `Changed ${r.changed.map((x) => `${x.key} ${JSON.stringify(x.from)} → ${JSON.stringify(x.to)}`).join(', ')}.` : 'The scene already matches the context.');
    });
    return app;
  }
}
