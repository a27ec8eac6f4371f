import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { WebServer } from '../kit/web/server.ts';
import { STREAM_QUEUE_BYTES } from '../kit/web/event-stream.ts';
import { pipelineRig, type PipelineRig } from './support/pipeline.ts';
import { browser, closeBrowser } from './support/browser.ts';
import { frames, publishFiles } from './support/products.ts';
import { PATIENCE_MS, eventually } from './support/patience.ts';

const SHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
test.after.always(() => closeBrowser());

async function webRig(t: Parameters<typeof pipelineRig>[0]): Promise<{ rig: PipelineRig; web: WebServer }> {
  const rig = await pipelineRig(t);
  const web = new WebServer(rig.hub);
  await web.listen();
  t.teardown(() => web.close());
  return { rig, web };
}

async function openPage(t: { teardown(fn: () => unknown): void }, url: string): Promise<Page> {
  const context = await (await browser()).newContext();
  t.teardown(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(PATIENCE_MS);
  await page.goto(url);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

function raw(port: number, opts: { path?: string; method?: string; host?: string; cookie?: string; origin?: string; csrf?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    // One connection per request (agent: false): a pooled one may be closed by the server's keep-alive timeout just as it is reused.
    const req = http.request({ host: '127.0.0.1', port, agent: false, path: opts.path ?? '/sessions', method: opts.method ?? 'GET', headers: {
      Host: opts.host ?? `127.0.0.1:${port}`, ...(opts.cookie ? { Cookie: opts.cookie } : {}), ...(opts.origin ? { Origin: opts.origin } : {}),
      ...(opts.csrf ? { 'X-DCCKit-CSRF': opts.csrf } : {}),
      ...(opts.method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.method === 'POST' ? 'session=x' : undefined);
  });
}

test('security: the token URL becomes an HttpOnly SameSite=Strict cookie once; no cookie 401, wrong Host 421, cross-origin POST 403; loopback only', async (t) => {
  const { web } = await webRig(t);
  const port = web.port;
  t.is((await raw(port, {})).status, 401);
  const url = new URL(web.url('sessions'));
  const first = await raw(port, { path: `${url.pathname}${url.search}` });
  t.is(first.status, 303);
  t.regex(first.headers.location ?? '', /^\/sessions#csrf=[\w-]{40,}$/, 'the CSRF secret travels only in the fragment');
  const csrf = /#csrf=(.*)$/.exec(first.headers.location ?? '')![1]!;
  const cookie = String(first.headers['set-cookie']);
  t.regex(cookie, /HttpOnly/);
  t.regex(cookie, /SameSite=Strict/);
  t.regex(cookie, /Max-Age=\d+/, 'the cookie expires');
  const value = cookie.split(';')[0]!;
  t.is((await raw(port, { path: `${url.pathname}${url.search}` })).status, 403, 'a token used twice is refused');
  const okPage = await raw(port, { cookie: value });
  t.is(okPage.status, 200);
  t.false(okPage.body.includes(csrf), 'a page fetched with the cookie alone does not hold the CSRF secret');
  t.is((await raw(port, { cookie: value, host: `evil.example:${port}` })).status, 421);
  t.is((await raw(port, { cookie: value, host: `127.0.0.1:${port + 1}` })).status, 421);
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, csrf, origin: 'http://evil.example' })).status, 403);
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, csrf })).status, 403, 'no Origin, no change');
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, csrf, origin: 'null' })).status, 403);
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, origin: `http://127.0.0.1:${port}` })).status, 403, 'the cookie without the CSRF header changes nothing');
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, origin: `http://127.0.0.1:${port}`, csrf: 'x'.repeat(43) })).status, 403, 'a wrong CSRF header changes nothing');
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, csrf, origin: `http://127.0.0.1:${port}` })).status, 200);
  // Each redeemed link is its own session: another cookie, another CSRF secret, not accepted for the first.
  const url2 = new URL(web.url('sessions'));
  const second = await raw(port, { path: `${url2.pathname}${url2.search}` });
  t.is(second.status, 303);
  const value2 = String(second.headers['set-cookie']).split(';')[0]!;
  t.not(value2, value);
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value2, csrf, origin: `http://127.0.0.1:${port}` })).status, 403, 'a CSRF secret is bound to its session');
  t.is((await raw(port, { cookie: 'dcckit_1=wrong' })).status, 401);
  t.is((await raw(port, { cookie: value })).headers['access-control-allow-origin'], undefined, 'no CORS');
  // Not reachable on any other address of this machine.
  const others = Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal && i.family === 'IPv4').map((i) => i!.address);
  for (const address of others) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: address, port }, () => { s.destroy(); resolve(false); });
      s.on('error', () => resolve(true));
      s.setTimeout(2000, () => { s.destroy(); resolve(true); });
    });
    t.true(refused, `port ${port} answered on ${address}`);
  }
});

