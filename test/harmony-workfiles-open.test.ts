/**
 * Opening workfiles as `dcc-kit launch harmony x.zip` does (the adapter's prepareLaunch): extraction into the
 * work area, reuse of a newer local copy, the choice of .xstage, new scenes, and archives that must be
 * refused without leaving anything behind.
 */
import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import harmony from '../adapters/harmony/index.ts';
import { defaultConfig } from '../config/defaults.ts';
import { zipDirectory } from '../kit/archive/index.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { ORIGIN_FILE, readOrigin } from '../adapters/harmony/workfiles/origin.ts';
import type { DccKitConfig } from '../config/schema.ts';
import { startHub, until } from './support/harmony.ts';
import { connectHub } from '../kit/hub/client.ts';
import { hubPaths, writeRuntime } from '../kit/hub/runtime.ts';
import { PATIENCE_MS } from './support/patience.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-wf-open-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rmSync(scratch, { recursive: true, force: true }));

let n = 0;
function setup(change: (c: DccKitConfig) => void = () => {}) {
  const dir = path.join(scratch, `case-${++n}`);
  const home = path.join(dir, 'kit');
  const config = defaultConfig(home) as DccKitConfig;
  config.harmony.workfiles.workArea = path.join(dir, 'work-area');
  change(config);
  const shots = path.join(dir, 'shots');
  fs.mkdirSync(shots, { recursive: true });
  const open = (scene: string | null, opts: { fresh?: boolean; simulate?: boolean; cwd?: string } = {}) => harmony.prepareLaunch!({
    scene, simulate: opts.simulate ?? true, fresh: opts.fresh, config, env: { ...process.env, DCC_KIT_HOME: home }, cwd: opts.cwd ?? shots,
  });
  const workAreaEntries = () => fs.existsSync(config.harmony.workfiles.workArea) ? fs.readdirSync(config.harmony.workfiles.workArea) : [];
  return { dir, shots, config, workArea: config.harmony.workfiles.workArea, open, workAreaEntries };
}

/** A real project folder (simulator scene) zipped as `<shots>/<stem>.zip`, scene named `sceneName`. */
async function makeWorkfile(shots: string, stem: string, opts: { sceneName?: string; topFolder?: boolean; marker?: string } = {}): Promise<string> {
  const root = path.join(scratch, `src-${++n}`);
  // With a top folder the archive holds <stem>/<stem>.xstage; without, the project's contents at its root.
  const project = opts.topFolder ? path.join(root, stem, stem) : path.join(root, 'p');
  SimScene.createDefault(project, opts.sceneName ?? stem);
  if (opts.marker) await fsp.writeFile(path.join(project, 'marker.txt'), opts.marker);
  await fsp.mkdir(shots, { recursive: true });
  const zip = path.join(shots, `${stem}.zip`);
  await zipDirectory(opts.topFolder ? path.join(root, stem) : project, zip);
  return zip;
}

test('a workfile is extracted into <workArea>/<stem>/ and Harmony is given its .xstage', async (t) => {
  const s = setup();
  const zip = await makeWorkfile(s.shots, 'sh010_anim_v003', { marker: 'one' });
  const { scene } = await s.open(zip);
  t.is(scene, path.join(s.workArea, 'sh010_anim_v003', 'sh010_anim_v003.xstage'));
  t.is(fs.readFileSync(path.join(s.workArea, 'sh010_anim_v003', 'marker.txt'), 'utf8'), 'one');
  const rec = await readOrigin(path.join(s.workArea, 'sh010_anim_v003'));
  t.is(rec!.zip, zip);
  t.is(rec!.source, 'workfile');
});

test('the local copy is reused when newer or unchanged, extracted again when the archive is newer or with --fresh', async (t) => {
  const s = setup();
  const zip = await makeWorkfile(s.shots, 'sh010_anim_v001', { marker: 'archived' });
  const copy = path.join(s.workArea, 'sh010_anim_v001');
  await s.open(zip);
  const marker = path.join(copy, 'marker.txt');
  await fsp.writeFile(marker, 'local edit');
  await s.open(zip);
  t.is(fs.readFileSync(marker, 'utf8'), 'local edit', 'unchanged archive: the copy is reused');

  // Someone else wrote a newer archive: extracted again.
  const newer = await makeWorkfile(path.join(scratch, `other-${++n}`), 'sh010_anim_v001', { marker: 'newer archive' });
  await fsp.copyFile(newer, zip);
  const future = new Date(Date.now() + 60_000);
  await fsp.utimes(zip, future, future);
  await s.open(zip);
  t.is(fs.readFileSync(marker, 'utf8'), 'newer archive');

  // The artist saved in Harmony after that (local .xstage newer than the archive): reused.
  await fsp.writeFile(marker, 'saved locally');
  const later = new Date(Date.now() + 120_000);
  for (const f of fs.readdirSync(copy).filter((x) => x.endsWith('.xstage'))) await fsp.utimes(path.join(copy, f), later, later);
  await fsp.utimes(zip, new Date(Date.now() + 90_000), new Date(Date.now() + 90_000));
  await s.open(zip);
  t.is(fs.readFileSync(marker, 'utf8'), 'saved locally');

  // --fresh extracts whatever the times say.
  await s.open(zip, { fresh: true });
  t.is(fs.readFileSync(marker, 'utf8'), 'newer archive');
  t.true(fs.existsSync(path.join(copy, ORIGIN_FILE)));
});

