/**
 * Web page bench, in headless Chromium (the same one the tests use):
 *  - first load of the page from the hub: token URL -> cookie -> page with its assets and the session's
 *    data (median of 5, a new browser context each), beside a bare node:http page in the same browser;
 *    target < 300 ms;
 *  - an event's way from the hub (broadcast) to the page's script (median of 20), beside the same through
 *    a bare node:http Server-Sent Events stream; target < 50 ms.
 *
 *   npx node bench/run.ts web
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebServer } from '../kit/web/server.ts';
import { pipelineRig } from '../test/support/pipeline.ts';
import { browser, closeBrowser } from '../test/support/browser.ts';

interface Figure { label: string; ratio: number; met?: boolean }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function bareServer(): Promise<{ port: number; send(data: string): void; close(): Promise<void> }> {
  const streams = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.write(': open\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><title>bare</title><h1>bare</h1><script>window.dcckitEvents=[];new EventSource('/events').addEventListener('hub.ping',function(e){window.dcckitEvents.push({data:JSON.parse(e.data),receivedAt:Date.now()});});</script>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as AddressInfo).port,
    send: (data) => { for (const s of streams) s.write(`event: hub.ping\ndata: ${data}\n\n`); },
    close: () => new Promise((r) => { for (const s of streams) s.end(); server.close(() => r()); }),
  })));
}

type Win = { dcckitEvents: { data: { i: number }; receivedAt: number }[] };

export async function runWebBench(): Promise<Figure[]> {
  const teardowns: (() => unknown)[] = [];
  const t = { teardown(fn: () => unknown) { teardowns.push(fn); } };
  try {
    const rig = await pipelineRig(t);
    const web = new WebServer(rig.hub);
    await web.listen();
    teardowns.push(() => web.close());
    const bare = await bareServer();
    teardowns.push(() => bare.close());
    // One browser context (the bundled Chromium runs single-process): cookies cleared before each load, so
    // every load of the hub's page is a first one (token exchange included).
    const ctx = await (await browser()).newContext();
    teardowns.push(() => ctx.close());
    const loads: number[] = [];
    const bareLoads: number[] = [];
    for (let i = 0; i < 6; i++) {
      for (const [list, url] of [[loads, web.url('sessions')], [bareLoads, `http://127.0.0.1:${bare.port}/`]] as const) {
        await ctx.clearCookies();
        const page = await ctx.newPage();
        const t0 = performance.now();
        await page.goto(url, { waitUntil: 'load' });
        if (i > 0) list.push(performance.now() - t0); // the first of each warms the browser
        await page.close();
      }
    }
    const load = median(loads);
    const loadMet = load < 300;
    console.log(`first page load from the hub: ${load.toFixed(0)} ms vs a bare node:http page ${median(bareLoads).toFixed(0)} ms = ${(load / median(bareLoads)).toFixed(2)}x (target < 300 ms${loadMet ? '' : ', MISSED'})`);

    const lag = async (url: string, send: (data: string) => void): Promise<number> => {
      const page = await ctx.newPage();
      await page.goto(url);
      await page.waitForFunction(() => Array.isArray((globalThis as unknown as Win).dcckitEvents));
      await new Promise((r) => setTimeout(r, 200));
      const lags: number[] = [];
      for (let i = 0; i < 20; i++) {
        const sent = Date.now();
        send(JSON.stringify({ i, sent }));
        await page.waitForFunction((n) => (globalThis as unknown as Win).dcckitEvents.some((e) => e.data.i === n), i);
        const got = await page.evaluate((n) => (globalThis as unknown as Win).dcckitEvents.find((e) => e.data.i === n)!.receivedAt, i);
        lags.push(got - sent);
      }
      await page.close();
      return median(lags);
    };
    const ours = await lag(web.url('sessions'), (data) => rig.hub.broadcast('hub.ping', JSON.parse(data)));
    const base = await lag(`http://127.0.0.1:${bare.port}/`, bare.send);
    const lagMet = ours < 50;
    console.log(`event hub -> page: ${ours} ms vs a bare node:http SSE stream ${base} ms (target < 50 ms${lagMet ? '' : ', MISSED'})`);
    return [
      { label: 'web first load / 300 ms', ratio: load / 300, met: loadMet },
      { label: 'web event lag / 50 ms', ratio: ours / 50, met: lagMet },
    ];
  } finally {
    for (const fn of teardowns.reverse()) await fn();
    await closeBrowser();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runWebBench();
