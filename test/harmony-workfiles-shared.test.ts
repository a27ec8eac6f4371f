/** One workfile opened twice: the second Harmony would share the first one's local copy and save over it. */
import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sandbox, type Sandbox } from './support/cli.ts';
import { zipDirectory } from '../kit/archive/index.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { claimLocalCopy, holderOf, readClaim, CLAIMS_DIR, type OpenClaim } from '../adapters/harmony/workfiles/open-claims.ts';

const DEAD_PID = 2 ** 22 + 12345;

function killLater(t: { teardown(fn: () => unknown): void }, pid: number) {
  t.teardown(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
}

async function workfileIn(sb: Sandbox, stem: string): Promise<string> {
  const shots = path.join(sb.dir, 'shots');
  const project = path.join(sb.dir, 'src', stem);
  SimScene.createDefault(project, stem);
  await fsp.mkdir(shots, { recursive: true });
  const zip = path.join(shots, `${stem}.zip`);
  await zipDirectory(project, zip);
  return zip;
}

test('a workfile open in one Harmony is refused in a second, naming session, user, host and pid; --force opens it anyway', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const zip = await workfileIn(sb, 'sh020_anim_v001');
  const first = await sb.json<{ pid: number; session: { id: string; pid: number } }>(['workfile', 'open', zip, '--simulate', '--json']);
  killLater(t, first.pid);

  const second = await sb.run(['launch', 'harmony', zip, '--simulate']);
  t.is(second.code, 1);
  t.regex(second.stderr, new RegExp(`sh020_anim_v001 is already open in Harmony \\(session ${first.session.id.slice(0, 8)}, pid ${first.session.pid}, user ${os.userInfo().username} on ${os.hostname()}\\)`));
  t.regex(second.stderr, /the second save would overwrite the first.*open anyway with --force/s);
  const json = await sb.run(['workfile', 'open', zip, '--simulate', '--json']);
  t.is(JSON.parse(json.stdout).error.code, 'WORKFILE_OPEN_ELSEWHERE');
  t.is((await sb.json<unknown[]>(['sessions', '--json'])).length, 1, 'no second Harmony was started');

  const forced = await sb.json<{ pid: number; session: { id: string } }>(['launch', 'harmony', zip, '--simulate', '--force', '--json']);
  killLater(t, forced.pid);
  t.not(forced.session.id, first.session.id);
});

test('two launches of one workfile at the same moment: one opens it, the other is refused in CLI words (with --force both open)', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const zip = await workfileIn(sb, 'sh030_anim_v001');
  t.is((await sb.run(['hub', 'start'])).code, 0);
  const both = await Promise.all([sb.run(['launch', 'harmony', zip, '--simulate', '--json']), sb.run(['launch', 'harmony', zip, '--simulate', '--json'])]);
  for (const r of both) if (r.code === 0) killLater(t, JSON.parse(r.stdout).pid);
  t.deepEqual(both.map((r) => r.code).sort(), [0, 1], both.map((r) => r.stderr).join('\n'));
  const refused = both.find((r) => r.code === 1)!;
  t.is(JSON.parse(refused.stdout).error.code, 'WORKFILE_OPEN_ELSEWHERE', refused.stderr);
  t.notRegex(refused.stderr, /replace: true/);

  const zip2 = await workfileIn(sb, 'sh040_anim_v001');
  const forced = await Promise.all([0, 1].map(() => sb.run(['launch', 'harmony', zip2, '--simulate', '--force', '--json'])));
  for (const r of forced) if (r.code === 0) killLater(t, JSON.parse(r.stdout).pid);
  for (const r of forced) {
    t.notRegex(r.stderr, /replace: true/);
    t.is(r.code, 0, r.stderr);
  }
});

test('claims: a stale one (its process is gone) is taken over; one from another host is respected; the claim names the opener', async (t) => {
  const workArea = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-claims-'));
  t.teardown(() => fs.rmSync(workArea, { recursive: true, force: true }));
  const dir = path.join(workArea, 'sh050_anim_v001');
  const file = path.join(workArea, CLAIMS_DIR, 'sh050_anim_v001.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const other: OpenClaim = { format: 1, dir, zip: '/shots/sh050_anim_v001.zip', user: 'ann', host: os.hostname(), pid: DEAD_PID, openedAt: '2026-01-01T00:00:00.000Z' };
  fs.writeFileSync(file, JSON.stringify(other));
  t.is(await holderOf(workArea, dir, []), null, 'its process is gone: stale');
  const mine = await claimLocalCopy(workArea, dir, other.zip, []);
  t.is(mine.pid, process.pid);
  t.deepEqual(await readClaim(workArea, dir), mine);

  fs.writeFileSync(file, JSON.stringify({ ...other, host: 'ws-elsewhere' }));
  const err = await t.throwsAsync(claimLocalCopy(workArea, dir, other.zip, []));
  t.regex(err!.message, /user ann on ws-elsewhere, opened by dcc-kit pid \d+ at 2026-01-01/);
  await claimLocalCopy(workArea, dir, other.zip, [], true);
  t.is((await readClaim(workArea, dir))!.pid, process.pid, '--force takes it');
});
