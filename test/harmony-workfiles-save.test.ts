/**
 * Workfile saves through a real in-process hub and the Harmony simulator running the real startup scripts:
 * background zips, version-up races, queued saves, the menu item, and what the artist is told.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simEnv, startSim, tempDir, until } from './support/harmony.ts';
import { workRig as sharedRig, type WorkRigOptions } from './support/workfiles.ts';
import { extractZip, listZip, verifyZip } from '../kit/archive/index.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { openWorkfile } from '../adapters/harmony/workfiles/local-copy.ts';
import { ORIGIN_FILE, readOrigin, updateOrigin, writeOrigin } from '../adapters/harmony/workfiles/origin.ts';
import type { SaveTicket } from '../adapters/harmony/workfiles/service.ts';
import { PATIENCE_MS } from './support/patience.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-wf-save-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rmSync(scratch, { recursive: true, force: true }));

type T = { teardown(fn: () => unknown): void };

/** The default rig of this file carries 200 kB of extra data so zips take a moment. */
const workRig = (t: T, opts: WorkRigOptions = {}) => sharedRig(t, { extraBytes: 200_000, ...opts });

/** The node paths of the scene inside an archive. */
async function nodesIn(zip: string, t: T): Promise<string[]> {
  const out = path.join(tempDir(t, 'dcckit-wf-check-'), 'x');
  await extractZip(zip, out, { maxRatio: 10_000 }); // the rig's texture.bin is synthetic (~1000:1)
  const xstage = fs.readdirSync(out).find((n) => n.endsWith('.xstage'))!;
  return [...SimScene.open(path.join(out, xstage)).state.nodes.keys()];
}

test('a save answers once Harmony saved, then writes the archive in the background and tells the artist', async (t) => {
  const r = await workRig(t);
  const before = fs.statSync(r.zip).mtimeMs;
  r.sim.evaluate('node.add("Top", "Peg_Round1", "PEG", 0, 0, 0)');
  t.true(r.sim.scene!.isDirty());
  const ticket = await r.save();
  t.false(r.sim.scene!.isDirty(), 'Harmony saved its scene (scene.saveAll) before the answer');
  t.is(ticket.dest, r.zip);
  t.is(ticket.project, r.copy);
  t.true(ticket.snapshot.files > 0);
  const outcome = await r.outcome(ticket.id);
  t.is(outcome.event, 'workfile.saved');
  t.true(r.events.some((e) => e.event === 'workfile.progress' && e.ids?.includes(ticket.id)), 'progress events reach tools');
  await verifyZip(r.zip);
  t.true(fs.statSync(r.zip).mtimeMs >= before);
  t.true((await nodesIn(r.zip, t)).includes('Top/Peg_Round1'));
  const names = (await listZip(r.zip)).map((e) => e.name);
  t.false(names.includes(ORIGIN_FILE), 'the local-copy record stays out of the archive');
  t.true(names.includes('sh010_anim_v001.xstage'));
  await until(() => r.sim.messages.some((m) => /saved sh010_anim_v001\.zip/.test(m.text)), PATIENCE_MS, 'the message in Harmony');
  t.is(r.sim.messages.at(-1)!.kind, 'information');
  // Nothing temporary stays beside the archive or in the work area.
  t.deepEqual(fs.readdirSync(r.shots), ['sh010_anim_v001.zip']);
  t.deepEqual(fs.readdirSync(r.workArea).filter((n) => n.includes('dcckit-tmp')), []);
  // The copy now matches the archive: reopening reuses it.
  const rec = await readOrigin(r.copy);
  t.is(rec!.zipSize, fs.statSync(r.zip).size);
  t.true((await openWorkfile(r.zip, { workArea: r.workArea })).reused);
});

test('updates of a copy\'s record made at once all land (a save\'s record of its archive is never lost to another save\'s update)', async (t) => {
  const dir = tempDir(t, 'dcckit-wf-origin-');
  await writeOrigin(dir, { format: 1, zip: '/x/a.zip', zipMtimeMs: null, zipSize: null, sceneMtimeMs: null, source: 'workfile', usedAt: 'then' });
  await Promise.all([
    updateOrigin(dir, { zipMtimeMs: 1 }),
    updateOrigin(dir, { zipSize: 2 }),
    updateOrigin(dir, { sceneMtimeMs: 3 }),
    updateOrigin(dir, (rec) => (rec.zip === '/x/a.zip' ? { usedAt: 'now' } : null)),
    updateOrigin(dir, (rec) => (rec.zip === '/x/other.zip' ? { zip: null } : null)),
  ]);
  const rec = (await readOrigin(dir))!;
  t.like(rec, { zip: '/x/a.zip', zipMtimeMs: 1, zipSize: 2, sceneMtimeMs: 3, usedAt: 'now' });
});

