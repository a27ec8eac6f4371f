/**
 * Issue 21 item 11: a full store is reported as the destination and its disk (a real full file system: a 1 MiB
 * tmpfs, mounted when the tests run as root), never as an unreadable source; a folder name too long for the
 * file system is refused at validation, before anything is rendered.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PublishReport } from '../kit/publish/index.ts';
import { ProductStore, StoreWriteError } from '../kit/store/index.ts';
import { pipelineRig } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

/** A 1 MiB tmpfs, or null when this process may not mount one (not root). */
function smallDisk(t: { teardown(fn: () => unknown): void }): string | null {
  if (process.getuid?.() !== 0) return null;
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch {
    fs.rmSync(mnt, { recursive: true, force: true });
    return null;
  }
  t.teardown(() => {
    execFileSync('umount', [mnt], { stdio: 'pipe' });
    fs.rmSync(mnt, { recursive: true, force: true });
  });
  return mnt;
}

const asRoot = process.getuid?.() === 0 ? test : test.skip;

asRoot('a full disk is reported as the store and its disk, not as an unreadable source; nothing is left behind', async (t) => {
  const mnt = smallDisk(t);
  if (!mnt) return t.fail('could not mount a tmpfs as root');
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-full-src-'));
  t.teardown(() => fs.rmSync(src, { recursive: true, force: true }));
  const big = path.join(src, 'big.bin');
  fs.writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 7));
  const store = new ProductStore({ root: path.join(mnt, 'store') });
  const w = await store.reserve({ folder: 'shots/sh010', product: 'renderMain', productType: 'render' });
  const err = await t.throwsAsync(w.addFiles('bin', 'bin', [{ source: big, path: 'big.bin' }]), { instanceOf: StoreWriteError });
  t.notRegex(err!.message, /cannot read/);
  t.regex(err!.message, new RegExp(`the product store at ${path.join(mnt, 'store')} is full \\(ENOSPC writing ${path.join(w.dir, 'big.bin')}; the disk mounted at ${mnt} \\(tmpfs\\), \\d+ KiB free\\)`));
  await w.abort();
  t.deepEqual(await store.listVersions('shots/sh010', 'renderMain'), []);
});

test('a folder name too long for the file system is refused at validation: nothing is rendered or written', async (t) => {
  const folder = `shots/${'x'.repeat(300)}`;
  const rig = await pipelineRig(t, { shotContext: `  folder: ${folder}\n  task: anim\n  frameStart: 1001\n  frameEnd: 1003\n` });
  await rig.tool('create.run', { creator: 'render', variant: 'Main' });
  const { runId } = await rig.tool<{ runId: string }>('publish.run', { repair: true });
  await until(() => rig.events.some((e) => e.event === 'publish.event' && e.runId === runId && e.type === 'end'), PATIENCE_MS * 2, 'the publish to end');
  const report = (await rig.tool<{ report: PublishReport }>('publish.report', { runId })).report;
  t.false(report.success);
  t.is(report.stoppedAt, 'validate');
  const failed = report.results.filter((r) => !r.success).at(-1)!;
  t.is(failed.plugin, 'Validate Product Store');
  t.regex(failed.error!.message, /cannot be published: the folder name "x{40}…" is 300 bytes long, more than the 255 a file system allows/);
  t.false(report.results.some((r) => r.stage === 'extract'), 'nothing was rendered');
  t.deepEqual(await rig.store.listProducts(), []);
});
