/**
 * Zip bombs (issue 15, defect 4): an entry or an archive inflating more than the configured ratio is refused
 * before anything is written, naming the entry and its ratio, through extractZip and the workfile open path.
 */
import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ZipLimitError, extractZip, zipDirectory } from '../kit/archive/index.ts';
import { openWorkfile } from '../adapters/harmony/workfiles/local-copy.ts';
import { workfileSettings } from '../adapters/harmony/workfiles/config.ts';
import { sandbox } from './support/cli.ts';

const MiB = 1024 * 1024;
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-archive-ratio-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

/** A workfile whose project holds a 48 MiB file of zeros (deflates about 1000:1) beside an ordinary scene. */
async function bombWorkfile(name: string): Promise<string> {
  const src = path.join(scratch, `${name}-src`);
  await fs.mkdir(path.join(src, 'elements'), { recursive: true });
  await fs.writeFile(path.join(src, `${name}.xstage`), '<project>'.concat('<node/>'.repeat(2000), '</project>'));
  await fs.writeFile(path.join(src, 'elements', 'zeros.tvg'), Buffer.alloc(48 * MiB));
  const zip = path.join(scratch, `${name}.zip`);
  await zipDirectory(src, zip);
  await fs.rm(src, { recursive: true });
  return zip;
}

async function leftovers(dir: string): Promise<string[]> {
  return (await fs.readdir(dir).catch(() => [] as string[]));
}

test('an entry inflating more than the ratio is refused, named with its ratio, and nothing is left behind', async (t) => {
  const zip = await bombWorkfile('bomb_v001');
  const destParent = path.join(scratch, 'extract');
  await fs.mkdir(destParent);
  const err = await t.throwsAsync(extractZip(zip, path.join(destParent, 'out'), { maxRatio: 100 }), { instanceOf: ZipLimitError });
  t.is(err!.limit, 'ratio');
  t.regex(err!.message, /Entry "elements\/zeros\.tvg" .* would inflate \d{3,}:1 \(50331648 bytes from \d+\), more than the limit of 100:1/);
  t.regex(err!.message, /raise maxRatio/);
  t.deepEqual(await leftovers(destParent), []);
  // A trusted archive still extracts when the limit is raised.
  const summary = await extractZip(zip, path.join(destParent, 'out'), { maxRatio: 5000 });
  t.is(summary.files, 2);
});

test('the archive as a whole is held to the ratio too (many entries each under it)', async (t) => {
  const src = path.join(scratch, 'many-src');
  await fs.mkdir(src);
  // 8 files of 512 KiB zeros: each under the 1 MiB floor, 4 MiB in all at ~500:1.
  for (let i = 0; i < 8; i++) await fs.writeFile(path.join(src, `part${i}.bin`), Buffer.alloc(512 * 1024));
  const zip = path.join(scratch, 'many.zip');
  await zipDirectory(src, zip);
  const err = await t.throwsAsync(extractZip(zip, path.join(scratch, 'many-out'), { maxRatio: 100 }), { instanceOf: ZipLimitError });
  t.regex(err!.message, /many\.zip would inflate \d{3,}:1 .* over its 8 entries, more than the limit of 100:1/);
  await t.throwsAsync(fs.stat(path.join(scratch, 'many-out')));
});

test('opening a workfile uses harmony.workfiles.maxCompressionRatio (default 100) and names the setting', async (t) => {
  const zip = await bombWorkfile('shot_v001');
  const cfg = workfileSettings({ home: path.join(scratch, 'home') });
  t.is(cfg.maxCompressionRatio, 100);
  const workArea = path.join(scratch, 'work');
  const err = await t.throwsAsync(openWorkfile(zip, { workArea, maxBytes: cfg.maxExtractBytes, maxRatio: cfg.maxCompressionRatio }), { instanceOf: ZipLimitError });
  t.regex(err!.message, /Entry "elements\/zeros\.tvg" .* more than the limit of 100:1\. Nothing was extracted.*harmony\.workfiles\.maxCompressionRatio/);
  t.deepEqual(await leftovers(workArea), []);
  const raised = workfileSettings({ home: path.join(scratch, 'home'), harmony: { workfiles: { maxCompressionRatio: 5000 } } });
  const opened = await openWorkfile(zip, { workArea, maxRatio: raised.maxCompressionRatio });
  t.true(opened.scene.endsWith('shot_v001.xstage'));
});

test('dcc-kit workfile open refuses a zip bomb with the configured ratio and extracts nothing', async (t) => {
  const zip = await bombWorkfile('cli_v001');
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const r = await sb.run(['workfile', 'open', zip, '--simulate'], { timeout: 120_000 });
  t.is(r.code, 1, r.stdout + r.stderr);
  t.regex(r.stderr, /Entry "elements\/zeros\.tvg" .* more than the limit of 100:1.*harmony\.workfiles\.maxCompressionRatio/s);
  const workArea = path.join(sb.env.DCC_KIT_HOME!, 'harmony');
  t.deepEqual((await leftovers(workArea)).filter((n) => n.startsWith('cli_v001') || n.includes('dcckit-tmp')), []);
});
