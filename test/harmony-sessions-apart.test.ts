/**
 * Sessions told apart (issue 20 item 6): `dcc-kit sessions`, the page's session list and the errors that list
 * sessions show each one's folder, task and workfile; a command run in a shot's folder acts on that shot's
 * session when exactly one matches, instead of asking for --session.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { page } from '../kit/web/views.ts';
import { Html } from '../kit/web/html.ts';

interface Launched { pid: number; session: { id: string } }

test('two shots, one Harmony each: sessions shows folder/task/workfile; create in a shot folder picks its session; elsewhere the error lists both', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const root = path.join(sb.dir, 'proj');
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, '.dcckitrc'), `context:\n  project: demo\npublish:\n  root: ${path.join(sb.dir, 'store')}\nweb:\n  enabled: false\n`);
  const shots: Record<string, string> = {};
  const launched: Record<string, Launched> = {};
  for (const name of ['sh010', 'sh020']) {
    const dir = path.join(root, 'shots', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.dcckitrc'), `context:\n  folder: shots/${name}\n  task: anim\n`);
    shots[name] = dir;
    launched[name] = await sb.json<Launched>(['launch', 'harmony', '--simulate', '--timeout', String(PATIENCE_MS), '--json'], { cwd: dir });
    const pid = launched[name]!.pid;
    t.teardown(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
  }

  const list = await sb.json<Array<{ id: string; folder: string; task: string; workfile: string }>>(['sessions', '--json']);
  const byId = new Map(list.map((s) => [s.id, s]));
  t.like(byId.get(launched.sh010!.session.id), { folder: 'shots/sh010', task: 'anim', workfile: path.join(shots.sh010!, 'sh010_anim_v001.zip') });
  t.like(byId.get(launched.sh020!.session.id), { folder: 'shots/sh020', task: 'anim', workfile: path.join(shots.sh020!, 'sh020_anim_v001.zip') });
  const tableOut = await sb.run(['sessions']);
  t.regex(tableOut.stdout, /FOLDER\s+TASK\s+WORKFILE/);
  t.regex(tableOut.stdout, new RegExp(`${launched.sh020!.session.id}\\s+harmony\\s+\\d+\\s+shots/sh020\\s+anim\\s+sh020_anim_v001\\.zip`));

  const inShot = await sb.run(['create', 'render', 'Main'], { cwd: shots.sh020 });
  t.is(inShot.code, 0, inShot.stderr);
  t.regex(inShot.stdout, /created renderMain \(render\) as Top\/renderMain for shots\/sh020 \/ anim/);
  const instances = await sb.json<{ instances: unknown[] }>(['create', 'list', '--json', '--session', launched.sh010!.session.id]);
  t.deepEqual(instances.instances, [], 'the other shot\'s scene is untouched');

  const elsewhere = await sb.run(['create', 'render', 'Main']);
  t.is(elsewhere.code, 1);
  t.regex(elsewhere.stderr, /2 Harmony sessions are connected: choose one with --session, or run the command in the shot's folder/);
  t.regex(elsewhere.stderr, new RegExp(`${launched.sh010!.session.id.slice(0, 8)} shots/sh010/anim sh010_anim_v001\\.zip`));
  t.regex(elsewhere.stderr, new RegExp(`${launched.sh020!.session.id.slice(0, 8)} shots/sh020/anim sh020_anim_v001\\.zip`));
  const save = await sb.run(['workfile', 'save']);
  t.regex(save.stderr, /shots\/sh010\/anim sh010_anim_v001\.zip/);
  const saveInShot = await sb.run(['workfile', 'save'], { cwd: shots.sh010 });
  t.is(saveInShot.code, 0, saveInShot.stderr);
  t.regex(saveInShot.stdout, /saved .*sh010_anim_v001\.zip/);
});

test('the page\'s session list names each session\'s folder, task and workfile', (t) => {
  const s = (id: string, folder: string, file: string) => ({
    id, dcc: 'harmony', pid: 1, version: '21.1', scene: `/w/${file}/x.xstage`, connected: true, joinedAt: new Date().toISOString(),
    notes: { folder, task: 'anim', workfile: `/p/${folder}/${file}.zip` },
  });
  const sessions = [s('aaaaaaaa1111', 'shots/sh010', 'sh010_anim_v001'), s('bbbbbbbb2222', 'shots/sh020', 'sh020_anim_v004')];
  const html = page({ view: 'sessions', session: sessions[0]!, query: {} }, sessions, new Html('')).text;
  t.regex(html, /harmony aaaaaaaa — shots\/sh010 \/ anim — sh010_anim_v001\.zip/);
  t.regex(html, /harmony bbbbbbbb — shots\/sh020 \/ anim — sh020_anim_v004\.zip/);
});
