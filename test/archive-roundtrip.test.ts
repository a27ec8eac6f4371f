import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ArchiveError, extractZip, listZip, verifyZip, zipDirectory, type ArchiveProgress,
} from '../kit/archive/index.ts';

/** The test tree's big/compressible.xml is synthetic (409:1): past the default ratio every caller is held to. */
const SYNTHETIC = { maxRatio: 10_000 };

const run = promisify(execFile);
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-archive-rt-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

let counter = 0;
async function freshDir(label: string): Promise<string> {
  const d = path.join(scratch, `${label}-${++counter}`);
  await fs.mkdir(d, { recursive: true });
  return d;
}

/** A small project: unicode names, empty folders and files, binary and text, one file big enough to be chunked. */
async function makeTree(root: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {
    'scene.xstage': Buffer.from('<project>' + '<module name="peg"/>'.repeat(20000) + '</project>'),
    'scène été/dessin_é.tvg': crypto.randomBytes(50_000),
    '日本語/ファイル.txt': Buffer.from('こんにちは\n'.repeat(100)),
    'emoji 🎬/clip.txt': Buffer.from('take 1'),
    'empty.txt': Buffer.alloc(0),
    'elements/Elem/Elem-1.tvg': Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251)),
    'frames/final-0001.png': crypto.randomBytes(30_000),
    'big/compressible.xml': Buffer.from('<node a="1" b="2"/>\n'.repeat(130_000)), // 2.5 MiB: chunked deflate
    'big/random.bin': crypto.randomBytes(2 * 1024 * 1024 + 123), // chunked store
  };
  for (const [rel, data] of Object.entries(files)) {
    const p = path.join(root, rel);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, data);
  }
  await fs.mkdir(path.join(root, 'empty dir', 'nested empty'), { recursive: true });
  await fs.chmod(path.join(root, 'scene.xstage'), 0o755);
  await fs.utimes(path.join(root, 'empty.txt'), new Date('2021-03-04T05:06:08Z'), new Date('2021-03-04T05:06:08Z'));
  return files;
}

async function assertSameTree(t: import('ava').ExecutionContext, a: string, b: string): Promise<void> {
  const list = async (d: string) => (await fs.readdir(d, { recursive: true })).map(String).sort();
  const [la, lb] = [await list(a), await list(b)];
  t.deepEqual(lb, la);
  for (const rel of la) {
    const [sa, sb] = [await fs.stat(path.join(a, rel)), await fs.stat(path.join(b, rel))];
    t.is(sb.isDirectory(), sa.isDirectory(), rel);
    if (sa.isFile()) t.true((await fs.readFile(path.join(a, rel))).equals(await fs.readFile(path.join(b, rel))), rel);
  }
}

test('round trip: unicode names, empty folders and files, binary data, modes and times', async (t) => {
  const dir = await freshDir('rt');
  const src = path.join(dir, 'src');
  await makeTree(src);
  const zip = path.join(dir, 'out.zip');
  const phases = new Set<string>();
  const summary = await zipDirectory(src, zip, { onProgress: (p: ArchiveProgress) => phases.add(p.phase) });
  t.deepEqual([...phases], ['scan', 'zip', 'verify']);
  t.is(summary.files, 9);
  t.is(summary.bytesOut, (await fs.stat(zip)).size);
  t.true(summary.storedFiles >= 3, 'random data and the .png are stored');

  const entries = await listZip(zip);
  const names = entries.map(e => e.name);
  t.true(names.includes('scène été/'));
  t.true(names.includes('empty dir/nested empty/'));
  t.true(names.includes('日本語/ファイル.txt'));
  t.false(names.some(n => n.startsWith('/') || n.includes('\\') || n.startsWith('src/')), 'contents at the zip root');
  t.is(entries.find(e => e.name === 'big/random.bin')!.method, 'store');
  t.is(entries.find(e => e.name === 'big/compressible.xml')!.method, 'deflate');
  t.is(entries.find(e => e.name === 'scene.xstage')!.mode, 0o100755);

  const dest = path.join(dir, 'extracted');
  const ex = await extractZip(zip, dest, SYNTHETIC);
  t.is(ex.files, 9);
  await assertSameTree(t, src, dest);
  t.is((await fs.stat(path.join(dest, 'scene.xstage'))).mode & 0o777, 0o755);
  t.is((await fs.stat(path.join(dest, 'empty.txt'))).mtime.toISOString(), '2021-03-04T05:06:08.000Z');
  t.deepEqual((await fs.readdir(dir)).sort(), ['extracted', 'out.zip', 'src'], 'no temp files left behind');
});

test('unzip -t and python zipfile accept our archives, including forced ZIP64', async (t) => {
  const dir = await freshDir('compat');
  const src = path.join(dir, 'src');
  await makeTree(src);
  for (const zip64 of ['auto', 'always'] as const) {
    const zip = path.join(dir, `out-${zip64}.zip`);
    await zipDirectory(src, zip, { zip64 });
    const { stdout } = await run('unzip', ['-t', zip]);
    t.regex(stdout, /No errors detected/);
    const py = await run('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(len(z.namelist()))', zip]);
    t.is(py.stdout, 'None\n18\n');
    const dest = path.join(dir, `x-${zip64}`);
    await extractZip(zip, dest, SYNTHETIC);
    await assertSameTree(t, src, dest);
  }
  const flags = await run('python3', ['-c', 'import sys, zipfile; print(all(i.flag_bits & 0x800 for i in zipfile.ZipFile(sys.argv[1]).infolist()))', path.join(dir, 'out-auto.zip')]);
  t.is(flags.stdout, 'True\n', 'every name is flagged UTF-8');
});