test('the .xstage: <stem>.xstage first, else the only one, else <stem>/<stem>.xstage', async (t) => {
  const s = setup();
  // Saved by version-up: the scene inside keeps its first name.
  const renamed = await makeWorkfile(s.shots, 'sh020_anim_v004', { sceneName: 'sh020_anim_v001' });
  t.is(path.basename((await s.open(renamed)).scene!), 'sh020_anim_v001.xstage');
  const nested = await makeWorkfile(s.shots, 'sh030_anim_v001', { topFolder: true });
  t.is((await s.open(nested)).scene, path.join(s.workArea, 'sh030_anim_v001', 'sh030_anim_v001', 'sh030_anim_v001.xstage'));
  // Several scenes at the top: the one named after the archive.
  const project = path.join(scratch, `multi-${++n}`, 'p');
  SimScene.createDefault(project, 'sh040_anim_v002');
  SimScene.createDefault(path.join(project, '..', 'q'), 'aaa_first');
  await fsp.copyFile(path.join(project, '..', 'q', 'aaa_first.xstage'), path.join(project, 'aaa_first.xstage'));
  const multi = path.join(s.shots, 'sh040_anim_v002.zip');
  await zipDirectory(project, multi);
  t.is(path.basename((await s.open(multi)).scene!), 'sh040_anim_v002.xstage');
});

test('an archive without a Harmony scene is refused before anything is extracted', async (t) => {
  const s = setup();
  const folder = path.join(scratch, `noscene-${++n}`);
  await fsp.mkdir(path.join(folder, 'elements'), { recursive: true });
  await fsp.writeFile(path.join(folder, 'elements', 'a.tvg'), 'x');
  const zip = path.join(s.shots, 'notes_v001.zip');
  await zipDirectory(folder, zip);
  const err = await t.throwsAsync(s.open(zip));
  t.is((err as { code?: string }).code, 'WORKFILE_NO_SCENE');
  t.regex(err!.message, /no \.xstage[\s\S]*Nothing was extracted/);
  t.deepEqual(s.workAreaEntries(), []);
});

test('without a workfile: the newest of the folder with openLatest, else a template scene (simulator) or none (Harmony)', async (t) => {
  const latest = setup((c) => { c.harmony.workfiles.openLatest = true; });
  const old = new Date(Date.now() - 3600_000);
  await fsp.utimes(await makeWorkfile(latest.shots, 'sh049_bg_v007'), old, old);
  await makeWorkfile(latest.shots, 'sh050_anim_v001');
  await fsp.utimes(await makeWorkfile(latest.shots, 'sh050_anim_v010', { marker: 'ten' }), old, old);
  await makeWorkfile(latest.shots, 'sh050_anim_v002');
  // The workfile saved last (sh050_anim), at its highest version.
  t.is((await latest.open(null)).scene, path.join(latest.workArea, 'sh050_anim_v010', 'sh050_anim_v010.xstage'));

  const fresh = setup();
  const made = await fresh.open(null, { simulate: true });
  t.regex(path.relative(fresh.workArea, made.scene!), /^untitled-\d{8}-\d{6}[\\/]untitled\.xstage$/);
  const scene = SimScene.open(made.scene!);
  t.deepEqual([...scene.state.nodes.keys()].sort(), ['Top', 'Top/Composite', 'Top/Display', 'Top/Write']);
  t.is((await readOrigin(path.dirname(made.scene!)))!.source, 'template');
  const second = await fresh.open(null, { simulate: true });
  t.not(second.scene, made.scene);

  t.deepEqual(await setup().open(null, { simulate: false }), { scene: null });
  // Scenes that are not archives pass through untouched.
  t.is((await fresh.open(made.scene!)).scene, made.scene);
});

test('with a hub running, the progress of an extraction reaches subscribed tools', async (t) => {
  const s = setup();
  const hub = await startHub(t, { config: s.config, home: s.config.home });
  await writeRuntime(hubPaths(s.config.home), {
    pid: process.pid, port: hub.port, token: hub.token, version: 'test', protocol: 1, startedAt: new Date().toISOString(),
  });
  const tool = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS });
  t.teardown(() => tool.close());
  const seen: Array<{ event: string; phase?: string; zip?: string; bytesDone?: number; bytesTotal?: number }> = [];
  tool.on('event', (e: (typeof seen)[number]) => { if (e.event === 'workfile.progress') seen.push(e); });
  await tool.subscribe();
  const zip = await makeWorkfile(s.shots, 'sh100_anim_v001');
  await s.open(zip);
  await until(() => seen.some((e) => e.bytesDone === e.bytesTotal && e.bytesTotal! > 0), PATIENCE_MS, 'the last progress event');
  t.true(seen.every((e) => e.phase === 'extract' && e.zip === zip));
});

