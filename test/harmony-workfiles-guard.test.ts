/**
 * The guard on a save's destination (issue 20 item 1), through the CLI with two simulated Harmonys: A opens
 * v007 and saves --version-up (A now saves to v008); B opens v008; both add a node and save. Neither save may
 * silently replace the other's archive: each is refused naming the other session, until one chooses --force;
 * then the other finds the archive changed on disk and is refused again.
 */
import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { eventually } from './support/patience.ts';
import { extractZip, zipDirectory } from '../kit/archive/index.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { workRig } from './support/workfiles.ts';
import { WebServer } from '../kit/web/server.ts';
import { readOrigin, writeOrigin } from '../adapters/harmony/workfiles/origin.ts';
import { simEnv, startSim, until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { redeemPageLink } from './support/page-access.ts';

interface Launched { pid: number; session: { id: string } }

/** The node names of the Top group in the scene an archive holds. */
async function nodesIn(zip: string, scratch: string): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(scratch, 'peek-'));
  await fsp.rm(dir, { recursive: true });
  await extractZip(zip, dir);
  const xstage = fs.readdirSync(dir).find((n) => n.endsWith('.xstage'))!;
  return [...SimScene.open(path.join(dir, xstage)).state.nodes.keys()];
}

test('two sessions saving to one archive: each is refused naming the other; --force overwrites; then the other is refused as changed on disk', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const shots = path.join(sb.dir, 'shots', 'sh010', 'work');
  await fsp.mkdir(shots, { recursive: true });
  const src = path.join(sb.dir, 'src', 'sh010_anim_v007');
  SimScene.createDefault(src, 'sh010_anim_v007');
  await zipDirectory(src, path.join(shots, 'sh010_anim_v007.zip'));
  const v008 = path.join(shots, 'sh010_anim_v008.zip');
  const kill: number[] = [];
  t.teardown(() => { for (const pid of kill) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });

  const a = await sb.json<Launched>(['launch', 'harmony', path.join(shots, 'sh010_anim_v007.zip'), '--simulate', '--timeout', String(PATIENCE_MS), '--json']);
  kill.push(a.pid);
  const up = await sb.run(['workfile', 'save', '--version-up', '--session', a.session.id], { cwd: shots });
  t.is(up.code, 0, up.stderr);
  t.true(fs.existsSync(v008));
  const b = await sb.json<Launched>(['launch', 'harmony', v008, '--simulate', '--timeout', String(PATIENCE_MS), '--json']);
  kill.push(b.pid);

  const add = async (s: Launched, name: string) => {
    const r = await sb.run(['call', s.session.id, '--script', `node.add('Top', '${name}', 'PEG', 0, 0, 0)`]);
    t.is(r.code, 0, r.stderr);
  };
  await add(a, 'fromA');
  await add(b, 'fromB');
  const before = await fsp.readFile(v008);

  const saveA = await sb.run(['workfile', 'save', '--session', a.session.id], { cwd: shots });
  t.is(saveA.code, 1, saveA.stdout);
  t.regex(saveA.stderr, new RegExp(`sh010_anim_v008\\.zip is also the workfile of session ${b.session.id.slice(0, 8)} \\(pid ${b.pid}, [^)]*sh010_anim_v008[^)]*\\) of user \\S+ on host \\S+`));
  t.regex(saveA.stderr, /Nothing was saved\. Choose: save as a new version \(dcc-kit workfile save --version-up[\s\S]*dcc-kit workfile save --force/);
  const saveB = await sb.run(['workfile', 'save', '--session', b.session.id], { cwd: shots });
  t.is(saveB.code, 1);
  t.regex(saveB.stderr, new RegExp(`is also the workfile of session ${a.session.id.slice(0, 8)} \\(pid ${a.pid}`));
  t.true((await fsp.readFile(v008)).equals(before), 'refused saves leave the archive as it was');

  // B chooses to overwrite.
  const forced = await sb.run(['workfile', 'save', '--force', '--session', b.session.id], { cwd: shots });
  t.is(forced.code, 0, forced.stderr);
  const afterB = await nodesIn(v008, sb.dir);
  t.true(afterB.includes('Top/fromB'));
  t.false(afterB.includes('Top/fromA'));

  // B closes; A is alone on v008 now, but v008 is not what A last matched: refused, naming B's save.
  process.kill(b.pid, 'SIGKILL');
  await eventually('the hub to notice that B is gone', async () => !(await sb.sessions()).some((s) => s.id === b.session.id && s.connected));
  const again = await sb.run(['workfile', 'save', '--session', a.session.id], { cwd: shots });
  t.is(again.code, 1);
  t.true((await nodesIn(v008, sb.dir)).includes('Top/fromB'));
  t.regex(again.stderr, /sh010_anim_v008\.zip changed on disk since this scene was opened from it or last saved it \([^)]+\)\. It was written at \S+ by session [0-9a-f]{8} \(pid \d+/);

  // A keeps both instead: a new version.
  const keep = await sb.run(['workfile', 'save', '--version-up', '--session', a.session.id], { cwd: shots });
  t.is(keep.code, 0, keep.stderr);
  t.true((await nodesIn(path.join(shots, 'sh010_anim_v009.zip'), sb.dir)).includes('Top/fromA'));
  t.true((await nodesIn(v008, sb.dir)).includes('Top/fromB'));
  // And a save to v009 (its own, unchanged since) goes through.
  const plain = await sb.run(['workfile', 'save', '--session', a.session.id], { cwd: shots });
  t.is(plain.code, 0, plain.stderr);
});

