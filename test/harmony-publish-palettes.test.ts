/** The publish collects the scene's own palettes, named once; palettes loaded from the store are not re-published. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import type { PublishReport } from '../kit/publish/index.ts';
import { pipelineRig } from './support/pipeline.ts';
import { publishFiles } from './support/products.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

const PLT = 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0000000000000001 0 0 0 255\n';

test('an imported palette of another shot is not published again (as palettePaletteCharacters); the scene\'s own ones are, named once', async (t) => {
  const rig = await pipelineRig(t, {
    prepare: (scene) => {
      for (const name of ['charA', 'paletteBg']) {
        const plt = path.join(scene.projectDir, 'palette-library', `${name}.plt`);
        fs.mkdirSync(path.dirname(plt), { recursive: true });
        fs.writeFileSync(plt, PLT);
      }
    },
  });
  const session = (await rig.client.sessions())[0]!.id;
  for (const name of ['charA', 'paletteBg']) await rig.client.call(session, 'PaletteObjectManager.getScenePaletteList().addPalette', `${rig.copy}/palette-library/${name}`);
  // Another shot's palette product, imported (copied into this scene's palette-library) and linked.
  await publishFiles(rig.store, rig.dir, 'shots/sh020', 'paletteCharacters', 'palette', { name: 'plt', ext: 'plt' }, { 'paletteCharacters.plt': PLT });
  await publishFiles(rig.store, rig.dir, 'shots/sh020', 'paletteProps', 'palette', { name: 'plt', ext: 'plt' }, { 'paletteProps.plt': PLT });
  await rig.tool('load.run', { product: 'shots/sh020/paletteCharacters', mode: 'import' });
  await rig.tool('load.run', { product: 'shots/sh020/paletteProps', mode: 'link' });
  t.true(fs.existsSync(path.join(rig.copy, 'palette-library', 'paletteCharacters.plt')), 'the import copied it into the scene');

  const { runId } = await rig.tool<{ runId: string }>('publish.run', { repair: true });
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.runId === runId && e.type === 'end'), PATIENCE_MS * 2, 'the publish to end');
  const report = (await rig.tool<{ report: PublishReport }>('publish.report', { runId })).report;
  t.true(report.success, JSON.stringify(report.results.filter((r) => !r.success)));
  t.deepEqual(report.published.map((p) => p.product).sort(), ['shots/sh010/paletteBg', 'shots/sh010/paletteCharA', 'shots/sh010/workfileAnim']);
  const collected = report.results.find((r) => r.plugin === 'Collect Palettes')!;
  t.regex(collected.records.map((r) => r.msg).join('\n'), /2 palette\(s\) of this scene to publish: charA, paletteBg; 2 loaded from the store \(paletteCharacters, paletteProps\), not published again/);
});
