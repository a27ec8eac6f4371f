/** Workfile names and versions: the template, listing, racing version reservations, and the save queue's coalescing. */
import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileTemplate } from '../adapters/harmony/workfiles/template.ts';
import { cleanStaleReservations, listWorkfiles, reservationPath, reserveNextVersion } from '../adapters/harmony/workfiles/versions.ts';
import { SaveQueue, type SaveJob, type SaveOutcome } from '../adapters/harmony/workfiles/save-queue.ts';
import type { ZipSummary } from '../kit/archive/index.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-wf-versions-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rmSync(scratch, { recursive: true, force: true }));

let n = 0;
const freshDir = () => {
  const d = path.join(scratch, `d${++n}`);
  fs.mkdirSync(d);
  return d;
};

test('the template formats and parses names; a bad template says how to fix it', (t) => {
  const tpl = compileTemplate('{name}_v{version:03}.zip');
  t.is(tpl.format({ name: 'sh010_anim', version: 4 }), 'sh010_anim_v004.zip');
  t.is(tpl.format({ name: 'sh010_anim', version: 1234 }), 'sh010_anim_v1234.zip');
  t.deepEqual(tpl.parse('sh010_anim_v004.zip'), { name: 'sh010_anim', version: 4 });
  t.deepEqual(tpl.parse('sh010_v2_anim_v017.ZIP'), { name: 'sh010_v2_anim', version: 17 });
  t.is(tpl.parse('sh010_anim_v4.zip'), null, 'fewer digits than the padding');
  t.is(tpl.parse('sh010_anim_v004.zip.dcckit-tmp-host-1-abcdef01'), null);
  t.is(tpl.parse('notes.txt'), null);
  const dotted = compileTemplate('v{version}-{name}.zip');
  t.deepEqual(dotted.parse('v12-layout.zip'), { name: 'layout', version: 12 });
  t.is(dotted.format({ name: 'layout', version: 3 }), 'v3-layout.zip');
  for (const bad of ['{name}_v{version}.tar', '{name}.zip', 'x/{name}_{version}.zip', '{name}_{shot}_{version}.zip', '{name}{name}_{version}.zip', '{folder_name}_v{version}_{task}.zip']) {
    const err = t.throws(() => compileTemplate(bad));
    t.is((err as { code?: string }).code, 'WORKFILE_NAME');
    t.regex(err!.message, /harmony\.workfiles\.template/);
  }
});

test('list shows the versions of a folder newest first and ignores everything else', async (t) => {
  const dir = freshDir();
  for (const f of ['sh010_anim_v002.zip', 'sh010_anim_v010.zip', 'sh010_anim_v001.zip', 'sh020_bg_v003.zip', 'readme.txt', 'scene.zip',
    '.sh010_anim_v011.zip.dcckit-reserved', '.sh010_anim_v002.zip.dcckit-tmp-host-12-0123abcd']) {
    await fsp.writeFile(path.join(dir, f), f);
  }
  await fsp.mkdir(path.join(dir, 'sh010_anim_v099.zip'));
  const all = await listWorkfiles(dir, '{name}_v{version:03}.zip');
  t.deepEqual(all.map((v) => v.file), ['sh010_anim_v010.zip', 'sh020_bg_v003.zip', 'sh010_anim_v002.zip', 'sh010_anim_v001.zip']);
  t.is(all[0]!.size, 'sh010_anim_v010.zip'.length);
  t.deepEqual((await listWorkfiles(dir, '{name}_v{version:03}.zip', 'sh020_bg')).map((v) => v.version), [3]);
  t.deepEqual(await listWorkfiles(path.join(dir, 'missing'), '{name}_v{version:03}.zip'), []);
});

test('racing version reservations in one process get distinct, consecutive numbers', async (t) => {
  const dir = freshDir();
  await fsp.writeFile(path.join(dir, 'sh010_anim_v003.zip'), 'x');
  const rs = await Promise.all(Array.from({ length: 8 }, () => reserveNextVersion(dir, 'sh010_anim', '{name}_v{version:03}.zip')));
  t.deepEqual(rs.map((r) => r.version).sort((a, b) => a - b), [4, 5, 6, 7, 8, 9, 10, 11]);
  for (const r of rs) t.true(fs.existsSync(reservationPath(r.path)));
  await Promise.all(rs.map((r) => r.release()));
  t.deepEqual(fs.readdirSync(dir), ['sh010_anim_v003.zip']);
});

const versionsModule = fileURLToPath(new URL('../adapters/harmony/workfiles/versions.ts', import.meta.url));

