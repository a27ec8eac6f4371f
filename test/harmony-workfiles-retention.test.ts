/** The retention rule for local work copies: counts, age, and the copies that must never be removed. */
import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pruneLocalCopies } from '../adapters/harmony/workfiles/retention.ts';
import { writeOrigin, type WorkfileOrigin } from '../adapters/harmony/workfiles/origin.ts';
import { startHub, simEnv, startSim, tempDir, until } from './support/harmony.ts';
import { connectHub } from '../kit/hub/client.ts';
import { defaultConfig } from '../config/defaults.ts';
import { PATIENCE_MS } from './support/patience.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-wf-retention-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rmSync(scratch, { recursive: true, force: true }));

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2030-06-15T12:00:00Z');
let n = 0;

/** A local copy `<workArea>/<stem>` with a record saying it was last used `daysAgo` days before NOW. */
async function copy(workArea: string, stem: string, daysAgo: number, change: Partial<WorkfileOrigin> = {}): Promise<string> {
  const dir = path.join(workArea, stem);
  await fsp.mkdir(dir, { recursive: true });
  const xstage = path.join(dir, `${stem}.xstage`);
  await fsp.writeFile(xstage, '<project/>');
  const synced = new Date(NOW - daysAgo * DAY);
  await fsp.utimes(xstage, synced, synced);
  await writeOrigin(dir, {
    format: 1, zip: `/shots/${stem}.zip`, zipMtimeMs: synced.getTime(), zipSize: 10, sceneMtimeMs: synced.getTime(),
    source: 'workfile', usedAt: synced.toISOString(), ...change,
  });
  return dir;
}

const rule = { keepLocalCopies: 2, maxLocalAgeDays: 30, template: '{name}_v{version:03}.zip', now: NOW };

test('keeps the most recently used copies of each workfile and removes the rest', async (t) => {
  const wa = path.join(scratch, `wa${++n}`);
  const a = await Promise.all([1, 2, 3, 4].map((v) => copy(wa, `sh010_anim_v00${v}`, 10 - v)));
  const b = await Promise.all([1, 2].map((v) => copy(wa, `sh020_bg_v00${v}`, 20 - v)));
  await fsp.mkdir(path.join(wa, 'not-ours'));
  await fsp.writeFile(path.join(wa, 'not-ours', 'keep.txt'), 'x');
  const r = await pruneLocalCopies(wa, { ...rule, inUse: [] });
  t.deepEqual(r.removed.sort(), [a[0], a[1]].sort(), 'the two least recently used copies of sh010_anim');
  t.true(b.every((d) => fs.existsSync(d)), 'another workfile counts on its own');
  t.true(fs.existsSync(path.join(wa, 'not-ours', 'keep.txt')), 'folders without a record are not ours');
  t.deepEqual(fs.readdirSync(wa).filter((x) => x.includes('dcckit-')), []);
});

test('removes copies unused for maxLocalAgeDays; 0 turns the age rule off', async (t) => {
  const wa = path.join(scratch, `wa${++n}`);
  const old = await copy(wa, 'sh030_anim_v001', 45);
  const recent = await copy(wa, 'sh040_anim_v001', 3);
  t.deepEqual((await pruneLocalCopies(wa, { ...rule, maxLocalAgeDays: 0, inUse: [] })).removed, []);
  t.deepEqual((await pruneLocalCopies(wa, { ...rule, inUse: [] })).removed, [old]);
  t.true(fs.existsSync(recent));
});

test('never removes a copy open in Harmony, one used minutes ago, or (by count) one with unarchived saves', async (t) => {
  const wa = path.join(scratch, `wa${++n}`);
  const open = await copy(wa, 'sh050_anim_v001', 60);
  const starting = await copy(wa, 'sh050_anim_v002', 61, { usedAt: new Date(NOW - 60_000).toISOString() });
  const unarchived = await copy(wa, 'sh050_anim_v003', 8);
  const later = new Date(NOW - 2 * DAY);
  await fsp.utimes(path.join(unarchived, 'sh050_anim_v003.xstage'), later, later); // saved in Harmony, not zipped since
  const clean = [await copy(wa, 'sh050_anim_v004', 1), await copy(wa, 'sh050_anim_v005', 0.5)];
  const r = await pruneLocalCopies(wa, { ...rule, keepLocalCopies: 0, inUse: [path.join(open, 'sh050_anim_v001.xstage')] });
  t.deepEqual(r.removed.sort(), clean, 'keepLocalCopies 0 removes every copy not protected');
  t.deepEqual(r.kept.map((k) => [path.basename(k.dir), k.reason]).sort(), [
    ['sh050_anim_v001', 'open in Harmony'],
    ['sh050_anim_v002', 'used in the last minutes'],
    ['sh050_anim_v003', 'holds scene saves not yet archived'],
  ]);
  t.true([open, starting, unarchived].every((d) => fs.existsSync(d)));
});

test('the hub applies the rule with the scenes of its sessions (workfile.prune)', async (t) => {
  const dir = tempDir(t, 'dcckit-wf-');
  const home = path.join(dir, 'kit');
  const config = defaultConfig(home);
  const wa = path.join(dir, 'work-area');
  config.harmony.workfiles.workArea = wa;
  config.harmony.workfiles.keepLocalCopies = 0;
  const hub = await startHub(t, { config, home });
  const longAgo = (NOW - Date.now()) / DAY + 40; // 40 days before today
  const used = await copy(wa, 'sh060_anim_v001', longAgo);
  const unused = await copy(wa, 'sh060_anim_v002', longAgo);
  // A real simulator scene in the copy, opened by a Harmony session.
  const { SimScene } = await import('../adapters/harmony/simulator/dom/index.ts');
  await fsp.rm(path.join(used, 'sh060_anim_v001.xstage'));
  SimScene.createDefault(used, 'sh060_anim_v001');
  const sim = startSim(t, simEnv(hub, dir), {}, dir);
  sim.open(path.join(used, 'sh060_anim_v001.xstage'));
  const client = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => client.close());
  await client.session('harmony', { wait: PATIENCE_MS });
  await until(() => hub.sessions.list().some((s) => s.scene?.includes('sh060_anim_v001')), PATIENCE_MS, 'the session scene');
  const r = await client.adapter('harmony', 'workfile.prune', {}) as { removed: string[]; kept: Array<{ dir: string; reason: string }> };
  t.deepEqual(r.removed, [unused]);
  t.deepEqual(r.kept, [{ dir: used, reason: 'open in Harmony' }]);
  t.true(fs.existsSync(path.join(used, 'sh060_anim_v001.xstage')));
});