test('the menu\'s Workfiles... says the same in Harmony: the other session and the choices; nothing is written', async (t) => {
  const r = await workRig(t);
  // A second local copy of the same workfile (as a --force open or a copy saved elsewhere would make), in a second Harmony.
  const second = path.join(r.workArea, 'sh010_anim_v001-second');
  await fsp.cp(r.copy, second, { recursive: true });
  const sim2 = startSim(t, simEnv(r.hub, r.dir), {}, r.dir);
  sim2.open(path.join(second, 'sh010_anim_v001.xstage'));
  await until(() => r.hub.services.sessions().filter((s) => s.connected).length === 2, PATIENCE_MS, 'the second session');
  t.true(r.sim.triggerMenu('Workfiles...'));
  await until(() => r.sim.messages.length > 0, PATIENCE_MS, 'a message in Harmony');
  t.regex(r.sim.messages[0]!.text, /Workfiles\.\.\.\nsh010_anim_v001\.zip is also the workfile of session [0-9a-f]{8} \(pid \d+, [^)]*sh010_anim_v001\.zip\) of user \S+ on host \S+/);
  t.regex(r.sim.messages[0]!.text, /Nothing was saved\. Choose: save as a new version[\s\S]*"Save as a new version"[\s\S]*dcc-kit workfile save --force, or the page's "Overwrite anyway"/);
  t.true(await r.untouched());
});

/** A form POST to the page, with the cookie of its one-time link and its own Origin. */
async function pagePost(web: WebServer, route: string, form: Record<string, string>): Promise<string> {
  const access = await redeemPageLink(web.url('workfiles'));
  const res = await fetch(`http://127.0.0.1:${web.port}${route}`, {
    method: 'POST', body: new URLSearchParams(form),
    headers: { ...access.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  return res.text();
}

test('the page\'s Save in a conflict says the same and offers "Save as a new version" and "Overwrite anyway"', async (t) => {
  const r = await workRig(t);
  const second = path.join(r.workArea, 'sh010_anim_v001-second');
  await fsp.cp(r.copy, second, { recursive: true });
  const sim2 = startSim(t, simEnv(r.hub, r.dir), {}, r.dir);
  sim2.open(path.join(second, 'sh010_anim_v001.xstage'));
  await until(() => r.hub.services.sessions().filter((s) => s.connected).length === 2, PATIENCE_MS, 'the second session');
  const web = new WebServer(r.hub);
  await web.listen();
  t.teardown(() => web.close());
  const mine = r.hub.services.sessions().find((s) => s.scene?.startsWith(r.copy + path.sep))!;
  const refused = await pagePost(web, '/api/workfile/save', { session: mine.id });
  t.regex(refused, /sh010_anim_v001\.zip is also the workfile of session [0-9a-f]{8}/);
  t.regex(refused, /hx-vals='\{&quot;session&quot;:&quot;[0-9a-f-]+&quot;,&quot;versionUp&quot;:true\}'[^>]*>Save as a new version</);
  t.regex(refused, /hx-vals='\{&quot;session&quot;:&quot;[0-9a-f-]+&quot;,&quot;force&quot;:true\}'[^>]*>Overwrite anyway</);
  t.true(await r.untouched());
  const forced = await pagePost(web, '/api/workfile/save', { session: mine.id, force: 'true' });
  t.regex(forced, /Harmony saved the scene; zipping .*sh010_anim_v001\.zip/);
  await until(() => r.events.some((e) => e.event === 'workfile.saved'), PATIENCE_MS, 'the forced save');
  t.false(await r.untouched());
});

test('a hub killed between the rename and its record: the copy still knows its own archive (pendingZip); someone else\'s is refused', async (t) => {
  const r = await workRig(t);
  const first = await r.save();
  t.is((await r.outcome(first.id)).event, 'workfile.saved');
  const rec = (await readOrigin(r.copy))!;
  t.is(rec.pendingZip, null, 'a finished save clears its note');
  const st = fs.statSync(r.zip);
  // As a hub killed after the rename leaves it: the record still describes the previous archive, the note the new one.
  await writeOrigin(r.copy, { ...rec, zipMtimeMs: st.mtimeMs - 5000, zipSize: st.size + 1, pendingZip: { zip: r.zip, mtimeMs: st.mtimeMs, size: st.size } });
  const second = await r.save();
  t.is((await r.outcome(second.id)).event, 'workfile.saved');
  // The copy's own archive as this hub wrote it is still its own, whatever the record says (it may lag).
  const now = fs.statSync(r.zip);
  await writeOrigin(r.copy, { ...(await readOrigin(r.copy))!, zipMtimeMs: now.mtimeMs - 5000, pendingZip: null });
  const third = await r.save();
  t.is((await r.outcome(third.id)).event, 'workfile.saved');
  // Written by someone else since (another host: this hub did not write it), with no note: refused.
  const later = new Date(fs.statSync(r.zip).mtimeMs + 60_000);
  fs.utimesSync(r.zip, later, later);
  const err = await t.throwsAsync(r.save());
  t.regex(err!.message, /sh010_anim_v001\.zip changed on disk since this scene was opened from it or last saved it/);
  t.regex(err!.message, /by someone else \(another session, user or host\)/);
});
