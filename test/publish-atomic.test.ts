/**
 * Issue 21 item 10: a failed publish commits nothing. Products are staged (files copied, manifests not written)
 * and completed together (all manifests prepared, then all renamed) after the last integrator; a failure
 * anywhere rolls every staged product back, "latest" does not move, and the report names what was rolled back.
 */
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeFailure, runPublish, type PublishPlugin } from '../kit/publish/index.ts';
import { ProductStore, type VersionWriter } from '../kit/store/index.ts';
import { pipelineRig, publishAndWait } from './support/pipeline.ts';

/** An integrator staging one product of `name` into a real store, the way Harmony's does. */
function stagingIntegrator(store: ProductStore, src: string, order: number, name: string, fail?: string): PublishPlugin {
  return {
    label: `Integrate ${name}`, order,
    async process(ctx) {
      if (fail) throw new Error(fail);
      const w: VersionWriter = await store.reserve({ folder: 'shots/sh010', product: name, productType: 'render' });
      await w.addFiles('png', 'png', [{ source: src, path: `${name}.png` }]);
      ctx.stage({ label: `shots/sh010/${name} v${w.version}`, published: { product: `shots/sh010/${name}`, version: w.version, path: w.dir },
        prepare: async () => { await w.prepareCommit({ source: null, context: {} }); }, finish: () => w.finishCommit(), rollback: () => w.discard() });
    },
  };
}

test('an integrator failing after another staged its product: neither is complete, latest does not move, the report says so', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-atomic-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = new ProductStore({ root: path.join(dir, 'store') });
  const src = path.join(dir, 'frame.png');
  fs.writeFileSync(src, 'frame');
  const ok = await runPublish({ plugins: [stagingIntegrator(store, src, 3, 'renderA'), stagingIntegrator(store, src, 3.1, 'renderB')] });
  t.true(ok.success);
  t.deepEqual(ok.published.map((p) => `${p.product} v${p.version}`), ['shots/sh010/renderA v1', 'shots/sh010/renderB v1']);
  t.deepEqual(ok.rolledBack, []);

  const failed = await runPublish({ plugins: [stagingIntegrator(store, src, 3, 'renderA'), stagingIntegrator(store, src, 3.1, 'renderB', 'the farm refused the job')] });
  t.false(failed.success);
  t.deepEqual(failed.published, []);
  t.deepEqual(failed.rolledBack, ['shots/sh010/renderA v2']);
  t.is(describeFailure(failed), 'Integrate renderB failed: the farm refused the job. Nothing was committed: shots/sh010/renderA v2 rolled back.');
  t.is((await store.latest('shots/sh010', 'renderA'))!.version, 1, 'latest did not move');
  t.deepEqual((await store.listVersions('shots/sh010', 'renderA')).map((v) => v.version), [1], 'the staged version is gone, not left incomplete');
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a Harmony publish whose farm submission fails commits neither its workfile nor its local render', async (t) => {
  const port = await closedPort();
  const rig = await pipelineRig(t, {
    shotContext: '  folder: shots/sh010\n  task: anim\n  frameStart: 1001\n  frameEnd: 1003\n',
    configure: (config) => { config.farm.afanasy.port = port; },
  });
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });
  await rig.tool('create.run', { creator: 'render', variant: 'Farm', attributes: { target: 'farm' } });
  const report = await publishAndWait(rig, { repair: true });
  t.false(report.success);
  const failed = report.results.filter((r) => !r.success).at(-1)!;
  t.is(failed.plugin, 'Submit Farm Render');
  t.deepEqual(report.published, [], 'nothing is reported published');
  t.deepEqual([...report.rolledBack].sort(), ['shots/sh010/renderMain v1', 'shots/sh010/workfileAnim v1']);
  t.regex(describeFailure(report)!, /Nothing was committed: .*rolled back/);
  for (const p of await rig.store.listProducts()) t.is(p.latest, null, `${p.product} has no complete version`);
  t.deepEqual((await rig.store.listProducts()).filter((p) => p.versions > 0).map((p) => p.product), [], 'no version folder is left behind');
});
