/** The page with review media: a comment on the publish, thumbnails in Load and Manage, the movie playing in Load. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { WebServer } from '../kit/web/server.ts';
import type { VersionManifest } from '../kit/store/index.ts';
import { pipelineRig } from './support/pipeline.ts';
import { browser, closeBrowser } from './support/browser.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { testFrames, testSound } from './support/media.ts';

const SHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
test.after.always(() => closeBrowser());

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

test('Chromium: a publish with a comment from the Publish view; Load shows the comment and plays the review movie (thumbnail as poster); Manage shows the thumbnail and comment; media are served only from the manifest, cached by ETag', async (t) => {
  const rig = await pipelineRig(t, { shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1001\n  frameEnd: 1012\n  resolution: [640, 360]\n' });
  const web = new WebServer(rig.hub);
  await web.listen();
  t.teardown(() => web.close());
  const session = (await rig.client.sessions())[0]!.id;
  await rig.tool('scene.applySettings', {});
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });

  const context = await (await browser()).newContext();
  t.teardown(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(PATIENCE_MS * 2);
  await page.goto(web.url('publish', session));
  await page.getByLabel('Comment').fill('blocking pass\nwalk cycle timing');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.locator('.publish-summary.ok').waitFor();
  await shot(page, 'review-publish');
  const version = (await rig.store.latest('shots/sh010', 'renderMain'))!;
  const manifest = version.manifest as VersionManifest;
  t.is(manifest.comment, 'blocking pass\nwalk cycle timing');

  await page.goto(`http://127.0.0.1:${web.port}/load?session=${session}&product=${encodeURIComponent('shots/sh010/renderMain')}`);
  const row = page.locator('tr[data-version="1"]');
  t.is(await row.locator('td.comment').innerText(), 'blocking pass\nwalk cycle timing');
  t.is(await row.getByRole('button', { name: /Load .* (mp4|thumbnail)$/ }).count(), 0, 'the movie and thumbnail are not offered as loads');
  const video = row.locator('video.review');
  // The poster is the thumbnail: it loads as an image.
  const poster = await video.getAttribute('poster');
  t.regex(poster!, /file=renderMain\.thumbnail\.jpg/);
  t.true(await page.evaluate((src) => new Promise<boolean>((resolve) => { const i = new (globalThis as unknown as { Image: new () => { onload: () => void; onerror: () => void; src: string; naturalWidth: number } }).Image(); i.onload = () => resolve(i.naturalWidth > 0 && i.naturalWidth <= 512); i.onerror = () => resolve(false); i.src = src; }), poster!));
  // The movie plays: its frames decode and time moves on (events, not waits).
  const played = await video.evaluate((v) => new Promise<{ w: number; h: number; duration: number; time: number }>((resolve, reject) => {
    const el = v as unknown as { muted: boolean; videoWidth: number; videoHeight: number; duration: number; currentTime: number; play(): Promise<void>; addEventListener(n: string, f: () => void): void; error: unknown };
    el.muted = true;
    el.addEventListener('timeupdate', () => { if (el.currentTime > 0) resolve({ w: el.videoWidth, h: el.videoHeight, duration: el.duration, time: el.currentTime }); });
    el.addEventListener('error', () => reject(new Error(`video error ${JSON.stringify(el.error)}`)));
    el.play().catch(reject);
  }));
  t.like(played, { w: 640, h: 360 });
  t.true(Math.abs(played.duration - 0.5) < 0.05, `12 frames at 24 fps: ${played.duration} s`);
  await video.evaluate((v) => { const el = v as unknown as { pause(): void; currentTime: number }; el.pause(); el.currentTime = 0.25; });
  await shot(page, 'review-load');

  // Served only from the manifest; cached by ETag.
  const thumbUrl = `http://127.0.0.1:${web.port}${poster}`;
  const first = await page.request.get(thumbUrl);
  t.is(first.status(), 200);
  t.is(first.headers()['content-type'], 'image/jpeg');
  const thumbRep = manifest.representations.find((r) => r.name === 'thumbnail')!.files[0]!;
  t.is(first.headers().etag, `"${thumbRep.sha256}"`);
  t.regex(first.headers()['cache-control']!, /private, max-age=\d+/);
  t.is((await page.request.get(thumbUrl, { headers: { 'If-None-Match': `"${thumbRep.sha256}"` } })).status(), 304);
  const movieUrl = `http://127.0.0.1:${web.port}/media?session=${session}&product=shots%2Fsh010%2FrenderMain&version=1&file=renderMain.mp4`;
  const ranged = await page.request.get(movieUrl, { headers: { Range: 'bytes=0-99' } });
  t.is(ranged.status(), 206);
  t.is((await ranged.body()).length, 100);
  for (const file of ['version.json', '../v001/renderMain.mp4', 'renderMain.0001.jpg', '.dcckit-reserved.png']) {
    t.is((await page.request.get(movieUrl.replace('renderMain.mp4', encodeURIComponent(file)))).status(), 404, file);
  }

  // Load the frames; Manage shows the loaded version's thumbnail and comment.
  await row.getByRole('button', { name: 'Load shots/sh010/renderMain v1 png' }).click();
  await page.locator('#toast').getByText('Loaded shots/sh010/renderMain v1').waitFor();
  await page.getByRole('link', { name: 'Manage' }).click();
  const loaded = page.locator('tr[data-container]', { hasText: 'shots/sh010/renderMain' });
  const thumb = loaded.locator('img.thumb');
  await thumb.waitFor();
  await page.waitForFunction((el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth > 0, await thumb.elementHandle());
  t.is(await loaded.locator('td.comment').innerText(), 'blocking pass\nwalk cycle timing');
  await shot(page, 'review-manage');

  // Ingest from the page: refused (a sound named .png) with nothing written, then a plate with its thumbnail.
  const incoming = path.join(rig.dir, 'incoming');
  fs.mkdirSync(incoming);
  const frames = testFrames(incoming, { count: 6, size: '480x270', prefix: 'client_plate.', first: 1001 });
  testSound(path.join(incoming, 'notes.png'), 0.2, 'wav');
  await page.getByRole('link', { name: 'Load' }).click();
  const form = page.getByRole('form', { name: 'Ingest' });
  await form.getByLabel('File, first file of a sequence, or folder').fill(path.join(incoming, 'notes.png'));
  await form.getByLabel('Product (folder/product)').fill('shots/sh010/imageNotes');
  // Every answer refreshes the view, the form with it: count the refreshes, to type into the form once it is back.
  type PageGlobals = { viewSettled: number; document: { getElementById(id: string): { addEventListener(type: string, fn: () => void): void } } };
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    w.viewSettled = 0;
    w.document.getElementById('main').addEventListener('htmx:afterSettle', () => { w.viewSettled++; });
  });
  await form.getByRole('button', { name: 'Ingest' }).click();
  await page.locator('#toast .bad').getByText(/notes\.png: it is a WAV sound, not an image/).waitFor();
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).viewSettled > 0);
  t.deepEqual(await rig.store.listVersions('shots/sh010', 'imageNotes'), []);
  await form.getByLabel('File, first file of a sequence, or folder').fill(frames[0]!);
  await form.getByLabel('Product (folder/product)').fill('shots/sh010/plateClient');
  await form.getByLabel('Comment').fill('from the client, v2 grade');
  await form.getByRole('button', { name: 'Ingest' }).click();
  await page.locator('#toast .ok').getByText('Ingested shots/sh010/plateClient v1 (plate: 6 PNG frame(s) 480x270, 1001-1006)').waitFor();
  await page.getByRole('link', { name: 'shots/sh010/plateClient' }).click();
  const ingested = page.locator('tr[data-version="1"] img.thumb');
  await ingested.waitFor();
  await page.waitForFunction((el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth > 0, await ingested.elementHandle());
  t.is(await page.locator('tr[data-version="1"] td.comment').innerText(), 'from the client, v2 grade');
  await shot(page, 'review-ingest');
});