test('page access: a link opened through a 0600 redirect file that is gone once redeemed; sessions expire and are revoked', async (t) => {
  const { web } = await webRig(t);
  const port = web.port;
  const link = await web.openLink('publish', null);
  t.true(link.fileUrl.startsWith('file://'));
  t.false(link.fileUrl.includes('t='), 'the browser is given a file, not the link');
  if (process.platform !== 'win32') {
    t.is(fs.statSync(link.file).mode & 0o777, 0o600);
    t.is(fs.statSync(path.dirname(link.file)).mode & 0o777, 0o700);
  }
  const href = /url=([^"]+)"/.exec(fs.readFileSync(link.file, 'utf8'))![1]!.replace(/&amp;/g, '&');
  const url = new URL(href);
  t.is(url.pathname, '/publish');
  const redeemed = await raw(port, { path: `${url.pathname}${url.search}` });
  t.is(redeemed.status, 303);
  t.false(fs.existsSync(link.file), 'the redirect file is removed once its link is used');
  t.is((await raw(port, { path: `${url.pathname}${url.search}` })).status, 403, 'a redeemed link cannot be redeemed twice');
  const cookie = String(redeemed.headers['set-cookie']).split(';')[0]!;
  t.is((await raw(port, { cookie })).status, 200);

  // A link whose browser could not start is dropped with its file.
  const failed = await web.openLink('sessions', null);
  const failedHref = new URL(/url=([^"]+)"/.exec(fs.readFileSync(failed.file, 'utf8'))![1]!.replace(/&amp;/g, '&'));
  web.discardLink(failed.file);
  t.false(fs.existsSync(failed.file));
  t.is((await raw(port, { path: `${failedHref.pathname}${failedHref.search}` })).status, 403);

  // Expiry: the page's clock moves past a session's life; its cookie then gets 401 (and the events stream too).
  const clock = Date.now();
  web.access.now = () => clock + 13 * 60 * 60_000;
  t.is((await raw(port, { cookie })).status, 401, 'an expired session is refused');
  t.is((await raw(port, { cookie, path: '/events' })).status, 401);
  const late = new URL(web.url('sessions'));
  web.access.now = () => clock + 13 * 60 * 60_000 + 6 * 60_000;
  t.is((await raw(port, { path: `${late.pathname}${late.search}` })).status, 403, 'an expired link is refused');
  web.access.now = Date.now;

  // A redirect file nobody opens goes when its link expires.
  web.linkTtlMs = 100;
  const forgotten = await web.openLink('sessions', null);
  web.linkTtlMs = 5 * 60_000;
  await eventually('the expired link\'s file to go', () => !fs.existsSync(forgotten.file)).catch(() => {});
  t.false(fs.existsSync(forgotten.file), 'an expired link\'s redirect file is removed');

  // Revocation: every live session, its open event streams and every unused link end at once.
  const fresh = new URL(web.url('sessions'));
  const freshCookie = String((await raw(port, { path: `${fresh.pathname}${fresh.search}` })).headers['set-cookie']).split(';')[0]!;
  const unused = await web.openLink('sessions', null);
  t.is((await raw(port, { cookie: freshCookie })).status, 200);
  const stream = net.connect({ host: '127.0.0.1', port }, () => stream.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${freshCookie}\r\n\r\n`));
  stream.resume();
  const streamEnded = new Promise<void>((resolve) => stream.on('close', () => resolve()));
  await eventually('the page\'s event stream to open', () => web.streams.size > 0);
  t.deepEqual(web.revoke(), { sessions: 1, links: 1 });
  t.is((await raw(port, { cookie: freshCookie })).status, 401, 'a revoked session is refused');
  t.false(fs.existsSync(unused.file), 'revoking removes unused redirect files');
  await streamEnded;
  t.is(web.streams.size, 0, 'a revoked session\'s event stream is closed');
});

test('event streams: a page that stops reading is closed once its queue passes the bound; a page that reads gets every event', async (t) => {
  const { rig, web } = await webRig(t);
  const port = web.port;
  const link = new URL(web.url('sessions'));
  const cookie = String((await raw(port, { path: `${link.pathname}${link.search}` })).headers['set-cookie']).split(';')[0]!;
  const request = `GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\n\r\n`;

  // 20 pages that never read what they are sent.
  const stalled = await Promise.all(Array.from({ length: 20 }, () => new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.pause(); s.write(request); resolve(s); });
    s.on('error', reject);
  })));
  t.teardown(() => { for (const s of stalled) s.destroy(); });
  // One page that reads: it must get every event.
  let received = 0;
  let tail = '';
  const waiters = new Map<number, () => void>();
  const reader = net.connect({ host: '127.0.0.1', port }, () => reader.write(request));
  t.teardown(() => reader.destroy());
  reader.setEncoding('utf8');
  reader.on('data', (chunk: string) => {
    const text = tail + chunk;
    received += text.split('event: test.flood\n').length - 1;
    tail = text.slice(-24);
    if (tail.includes('event: test.flood\n')) tail = tail.slice(tail.lastIndexOf('event: test.flood\n') + 1);
    for (const [n, wake] of waiters) if (received >= n) { waiters.delete(n); wake(); }
  });
  const deadline = Date.now() + PATIENCE_MS;
  while (web.streams.size < 21 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  t.is(web.streams.size, 21);
  const streams = [...web.streams];

  const pad = 'x'.repeat(64 * 1024);
  const COUNT = 320; // 20 MiB for each page: more than the kernel's socket buffers hold
  for (let i = 1; i <= COUNT; i++) {
    rig.hub.broadcast('test.flood', { i, pad });
    await new Promise<void>((resolve) => { if (received >= i) resolve(); else waiters.set(i, resolve); });
  }
  t.is(received, COUNT, 'the page that reads got every event');
  const peak = Math.max(...streams.map((s) => s.peakQueuedBytes));
  t.log(`peak queued bytes of a stream: ${peak} (bound ${STREAM_QUEUE_BYTES})`);
  t.true(peak <= STREAM_QUEUE_BYTES, `a stream's queue reached ${peak} bytes`);
  t.is(web.streams.size, 1, 'the stalled streams were closed');
  t.is(rig.hub.stats().pages, 1);

  // A stalled page that reads again finds its stream ended, far short of what was sent.
  const total = COUNT * pad.length;
  const got = await Promise.all(stalled.map((s) => new Promise<number>((resolve) => {
    let n = 0;
    s.on('data', (d: Buffer) => { n += d.length; if (n > total) resolve(n); });
    s.on('close', () => resolve(n));
    s.on('error', () => {});
    s.resume();
  })));
  for (const n of got) t.true(n < total / 2, `a stalled page received ${n} of ${total} bytes`);
});

test('end to end in Chromium: see the session, save a workfile with live progress, create, publish with per-plugin results, load, update in manage', async (t) => {
  const { rig, web } = await webRig(t);
  const session = (await rig.client.sessions())[0]!.id;
  const started = Date.now();
  const page = await openPage(t, web.url('sessions'));
  const firstLoad = Date.now() - started;
  t.log(`first page load (token exchange + page + assets): ${firstLoad} ms`);
  t.false(page.url().includes('t='), 'the token left the address bar');
  await page.waitForFunction(() => !(globalThis as unknown as { location: { hash: string } }).location.hash.includes('csrf'), undefined, { polling: 100 });
  await page.getByRole('cell', { name: session.slice(0, 8) }).waitFor();
  await shot(page, 'sessions');

  // Workfiles: save, watch the zip progress finish.
  await page.getByRole('link', { name: 'Workfiles' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  // The versions list reloads when the archive is written; the save state is shown again after it.
  await page.locator('#wf-status.ok', { hasText: /Saved .*sh010_anim_v001\.zip/ }).waitFor();
  t.is(await page.locator('#wf-progress').evaluate((e) => (e as unknown as { value: number }).value), 1);
  await shot(page, 'workfiles');

  // Create a render instance.
  await page.getByRole('link', { name: 'Create' }).click();
  await page.getByRole('form', { name: 'Create Render' }).getByRole('button').click();
  await page.locator('#toast').getByText('Created renderMain').waitFor();
  await page.locator('tr[data-instance="Top/renderMain"]').waitFor();
  await shot(page, 'create');

  // Publish: each plugin's result appears; the failed validator offers its repair.
  await page.getByRole('link', { name: 'Publish' }).click();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.locator('.publish-summary.bad').waitFor();
  await page.getByRole('button', { name: 'Repair Validate Scene Settings' }).click();
  await page.locator('#toast').getByText('passes now').waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.locator('.publish-summary.ok').waitFor();
  t.regex(await page.locator('.publish-summary.ok').innerText(), /shots\/sh010\/renderMain v1/);
  t.true(await page.locator('.publish-log li[data-plugin="Extract Render (local)"] .ok').count() === 1);
  await shot(page, 'publish');

  // Load a product, then update it in manage.
  await publishFiles(rig.store, rig.dir, 'shots/sh010', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 3));
  await page.goto(`http://127.0.0.1:${web.port}/load?session=${session}&product=${encodeURIComponent('shots/sh010/plateMain')}`);
  await page.getByRole('button', { name: 'Load shots/sh010/plateMain v1 png' }).click();
  await page.locator('#toast').getByText('Loaded shots/sh010/plateMain v1').waitFor();
  await shot(page, 'load');
  await publishFiles(rig.store, rig.dir, 'shots/sh010', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 3, 'v2'));
  await page.getByRole('link', { name: 'Manage' }).click();
  await page.getByText('outdated').waitFor();
  await page.getByRole('checkbox', { name: 'Select shots/sh010/plateMain' }).check();
  await page.getByRole('button', { name: 'Update selected' }).click();
  await page.locator('#toast').getByText('Updated 1 container(s).').waitFor();
  await page.locator('td.ok', { hasText: 'latest' }).waitFor();
  await shot(page, 'manage');

  await page.getByRole('link', { name: 'Context & scene settings' }).click();
  await page.getByRole('cell', { name: 'shots/sh010', exact: true }).waitFor();
  await shot(page, 'context');

  // An event reaches the page shortly after the hub emits it.
  const lags: number[] = [];
  for (let i = 0; i < 5; i++) {
    const sent = Date.now();
    rig.hub.broadcast('hub.ping', { sent, i });
    await page.waitForFunction((n) => (globalThis as unknown as { dcckitEvents: { event: string; data: { i: number } }[] }).dcckitEvents.some((e) => e.event === 'hub.ping' && e.data.i === n), i);
    const got = await page.evaluate((n) => (globalThis as unknown as { dcckitEvents: { event: string; data: { i: number }; receivedAt: number }[] }).dcckitEvents.find((e) => e.event === 'hub.ping' && e.data.i === n)!.receivedAt, i);
    lags.push(got - sent);
  }
  t.log(`event lag hub -> page: ${lags.join(', ')} ms`);

  // A stream the hub closes (a page that fell behind): the page reconnects and hears the hub again.
  web.closeEventStreams();
  t.is(web.streams.size, 0);
  await page.waitForFunction(() => (globalThis as unknown as { dcckitReconnects?: number }).dcckitReconnects === 1, undefined, { polling: 100 });
  rig.hub.broadcast('hub.ping', { sent: Date.now(), i: 99 });
  await page.waitForFunction(() => (globalThis as unknown as { dcckitEvents: { event: string; data: { i: number } }[] }).dcckitEvents.some((e) => e.event === 'hub.ping' && e.data.i === 99));
});