test('reads archives written by Info-ZIP: raw UTF-8 names, data descriptors, ZIP64', async (t) => {
  const dir = await freshDir('infozip');
  const src = path.join(dir, 'src');
  await makeTree(src);
  const variants: Array<[string, string[], boolean]> = [
    ['plain.zip', ['-r', '-q'], false],
    ['zip64.zip', ['-r', '-q', '-fz'], false],
  ];
  for (const [name, args] of variants) {
    await run('zip', [...args, path.join(dir, name), '.'], { cwd: src });
  }
  // Written to a pipe, zip cannot seek back and uses data descriptors.
  await run('sh', ['-c', `zip -r -q - . > "${path.join(dir, 'streamed.zip')}"`], { cwd: src });
  for (const name of ['plain.zip', 'zip64.zip', 'streamed.zip']) {
    const zip = path.join(dir, name);
    t.true((await verifyZip(zip)).entries > 9, name);
    const dest = path.join(dir, `x-${name}`);
    await extractZip(zip, dest, SYNTHETIC);
    await assertSameTree(t, src, dest);
  }
});

test('exclude leaves out files and whole folders; the destination inside the source is never archived', async (t) => {
  const dir = await freshDir('exclude');
  await makeTree(dir);
  const zip = path.join(dir, 'inside.zip');
  await zipDirectory(dir, zip, { exclude: (rel, info) => rel === 'big' || (!info.isDirectory && rel.endsWith('.png')) });
  await zipDirectory(dir, zip, { exclude: (rel, info) => rel === 'big' || (!info.isDirectory && rel.endsWith('.png')) }); // again, with the old archive present
  const names = (await listZip(zip)).map(e => e.name);
  t.false(names.some(n => n.startsWith('big')));
  t.false(names.some(n => n.endsWith('.png')));
  t.false(names.some(n => n.includes('inside.zip') || n.includes('dcckit-tmp')));
  t.true(names.includes('scene.xstage'));
});

test('level 0 stores everything; an invalid level is refused before anything is written', async (t) => {
  const dir = await freshDir('level');
  const src = path.join(dir, 'src');
  await makeTree(src);
  const zip = path.join(dir, 'stored.zip');
  await zipDirectory(src, zip, { level: 0 });
  t.true((await listZip(zip)).every(e => e.method === 'store'));
  await t.throwsAsync(zipDirectory(src, path.join(dir, 'bad.zip'), { level: 11 }), { instanceOf: ArchiveError, message: /level/ });
  t.deepEqual((await fs.readdir(dir)).sort(), ['src', 'stored.zip']);
});

test('extracting over an existing folder needs replace: true, and then swaps it whole', async (t) => {
  const dir = await freshDir('replace');
  const src = path.join(dir, 'src');
  await makeTree(src);
  const zip = path.join(dir, 'out.zip');
  await zipDirectory(src, zip);
  const dest = path.join(dir, 'work');
  await fs.mkdir(dest);
  await fs.writeFile(path.join(dest, 'stale.txt'), 'old local copy');
  const err = await t.throwsAsync(extractZip(zip, dest, SYNTHETIC), { code: 'ARCHIVE_DEST_EXISTS' });
  t.regex(err!.message, /replace: true/);
  t.is(await fs.readFile(path.join(dest, 'stale.txt'), 'utf8'), 'old local copy');
  await extractZip(zip, dest, { ...SYNTHETIC, replace: true });
  await assertSameTree(t, src, dest);
  t.deepEqual((await fs.readdir(dir)).sort(), ['out.zip', 'src', 'work']);
});

test('symlinks in the source are followed; dangling links and loops are skipped and reported', async (t) => {
  const dir = await freshDir('links');
  const src = path.join(dir, 'src');
  await fs.mkdir(path.join(src, 'real'), { recursive: true });
  await fs.writeFile(path.join(src, 'real', 'a.txt'), 'real content');
  await fs.symlink('real/a.txt', path.join(src, 'link-to-file.txt'));
  await fs.symlink('real', path.join(src, 'link-to-dir'));
  await fs.symlink('nowhere.txt', path.join(src, 'dangling.txt'));
  await fs.symlink('..', path.join(src, 'real', 'loop'));
  const zip = path.join(dir, 'out.zip');
  const summary = await zipDirectory(src, zip);
  t.deepEqual(summary.skipped.sort(), ['dangling.txt', 'link-to-dir/loop', 'real/loop']);
  const entries = await listZip(zip);
  t.false(entries.some(e => e.isSymlink));
  t.deepEqual(entries.map(e => e.name).sort(), ['link-to-dir/', 'link-to-dir/a.txt', 'link-to-file.txt', 'real/', 'real/a.txt']);
  const dest = path.join(dir, 'x');
  await extractZip(zip, dest, SYNTHETIC);
  t.is(await fs.readFile(path.join(dest, 'link-to-file.txt'), 'utf8'), 'real content');
  t.false((await fs.lstat(path.join(dest, 'link-to-file.txt'))).isSymbolicLink());
});
