/**
 * Saves that go wrong: Harmony cannot save, Harmony dies during or right after its save, the destination is
 * read-only or the disk fills up. The previous archive must stay as it was, the error must say what
 * happened, and the artist must be told in Harmony.
 */
import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempDir, until } from './support/harmony.ts';
import { workRig } from './support/workfiles.ts';
import { verifyZip } from '../kit/archive/index.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { openWorkfile } from '../adapters/harmony/workfiles/local-copy.ts';
import { PATIENCE_MS } from './support/patience.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-wf-fail-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rmSync(scratch, { recursive: true, force: true }));

type T = { teardown(fn: () => unknown): void };

const isRoot = process.getuid?.() === 0;

/** A small tmpfs can be mounted here (root with the capability): the only honest way to fill a disk in a test. */
function tryMount(dir: string, options: string): boolean {
  fs.mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'dcckit-test', dir], { stdio: 'ignore' }).status === 0;
}
function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}
const canMount = process.platform === 'linux' && isRoot && (() => {
  const probe = path.join(scratch, 'probe');
  const ok = tryMount(probe, 'size=64k');
  if (ok) unmount(probe);
  return ok;
})();


test('Harmony failing to save: nothing is archived, the error says so, Harmony shows why', async (t) => {
  const r = await workRig(t);
  // The scene's .aux is now a folder with something in it: Harmony's save of that file fails.
  const aux = path.join(r.copy, 'sh010_anim_v001.aux');
  await fsp.rm(aux);
  await fsp.mkdir(path.join(aux, 'blocker'), { recursive: true });
  const err = await t.throwsAsync(r.save());
  t.is((err as { code?: string }).code, 'WORKFILE_HARMONY_SAVE');
  t.regex(err!.message, /could not save the scene[\s\S]*unchanged/);
  await until(() => r.sim.messages.length > 0, PATIENCE_MS, 'a message in Harmony');
  t.is(r.sim.messages[0]!.kind, 'critical');
  t.true(await r.untouched());
  t.deepEqual(r.tempsLeft(), []);
});

test('Harmony dying during its save: the request fails, the previous archive is untouched', async (t) => {
  const r = await workRig(t);
  const scene = r.sim.scene!;
  scene.saveAll = () => { r.sim.close(); return true; }; // gone before it could answer
  const err = await t.throwsAsync(r.save());
  t.is((err as { code?: string }).code, 'WORKFILE_HARMONY_SAVE');
  t.regex(err!.message, /stopped answering while it saved/);
  t.true(await r.untouched());
  t.deepEqual(r.tempsLeft(), []);
});

test('Harmony dying between its save and the zip: the snapshot is archived all the same', async (t) => {
  const r = await workRig(t);
  const scene = r.sim.scene!;
  const realSave = scene.saveAll.bind(scene);
  scene.saveAll = () => { const ok = realSave(); setTimeout(() => r.sim.close(), 1); return ok; };
  r.sim.evaluate('node.add("Top", "Peg_LastWords", "PEG", 0, 0, 0)');
  const ticket = await r.save();
  const outcome = await r.outcome(ticket.id);
  t.is(outcome.event, 'workfile.saved');
  await verifyZip(r.zip);
  t.false(await r.untouched());
  const reopened = await openWorkfile(r.zip, { workArea: path.join(r.workArea, 'check'), fresh: true });
  t.true(SimScene.open(reopened.scene).state.nodes.has('Top/Peg_LastWords'));
  t.deepEqual(r.tempsLeft().filter((n) => !n.startsWith('check')), []);
});

const mountTest = canMount ? test : test.skip;
const unwritableTest = canMount || !isRoot ? test : test.skip;

unwritableTest('a read-only destination: the previous archive stays, the error says why, Harmony is told', async (t) => {
  const shots = path.join(tempDir(t, 'dcckit-wf-ro-'), 'shots');
  let makeReadOnly: () => void;
  if (isRoot) {
    t.true(tryMount(shots, 'size=4m'));
    t.teardown(() => unmount(shots));
    makeReadOnly = () => { spawnSync('mount', ['-o', 'remount,ro', shots]); };
  } else {
    makeReadOnly = () => fs.chmodSync(shots, 0o555);
    t.teardown(() => fs.chmodSync(shots, 0o755));
  }
  const r = await workRig(t, { shots });
  makeReadOnly();
  r.sim.evaluate('node.add("Top", "Peg_Lost", "PEG", 0, 0, 0)');
  const ticket = await r.save();
  const outcome = await r.outcome(ticket.id);
  t.is(outcome.event, 'workfile.failed');
  t.is(outcome.error!.code, 'ARCHIVE_WRITE');
  t.regex(outcome.error!.message, isRoot ? /read-only/ : /Permission denied/);
  await until(() => r.sim.messages.length > 0, PATIENCE_MS, 'a message in Harmony');
  t.is(r.sim.messages[0]!.kind, 'critical');
  t.regex(r.sim.messages[0]!.text, /NOT saved to .*sh010_anim_v001\.zip/);
  t.true(await r.untouched());
  t.deepEqual(r.tempsLeft(), []);
});

mountTest('a full disk during the zip: the previous archive stays, the error says the disk is full', async (t) => {
  const shots = path.join(tempDir(t, 'dcckit-wf-full-'), 'shots');
  t.true(tryMount(shots, 'size=1m'));
  t.teardown(() => unmount(shots));
  const r = await workRig(t, { shots, projectBytes: 3_000_000 });
  const ticket = await r.save();
  const outcome = await r.outcome(ticket.id);
  t.is(outcome.event, 'workfile.failed');
  t.is(outcome.error!.code, 'ARCHIVE_WRITE');
  t.regex(outcome.error!.message, /disk is full/);
  await until(() => r.sim.messages.length > 0, PATIENCE_MS, 'a message in Harmony');
  t.regex(r.sim.messages[0]!.text, /NOT saved[\s\S]*disk is full/);
  t.true(await r.untouched());
  t.deepEqual(r.tempsLeft(), []);
  // Once there is room again (here: a smaller project), the same save works.
  await fsp.rm(path.join(r.copy, 'audio', 'take1.wav'));
  const retry = await r.save();
  t.is((await r.outcome(retry.id)).event, 'workfile.saved');
  await verifyZip(r.zip);
});

test('a version-up into a folder never saved to is noted before its version is reserved, so a hub killed meanwhile leaves nothing unfound', async (t) => {
  const r = await workRig(t);
  const other = path.join(r.dir, 'shots', 'sh020', 'work');
  await fsp.mkdir(other, { recursive: true });
  const scene = r.sim.scene!;
  const save = scene.saveAll.bind(scene);
  let noted: Record<string, string> = {};
  let beside: string[] = [];
  scene.saveAll = () => {
    // Harmony is saving: the reservation exists, and the next hub's start must be able to find it.
    noted = JSON.parse(fs.readFileSync(path.join(r.workArea, '.dcckit-save-dirs.json'), 'utf8')).entries;
    beside = fs.readdirSync(other);
    return save();
  };
  const ticket = await r.save({ to: path.join(other, 'sh020_anim_v001.zip'), versionUp: true }) as { id: string; dest: string };
  t.true(beside.some((n) => n.includes('.dcckit-reserved')), `a reservation beside the archive during the save (${beside.join(', ')})`);
  t.truthy(noted[path.resolve(other)], 'the folder was in the journal while Harmony saved');
  t.is((await r.outcome(ticket.id)).event, 'workfile.saved');
});