test('two version-ups racing get different numbers; later plain saves follow the newest version', async (t) => {
  const r = await workRig(t);
  const [a, b] = await Promise.all([r.save({ versionUp: true }), r.save({ versionUp: true })]);
  t.deepEqual([path.basename(a.dest), path.basename(b.dest)].sort(), ['sh010_anim_v002.zip', 'sh010_anim_v003.zip']);
  t.is((await r.outcome(a.id)).event, 'workfile.saved');
  t.is((await r.outcome(b.id)).event, 'workfile.saved');
  await verifyZip(a.dest);
  await verifyZip(b.dest);
  t.deepEqual(fs.readdirSync(r.shots).sort(), ['sh010_anim_v001.zip', 'sh010_anim_v002.zip', 'sh010_anim_v003.zip'], 'no reservation left behind');
  const current = (await readOrigin(r.copy))!.zip!;
  t.true(current === a.dest || current === b.dest);
  r.sim.evaluate('node.add("Top", "Peg_After", "PEG", 0, 0, 0)');
  const plain = await r.save();
  t.is(plain.dest, current);
  await r.outcome(plain.id);
  t.true((await nodesIn(current, t)).includes('Top/Peg_After'));
});

test('saves during a zip are queued and coalesced: every request is answered and the newest state wins', async (t) => {
  const r = await workRig(t, { extraBytes: 12_000_000 });
  const tickets: SaveTicket[] = [];
  for (let i = 1; i <= 4; i++) {
    r.sim.evaluate(`node.add("Top", "Peg_Save${i}", "PEG", 0, 0, 0)`);
    tickets.push(await r.save());
  }
  const outcomes = await Promise.all(tickets.map((tk) => r.outcome(tk.id)));
  t.true(outcomes.every((o) => o.event === 'workfile.saved'));
  // A superseded save is answered by the save that replaced it.
  for (const s of r.events.filter((e) => e.event === 'workfile.superseded')) {
    const by = r.events.find((e) => e.event === 'workfile.saved' && e.ids?.includes(s.by!));
    t.truthy(by);
    for (const id of s.ids!) t.true(by!.ids!.includes(id));
  }
  const written = r.events.filter((e) => e.event === 'workfile.saved').length;
  t.true(written >= 1 && written <= 4);
  await verifyZip(r.zip);
  t.true((await nodesIn(r.zip, t)).includes('Top/Peg_Save4'));
  t.deepEqual(fs.readdirSync(r.workArea).filter((n) => n.includes('dcckit-tmp')), [], 'dropped snapshots are removed');
});

test('the menu Workfiles... saves the current workfile and tells the artist', async (t) => {
  const r = await workRig(t);
  r.sim.evaluate('node.add("Top", "Peg_Menu", "PEG", 0, 0, 0)');
  t.true(r.sim.triggerMenu('Workfiles...'));
  await until(() => r.sim.messages.length > 0, PATIENCE_MS, 'a message in Harmony');
  t.regex(r.sim.messages[0]!.text, /saved sh010_anim_v001\.zip/);
  t.true((await nodesIn(r.zip, t)).includes('Top/Peg_Menu'));
});

test('a new scene has no archive: the menu says how to choose one, --to saves it and later saves follow', async (t) => {
  const r = await workRig(t, { scene: 'new' });
  t.true(r.sim.triggerMenu('Workfiles...'));
  await until(() => r.sim.messages.length > 0, PATIENCE_MS, 'a message in Harmony');
  t.is(r.sim.messages[0]!.kind, 'warning');
  t.regex(r.sim.messages[0]!.text, /not opened from a workfile[\s\S]*--to/);
  const err = await t.throwsAsync(r.save());
  t.is((err as { code?: string }).code, 'WORKFILE_NO_DESTINATION');

  const target = path.join(r.shots, 'sh020_layout_v001.zip');
  t.is((await t.throwsAsync(r.save({ to: 'relative.zip' })) as { code?: string }).code, 'USAGE');
  const first = await r.save({ to: target });
  await r.outcome(first.id);
  await verifyZip(target);
  const again = await r.save();
  t.is(again.dest, target);
  const up = await r.save({ versionUp: true });
  t.is(path.basename(up.dest), 'sh020_layout_v002.zip');
  await r.outcome(again.id);
  await r.outcome(up.id);
});

test('several Harmony sessions: a save must name one', async (t) => {
  const r = await workRig(t);
  const other = startSim(t, simEnv(r.hub, r.dir), {}, r.dir);
  other.open(null);
  await until(() => r.hub.sessions.list().filter((s) => s.peer && !s.peer.closed).length === 2, PATIENCE_MS, 'two sessions');
  const err = await t.throwsAsync(r.save());
  t.is((err as { code?: string }).code, 'WORKFILE_SESSION');
  t.regex(err!.message, /--session/);
  const mine = r.hub.sessions.list().find((s) => s.scene?.includes('sh010_anim_v001'))!;
  const ticket = await r.save({ session: mine.id });
  t.is(ticket.session, mine.id);
  await r.outcome(ticket.id);
});
