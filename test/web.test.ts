import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { WebServer } from '../kit/web/server.ts';
import { pipelineRig, type PipelineRig } from './support/pipeline.ts';
import { browser, closeBrowser } from './support/browser.ts';
import { frames, publishFiles } from './support/products.ts';
import { PATIENCE_MS } from './support/patience.ts';

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

function raw(port: number, opts: { path?: string; method?: string; host?: string; cookie?: string; origin?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: opts.path ?? '/sessions', method: opts.method ?? 'GET', headers: {
      Host: opts.host ?? `127.0.0.1:${port}`, ...(opts.cookie ? { Cookie: opts.cookie } : {}), ...(opts.origin ? { Origin: opts.origin } : {}),
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
  t.is(first.headers.location, '/sessions');
  const cookie = String(first.headers['set-cookie']);
  t.regex(cookie, /HttpOnly/);
  t.regex(cookie, /SameSite=Strict/);
  const value = cookie.split(';')[0]!;
  t.is((await raw(port, { path: `${url.pathname}${url.search}` })).status, 403, 'a token used twice is refused');
  t.is((await raw(port, { cookie: value })).status, 200);
  t.is((await raw(port, { cookie: value, host: `evil.example:${port}` })).status, 421);
  t.is((await raw(port, { cookie: value, host: `127.0.0.1:${port + 1}` })).status, 421);
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, origin: 'http://evil.example' })).status, 403);
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value })).status, 403, 'no Origin, no change');
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, origin: 'null' })).status, 403);
  t.is((await raw(port, { method: 'POST', path: '/api/scene-settings', cookie: value, origin: `http://127.0.0.1:${port}` })).status, 200);
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

test('end to end in Chromium: see the session, save a workfile with live progress, create, publish with per-plugin results, load, update in manage', async (t) => {
  const { rig, web } = await webRig(t);
  const session = (await rig.client.sessions())[0]!.id;
  const started = Date.now();
  const page = await openPage(t, web.url('sessions'));
  const firstLoad = Date.now() - started;
  t.log(`first page load (token exchange + page + assets): ${firstLoad} ms`);
  t.false(page.url().includes('t='), 'the token left the address bar');
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
});
