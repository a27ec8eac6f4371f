/**
 * The publish view keeps every run's outcome on screen until it is dismissed: a view refresh (Harmony closed
 * mid-publish, so the session left) does not replace it, and the Publish button waits while a run goes on.
 */
import test from 'ava';
import { WebServer } from '../kit/web/server.ts';
import { pipelineRig } from './support/pipeline.ts';
import { browser, closeBrowser } from './support/browser.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

test.after.always(() => closeBrowser());

test('in Chromium: Harmony closing mid-publish leaves the run\'s outcome on the page; the button is disabled while it runs; runs stay until dismissed', async (t) => {
  // 120 frames: the scene (60) must be repaired, and the render runs long enough to close Harmony during it.
  const rig = await pipelineRig(t, { shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1\n  frameEnd: 120\n' });
  const web = new WebServer(rig.hub);
  await web.listen();
  t.teardown(() => web.close());
  await rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { review: false } });
  const session = (await rig.client.sessions())[0]!.id;
  const context = await (await browser()).newContext();
  t.teardown(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(PATIENCE_MS * 2);
  await page.goto(web.url('publish', session));
  const publish = page.getByRole('button', { name: 'Publish', exact: true });

  // Run 1 fails at validation and says which validator; its result stays when run 2 starts.
  await publish.click();
  const first = page.locator('.publish-run').first();
  await first.locator('.publish-summary.bad').waitFor();
  t.regex(await first.locator('.publish-summary').innerText(), /failed at validate: Validate Scene Settings: the scene has 60 frames, the context 120.*Nothing was integrated\./);

  // Run 2 repairs and renders; while it runs the Publish button is disabled.
  await page.getByLabel('Repair what validators find').check();
  await publish.click();
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.type === 'progress' && e.plugin === 'Extract Render (local)'), PATIENCE_MS * 2, 'the render to start');
  t.is(await page.locator('.publish-run').count(), 2);
  t.true(await publish.isDisabled(), 'no second publish while one runs');

  // Harmony closes during the render: the session leaves, the view says so, the run's outcome stays.
  rig.sim.close();
  await page.getByText(/No session .* is connected/).waitFor();
  const second = page.locator('.publish-run').first();
  await second.locator('.publish-summary.bad').waitFor();
  t.regex(await second.locator('.publish-summary').innerText(), /The publish failed at integrate: Version Up Workfile: .*Published all the same: .*shots\/sh010\/renderMain v1/);
  t.is(await page.locator('.publish-run').count(), 2, 'both runs are still on screen');

  // Dismissed, a run goes.
  await page.locator('.publish-run').last().getByRole('button', { name: 'Dismiss' }).click();
  t.is(await page.locator('.publish-run').count(), 1);
  t.regex(await page.locator('.publish-run .publish-summary').innerText(), /failed at integrate/);
});