test('racing version reservations from separate processes get distinct numbers', async (t) => {
  const dir = freshDir();
  const script = path.join(dir, '..', `reserve-${n}.ts`);
  await fsp.writeFile(script, `import { reserveNextVersion } from ${JSON.stringify(versionsModule)};
const r = await reserveNextVersion(process.argv[2], 'sh010_anim', '{name}_v{version:03}.zip');
await new Promise((res) => setTimeout(res, 300));
process.stdout.write(String(r.version));`);
  const run = () => new Promise<number>((resolve, reject) => execFile(process.execPath, [script, dir], (err, out) => err ? reject(err) : resolve(Number(out))));
  const versions = await Promise.all([run(), run(), run(), run()]);
  t.deepEqual([...versions].sort(), [1, 2, 3, 4]);
  // Each child ended without releasing: its reservation is stale now, and cleaned.
  t.is((await cleanStaleReservations(dir)).length, 4);
  t.deepEqual(fs.readdirSync(dir), []);
});

test('a reservation left by a dead process does not block its number; a live one does', async (t) => {
  const dir = freshDir();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const note = (pid: number) => JSON.stringify({ host: os.hostname(), pid, createdAt: new Date().toISOString() });
  await fsp.writeFile(reservationPath(path.join(dir, 'sh010_anim_v001.zip')), note(Number(dead)));
  const r1 = await reserveNextVersion(dir, 'sh010_anim', '{name}_v{version:03}.zip');
  t.is(r1.version, 2, 'numbers never go below a reservation, live or not');
  await r1.release();
  await fsp.writeFile(reservationPath(path.join(dir, 'sh010_anim_v002.zip')), note(process.pid === 1 ? 2 : 1));
  await fsp.writeFile(reservationPath(path.join(dir, 'sh010_anim_v003.zip')), note(Number(dead)));
  const r2 = await reserveNextVersion(dir, 'sh010_anim', '{name}_v{version:03}.zip');
  t.is(r2.version, 4);
  await r2.release();
  t.deepEqual((await cleanStaleReservations(dir)).sort(), [
    reservationPath(path.join(dir, 'sh010_anim_v001.zip')), reservationPath(path.join(dir, 'sh010_anim_v003.zip')),
  ].sort());
  t.deepEqual(fs.readdirSync(dir), ['.sh010_anim_v002.zip.dcckit-reserved']);
});

// ---- the save queue -----------------------------------------------------------------------------------

function job(id: string, dest = '/shots/a_v001.zip'): SaveJob & { released: boolean } {
  const j = {
    ids: [id], dest, session: 's1', projectDir: '/work/a', released: false,
    snapshot: { dir: `/snap/${id}`, source: '/work/a', bytes: 1, files: 1, ms: 1, sceneMtimeMs: 0, release: async () => { j.released = true; } },
  };
  return j;
}

const summary = (): ZipSummary => ({ entries: 1, files: 1, directories: 0, storedFiles: 0, bytesIn: 1, bytesOut: 1, ms: 1, verifyMs: 0, skipped: [] });

test('the save queue: one zip per archive at a time; the newest waiting save replaces older ones and answers for them', async (t) => {
  const gates = new Map<string, () => void>();
  const zipped: string[] = [];
  const done: Array<{ ids: string[]; ok: boolean }> = [];
  const superseded: Array<{ dropped: string[]; by: string[] }> = [];
  const queue = new SaveQueue({
    zip: (j) => new Promise<ZipSummary>((resolve, reject) => {
      zipped.push(j.ids.at(-1)!);
      gates.set(j.ids.at(-1)!, () => (j.ids.at(-1) === 'fail' ? reject(new Error('disk full')) : resolve(summary())));
    }),
    superseded: (d, by) => superseded.push({ dropped: [...d.ids], by: [...by.ids] }),
    done: (j, o: SaveOutcome) => { done.push({ ids: j.ids, ok: o.ok }); },
  });
  const a = job('a');
  const b = job('b');
  const c = job('c');
  const other = job('other', '/shots/b_v001.zip');
  t.is(queue.enqueue(a).state, 'started');
  t.is(queue.enqueue(other).state, 'started', 'another archive zips side by side');
  t.deepEqual(queue.enqueue(b), { state: 'queued', superseded: [] });
  t.deepEqual(queue.enqueue(c), { state: 'queued', superseded: ['b'] });
  t.true(b.released, 'the dropped snapshot is removed at once');
  t.deepEqual(superseded, [{ dropped: ['b'], by: ['b', 'c'] }]);
  t.deepEqual(zipped, ['a', 'other']);
  const idle = queue.idle();
  gates.get('a')!();
  await new Promise((r) => setTimeout(r, 10));
  t.deepEqual(zipped, ['a', 'other', 'c'], 'the waiting save starts when the running one ends');
  t.true(a.released);
  t.deepEqual(queue.status().find((s) => s.dest === a.dest), { dest: a.dest, running: ['b', 'c'], pending: null });
  const f = job('fail');
  queue.enqueue(f);
  gates.get('c')!();
  gates.get('other')!();
  await new Promise((r) => setTimeout(r, 10));
  gates.get('fail')!();
  await idle;
  t.deepEqual(done, [{ ids: ['a'], ok: true }, { ids: ['b', 'c'], ok: true }, { ids: ['other'], ok: true }, { ids: ['fail'], ok: false }]);
  t.true(c.released && f.released && other.released);
  t.false(queue.busy);
});
