import test from 'ava';
import type { Page } from 'playwright-core';
import { WebServer } from '../kit/web/server.ts';
import { pipelineRig } from './support/pipeline.ts';
import { browser, closeBrowser } from './support/browser.ts';
import { copyStudioExample } from './support/studio.ts';
import { PATIENCE_MS } from './support/patience.ts';

test.after.always(() => closeBrowser());

test('in Chromium: the studio creator, validator, extractor and loader show in the Create, Publish and Load views; the validator stops a publish with its message, good input publishes', async (t) => {
  const rig = await pipelineRig(t, {
    prepareDir: copyStudioExample,
    // The default scene's 60 frames: only the studio's rule can fail this publish.
    shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1001\n  frameEnd: 1060\n',
  });
  const web = new WebServer(rig.hub);
  await web.listen();
  t.teardown(() => web.close());
  const session = (await rig.client.sessions())[0]!.id;
  const context = await (await browser()).newContext();
  t.teardown(() => context.close());
  const page: Page = await context.newPage();
  page.setDefaultTimeout(PATIENCE_MS);
  await page.goto(web.url('create'));

  const form = page.getByRole('form', { name: 'Create Layout peg' });
  await form.getByText('(studio)').waitFor();
  await form.getByRole('button').click();
  await page.locator('#toast').getByText('Created layoutMain').waitFor();
  await page.locator('tr[data-instance="Top/layoutMain"]').waitFor();

  await rig.client.call(session, '(function () { return node.add("Top", "TMP_page", "PEG", 0, 0, 0); })');
  await page.getByRole('link', { name: 'Publish' }).click();
  t.regex(await page.locator('tr[data-plugin="Validate No Temp Nodes"]').textContent() ?? '', /validate[\s\S]*studio: .*validate-temp-nodes\.ts/);
  t.regex(await page.locator('tr[data-plugin="Extract Layout"]').textContent() ?? '', /extractlayout[\s\S]*studio: .*extract-layout\.ts/);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.locator('.publish-summary.bad').waitFor();
  const failed = page.locator('.publish-log li[data-plugin="Validate No Temp Nodes"]');
  t.is(await failed.locator('strong.bad').innerText(), 'failed');
  t.regex(await failed.innerText(), /studio rule: temporary nodes must not be published: Top\/TMP_page Delete the TMP_ nodes/);

  await rig.client.call(session, '(function () { node.deleteNode("Top/TMP_page", true, true); return true; })');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.locator('.publish-summary.ok').waitFor();
  const passed = page.locator('section.publish-run', { has: page.locator('.publish-summary.ok') });
  t.regex(await passed.locator('.publish-summary').innerText(), /shots\/sh010\/layoutMain v1/);
  t.is(await passed.locator('.publish-log li[data-plugin="Validate No Temp Nodes"] strong.ok').count(), 1);
  t.is(await passed.locator('.publish-log li[data-plugin="Extract Layout"] strong.ok').count(), 1);

  await page.goto(`http://127.0.0.1:${web.port}/load?session=${session}&product=${encodeURIComponent('shots/sh010/layoutMain')}`);
  t.regex(await page.locator('tr[data-loader="layout"]').textContent() ?? '', /Layout peglayoutjsonstudio: .*loaders\/layout\.ts/);
  await page.getByRole('button', { name: 'Load shots/sh010/layoutMain v1 json' }).click();
  await page.locator('#toast').getByText('Loaded shots/sh010/layoutMain v1: Top/layoutMain_1').waitFor();
  t.is(rig.sim.scene!.state.nodes.get('Top/layoutMain_1')!.type, 'PEG');
});
