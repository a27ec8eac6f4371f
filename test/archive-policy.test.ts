/**
 * Issue 21 item 5: one extraction policy for every zip the kit opens. A zip inflating far past the ratio is
 * refused by extractZip whoever calls it, and template and workfile products a loader unzips are held to the
 * same limits (harmony.workfiles) and hostile-entry refusals as opening a workfile: nothing is extracted,
 * nothing reaches the scene.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZipLimitError, extractZip } from '../kit/archive/index.ts';
import { pipelineRig, sceneShape } from './support/pipeline.ts';
import { publishFiles } from './support/products.ts';
import { rawZip } from './support/raw-zip.ts';

const MiB = 1024 * 1024;
/** ~64 KiB that inflates to 64 MiB (about 1000:1). */
const bomb = (top: string) => rawZip([{ name: `${top}/` }, { name: `${top}/elements/zeros.tvg`, data: Buffer.alloc(64 * MiB) }]);

test('extractZip holds every caller to the default ratio (100:1) unless it passes another', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-policy-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const zip = path.join(dir, 'bomb.zip');
  fs.writeFileSync(zip, bomb('x'));
  t.true(fs.statSync(zip).size < MiB);
  const err = await t.throwsAsync(extractZip(zip, path.join(dir, 'out')), { instanceOf: ZipLimitError });
  t.regex(err!.message, /would inflate \d{3,}:1 .*more than the limit of 100:1/);
  t.deepEqual(fs.readdirSync(dir), ['bomb.zip'], 'nothing extracted');
});

test('template and workfile products are unzipped under the workfile limits: a bomb or a hostile entry is refused', async (t) => {
  const rig = await pipelineRig(t);
  const shape = sceneShape(rig);
  await publishFiles(rig.store, rig.dir, 'shots/sh010', 'templateBomb', 'harmony.template', { name: 'tpl', ext: 'zip' }, { 'templateBomb.zip': bomb('bomb.tpl') });
  await publishFiles(rig.store, rig.dir, 'shots/sh010', 'workfileBomb', 'workfile', { name: 'zip', ext: 'zip' }, { 'workfileBomb.zip': bomb('scene') });
  await publishFiles(rig.store, rig.dir, 'shots/sh010', 'templateEvil', 'harmony.template', { name: 'tpl', ext: 'zip' },
    { 'templateEvil.zip': rawZip([{ name: 'evil.tpl/' }, { name: 'evil.tpl/../../../escaped.txt', data: Buffer.from('x') }]) });
  for (const product of ['templateBomb', 'workfileBomb']) {
    const err = await t.throwsAsync(rig.tool('load.run', { product }));
    t.regex(err!.message, /would inflate \d{3,}:1 .*more than the limit of 100:1.*harmony\.workfiles\.maxCompressionRatio/s, product);
  }
  const evil = await t.throwsAsync(rig.tool('load.run', { product: 'templateEvil' }));
  t.regex(evil!.message, /Refusing to extract .*entry "evil\.tpl\/\.\.\/\.\.\/\.\.\/escaped\.txt"/);
  t.deepEqual(sceneShape(rig), shape, 'nothing reached the scene');
});
