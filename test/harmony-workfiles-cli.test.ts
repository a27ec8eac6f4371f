/** `dcc-kit workfile open | save | list` as real processes: CLI, detached hub, simulated Harmony. */
import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { sandbox, type Sandbox } from './support/cli.ts';
import { until } from './support/harmony.ts';
import { extractZip, verifyZip, zipDirectory } from '../kit/archive/index.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { PATIENCE_MS } from './support/patience.ts';

function killLater(t: { teardown(fn: () => unknown): void }, pid: number) {
  t.teardown(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
}

async function workfileIn(sb: Sandbox, stem: string): Promise<{ shots: string; zip: string }> {
  const shots = path.join(sb.dir, 'shots', 'sh010', 'work');
  const project = path.join(sb.dir, 'src', stem);
  SimScene.createDefault(project, stem);
  await fsp.writeFile(path.join(project, 'elements', 'texture.bin'), Buffer.alloc(500_000, 1));
  await fsp.mkdir(shots, { recursive: true });
  const zip = path.join(shots, `${stem}.zip`);
  await zipDirectory(project, zip);
  return { shots, zip };
}

async function nodesIn(zip: string, dir: string): Promise<string[]> {
  const out = path.join(dir, `check-${Math.random().toString(16).slice(2)}`);
  await extractZip(zip, out);
  const xstage = fs.readdirSync(out).find((n) => n.endsWith('.xstage'))!;
  return [...SimScene.open(path.join(out, xstage)).state.nodes.keys()];
}

test('open, save, save --version-up and list from the shell', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shots, zip } = await workfileIn(sb, 'sh010_anim_v001');
  const help = await sb.run(['--help']);
  t.regex(help.stdout, /workfile\s+open, save/);

  const opened = await sb.json<{ pid: number; session: { scene: string } }>(['workfile', 'open', 'sh010_anim_v001.zip', '--simulate', '--json'], { cwd: shots });
  killLater(t, opened.pid);
  t.is(opened.session.scene, path.join(sb.env.DCC_KIT_HOME!, 'harmony', 'sh010_anim_v001', 'sh010_anim_v001.xstage'));

  const busy = await sb.run(['workfile', 'open', zip, '--fresh', '--force', '--simulate', '--json']);
  t.is(busy.code, 1);
  t.is(JSON.parse(busy.stdout).error.code, 'WORKFILE_IN_USE', 'a copy open in Harmony is not replaced under it');

  const edit = await sb.run(['call', 'harmony', '--script', 'node.add("Top", "Peg_FromShell", "PEG", 0, 0, 0)']);
  t.is(edit.code, 0, edit.stderr);
  const saved = await sb.json<{ status: string; dest: string; bytes: number }>(['workfile', 'save', '--json']);
  t.is(saved.status, 'saved');
  t.is(saved.dest, zip);
  t.true(saved.bytes > 500_000);
  t.true((await nodesIn(zip, sb.dir)).includes('Top/Peg_FromShell'));

  const up = await sb.run(['workfile', 'save', '--version-up']);
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /^saved .*sh010_anim_v002\.zip \(/m);
  t.regex(up.stderr, /written in/, 'progress lines on stderr');
  await verifyZip(path.join(shots, 'sh010_anim_v002.zip'));

  const list = await sb.json<Array<{ file: string; version: number; size: number; modified: string }>>(['workfile', 'list', shots, '--json']);
  t.deepEqual(list.map((v) => [v.file, v.version]), [['sh010_anim_v002.zip', 2], ['sh010_anim_v001.zip', 1]]);
  t.true(list.every((v) => v.size > 0 && !Number.isNaN(Date.parse(v.modified))));
  const human = await sb.run(['workfile', 'list'], { cwd: shots });
  t.regex(human.stdout, /^VERSION\s+SIZE\s+MODIFIED\s+FILE\n2\s+.*sh010_anim_v002\.zip\n1\s+.*sh010_anim_v001\.zip/);
});

test('a save returns at once with --no-wait; Harmony dying meanwhile does not stop the archive', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { zip } = await workfileIn(sb, 'sh030_anim_v001');
  const opened = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json']);
  killLater(t, opened.pid);
  const previous = await fsp.readFile(zip);
  t.is((await sb.run(['call', 'harmony', '--script', 'node.add("Top", "Peg_BeforeCrash", "PEG", 0, 0, 0)'])).code, 0);
  const ticket = await sb.json<{ status: string; id: string; dest: string }>(['workfile', 'save', '--no-wait', '--json']);
  process.kill(opened.pid, 'SIGKILL');
  t.true(['started', 'queued'].includes(ticket.status));
  t.is(ticket.dest, zip);
  await until(() => !fs.readFileSync(zip).equals(previous), PATIENCE_MS, 'the new archive');
  await verifyZip(zip);
  t.true((await nodesIn(zip, sb.dir)).includes('Top/Peg_BeforeCrash'));
});

test('bad input: a hostile archive is refused with nothing extracted; usage errors exit 2; no hub is an error', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const noHub = await sb.run(['workfile', 'save']);
  t.is(noHub.code, 1);
  t.regex(noHub.stderr, /no hub is running/);
  const { shots } = await workfileIn(sb, 'sh040_anim_v001');
  const evil = path.join(shots, 'sh040_anim_v002.zip');
  await fsp.writeFile(evil, (await fsp.readFile(path.join(shots, 'sh040_anim_v001.zip'))).subarray(0, 700));
  const refused = await sb.run(['workfile', 'open', evil, '--simulate', '--json']);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /sh040_anim_v002\.zip is not a valid zip archive/);
  t.is(JSON.parse(refused.stdout).error.code, 'ARCHIVE_CORRUPT');
  const workArea = path.join(sb.env.DCC_KIT_HOME!, 'harmony');
  t.deepEqual(fs.existsSync(workArea) ? fs.readdirSync(workArea) : [], []);
  for (const args of [['workfile'], ['workfile', 'open'], ['workfile', 'open', 'scene.xstage'], ['workfile', 'save', '--to', 'x.txt'], ['workfile', 'frobnicate']]) {
    const r = await sb.run(args);
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /usage: dcc-kit workfile|must name a \.zip|is not a workfile/);
  }
});