// ---- hostile and damaged archives -------------------------------------------------------------------

interface RawEntry { name: string; data?: Buffer; declaredSize?: number; mode?: number; deflate?: boolean }

/** Writes exactly the entries given, with whatever names and declared sizes, as a zip. */
function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.data ?? Buffer.from('x');
    const body = e.deflate ? zlib.deflateRawSync(data) : data;
    const method = e.deflate ? 8 : 0;
    const name = Buffer.from(e.name, 'utf8');
    const crc = zlib.crc32(data);
    const size = e.declaredSize ?? data.length;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(0x0800, 6); head.writeUInt16LE(method, 8);
    head.writeUInt32LE(crc, 14); head.writeUInt32LE(body.length, 18); head.writeUInt32LE(size, 22); head.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(0x0314, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(0x0800, 8);
    cen.writeUInt16LE(method, 10); cen.writeUInt32LE(crc, 16); cen.writeUInt32LE(body.length, 20); cen.writeUInt32LE(size, 24);
    cen.writeUInt16LE(name.length, 28); cen.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38); cen.writeUInt32LE(offset, 42);
    locals.push(head, name, body);
    centrals.push(cen, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const scene = { name: 'sh090_anim_v001.xstage', data: Buffer.from('<project/>') };

const hostile: Array<{ title: string; code: RegExp; bytes: (good: Buffer) => Buffer; maxBytes?: number }> = [
  { title: 'not a zip at all', code: /^ARCHIVE_CORRUPT$/, bytes: () => Buffer.from('PK? this is a text file, not an archive\n'.repeat(20)) },
  { title: 'a truncated archive', code: /^ARCHIVE_CORRUPT$/, bytes: (good) => good.subarray(0, Math.floor(good.length * 0.6)) },
  { title: 'an entry escaping with ../', code: /^ARCHIVE_UNSAFE_ENTRY$/, bytes: () => rawZip([scene, { name: 'elements/../../../evil.sh' }]) },
  { title: 'an absolute entry', code: /^ARCHIVE_UNSAFE_ENTRY$/, bytes: () => rawZip([scene, { name: '/tmp/evil.sh' }]) },
  { title: 'an entry with a drive letter', code: /^ARCHIVE_UNSAFE_ENTRY$/, bytes: () => rawZip([scene, { name: 'C:/Windows/evil.bat' }]) },
  { title: 'an entry with backslashes', code: /^ARCHIVE_UNSAFE_ENTRY$/, bytes: () => rawZip([scene, { name: 'elements\\..\\..\\evil.sh' }]) },
  { title: 'a symlink entry', code: /^ARCHIVE_UNSAFE_ENTRY$/, bytes: () => rawZip([scene, { name: 'elements/link', data: Buffer.from('/etc'), mode: 0o120777 }]) },
  {
    title: 'declared sizes that lie', code: /^ARCHIVE_SIZE_MISMATCH$/,
    bytes: () => rawZip([scene, { name: 'elements/bomb.tvg', data: Buffer.alloc(2_000_000), declaredSize: 100, deflate: true }]),
  },
  {
    title: 'an archive expanding past maxExtractBytes', code: /^ARCHIVE_LIMIT$/, maxBytes: 50_000,
    bytes: () => rawZip([scene, { name: 'elements/big.tvg', data: Buffer.alloc(200_000), deflate: true }]),
  },
];

for (const h of hostile) {
  test(`refused: ${h.title}; nothing is left behind and the local copy is untouched`, async (t) => {
    const s = setup((c) => { if (h.maxBytes) c.harmony.workfiles.maxExtractBytes = h.maxBytes; });
    const zip = await makeWorkfile(s.shots, 'sh090_anim_v001', { marker: 'good copy' });
    const good = await fsp.readFile(zip);
    if (!h.maxBytes) await s.open(zip); // a good local copy exists already
    await fsp.writeFile(zip, h.bytes(good));
    const err = await t.throwsAsync(s.open(zip, { fresh: true }));
    t.regex(String((err as { code?: string }).code), h.code, err!.message);
    t.regex(err!.message, /sh090_anim_v001\.zip/);
    const entries = s.workAreaEntries();
    t.deepEqual(entries.filter((e) => e.includes('dcckit-')), [], 'no temp folder stays');
    if (h.maxBytes) t.deepEqual(entries, []);
    else t.is(fs.readFileSync(path.join(s.workArea, 'sh090_anim_v001', 'marker.txt'), 'utf8'), 'good copy');
    t.false(fs.existsSync(path.join(s.dir, 'evil.sh')));
    t.false(fs.existsSync(path.join(s.workArea, 'evil.sh')));
  });
}
