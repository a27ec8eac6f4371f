import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ArchiveError, UnsafeZipEntryError, UnsupportedZipError, ZipChecksumError, ZipCorruptError, ZipLimitError,
  ZipSizeMismatchError, extractZip, listZip, verifyZip, zipDirectory, type UnsafeEntryReason,
} from '../kit/archive/index.ts';
import { checkEntryNames } from '../kit/archive/entry-names.ts';
import { rawZip } from './support/raw-zip.ts';
import type { CentralEntry } from '../kit/archive/zip-reader.ts';

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-archive-hostile-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

const text = (s: string) => Buffer.from(s);
let counter = 0;

/** Writes `zip` to a fresh folder, tries to extract it, and checks that nothing but the zip is left there. */
async function refuse(t: import('ava').ExecutionContext, zip: Buffer, expected: { instanceOf: new (...a: never[]) => Error; entry?: string; message?: RegExp },
  opts: Parameters<typeof extractZip>[2] = {}): Promise<Error> {
  const dir = path.join(scratch, `case-${++counter}`);
  await fs.mkdir(dir);
  const zipPath = path.join(dir, 'in.zip');
  await fs.writeFile(zipPath, zip);
  const err = await t.throwsAsync(extractZip(zipPath, path.join(dir, 'out'), opts));
  t.true(err instanceof expected.instanceOf, `${err?.constructor.name}: ${err?.message}`);
  t.true(err instanceof ArchiveError);
  if (expected.entry !== undefined) t.is((err as unknown as { entry?: string }).entry, expected.entry);
  if (expected.message) t.regex(err!.message, expected.message);
  t.deepEqual(await fs.readdir(dir), ['in.zip'], 'nothing extracted, no temp folder left');
  return err!;
}

const fine = { name: 'fine.txt', data: text('harmless') };

test('refuses entries that escape the destination, naming them', async (t) => {
  const cases: Array<[string, UnsafeEntryReason]> = [
    ['../evil.txt', 'parent-segment'],
    ['a/../../evil.txt', 'parent-segment'],
    ['/etc/evil.txt', 'absolute-path'],
    ['C:/Windows/evil.txt', 'drive-letter'],
    ['C:evil.txt', 'drive-letter'],
    ['..\\evil.txt', 'backslash'],
    ['dir\\evil.txt', 'backslash'],
    ['a//b.txt', 'bad-segment'],
    ['./a.txt', 'bad-segment'],
    ['bad\u0000name', 'bad-character'],
  ];
  for (const [name, reason] of cases) {
    const err = await refuse(t, rawZip([fine, { name, data: text('x') }]), { instanceOf: UnsafeZipEntryError, entry: name });
    t.is((err as UnsafeZipEntryError).reason, reason, name);
  }
});

test('refuses symlink entries', async (t) => {
  const err = await refuse(t, rawZip([fine, { name: 'link', data: text('/etc/passwd'), method: 0, mode: 0o120777 }]),
    { instanceOf: UnsafeZipEntryError, entry: 'link', message: /symbolic link/ });
  t.is((err as UnsafeZipEntryError).reason, 'symlink');
});

test('refuses duplicate names and a file that is also a folder', async (t) => {
  let err = await refuse(t, rawZip([fine, { name: 'a.txt', data: text('1') }, { name: 'a.txt', data: text('2') }]),
    { instanceOf: UnsafeZipEntryError, entry: 'a.txt' });
  t.is((err as UnsafeZipEntryError).reason, 'duplicate');
  err = await refuse(t, rawZip([{ name: 'd/', method: 0 }, { name: 'd/', method: 0 }]), { instanceOf: UnsafeZipEntryError, entry: 'd/' });
  t.is((err as UnsafeZipEntryError).reason, 'duplicate');
  err = await refuse(t, rawZip([{ name: 'a', data: text('file') }, { name: 'a/b.txt', data: text('inside') }]),
    { instanceOf: UnsafeZipEntryError, entry: 'a' });
  t.is((err as UnsafeZipEntryError).reason, 'file-dir-conflict');
});

test('Windows and case-insensitive name rules', (t) => {
  const entry = (name: string, index = 0): CentralEntry => ({
    index, name, nameBytes: Buffer.from(name), flags: 0x800, method: 8, crc32: 0, compressedSize: 0, size: 0, localOffset: index * 100,
    versionMadeBy: 0, externalAttributes: 0, mtime: new Date(), unixMode: undefined, isDirectory: name.endsWith('/'), isSymlink: false,
  });
  const win = { windows: true, caseInsensitive: true };
  for (const name of ['take:1.txt', 'CON', 'dir/nul.txt', 'trailing.', 'what?.txt']) {
    t.throws(() => checkEntryNames([entry(name)], 'x.zip', win), { instanceOf: UnsafeZipEntryError }, name);
  }
  t.notThrows(() => checkEntryNames([entry('take:1.txt')], 'x.zip', { windows: false, caseInsensitive: false }));
  const caseDup = [entry('Scene.xstage', 0), entry('scene.xstage', 1)];
  t.throws(() => checkEntryNames(caseDup, 'x.zip', win), { instanceOf: UnsafeZipEntryError, message: /case-insensitive/ });
  t.notThrows(() => checkEntryNames(caseDup, 'x.zip', { windows: false, caseInsensitive: false }));
  const nfc = [entry('\u00e9.txt', 0), entry('e\u0301.txt', 1)];
  t.throws(() => checkEntryNames(nfc, 'x.zip', win), { instanceOf: UnsafeZipEntryError });
});

test('refuses archives whose declared sizes lie', async (t) => {
  const data = Buffer.from('compressible '.repeat(1000));
  await refuse(t, rawZip([fine, { name: 'bomb.txt', data, size: 100 }]),
    { instanceOf: ZipSizeMismatchError, entry: 'bomb.txt', message: /more than its declared size/ });
  await refuse(t, rawZip([fine, { name: 'short.txt', data, size: data.length + 10 }]),
    { instanceOf: ZipSizeMismatchError, entry: 'short.txt' });
  await refuse(t, rawZip([fine, { name: 'stored.txt', data, method: 0, size: 5 }]),
    { instanceOf: ZipSizeMismatchError, entry: 'stored.txt' });
  await refuse(t, rawZip([fine, { name: 'past-end.txt', data, compressedSize: 10_000_000 }]),
    { instanceOf: ZipSizeMismatchError, entry: 'past-end.txt', message: /past/ });
  // Declares fewer compressed bytes than the deflate stream needs.
  await refuse(t, rawZip([{ name: 'cut.txt', data, compressedSize: 20 }, fine]), { instanceOf: ZipCorruptError, entry: 'cut.txt' });
});

test('refuses archives that expand past maxBytes or hold more than maxEntries', async (t) => {
  const big = { name: 'big.bin', data: Buffer.alloc(600) };
  await refuse(t, rawZip([big, { ...big, name: 'big2.bin' }]), { instanceOf: ZipLimitError, message: /1000/ }, { maxBytes: 1000 });
  const many = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: text(String(i)) }));
  const err = await refuse(t, rawZip(many), { instanceOf: ZipLimitError }, { maxEntries: 3 });
  t.is((err as ZipLimitError).limit, 'entries');
  // A lying size cannot slip past maxBytes: the inflated bytes are bounded by the declared ones.
  await refuse(t, rawZip([{ name: 'bomb.bin', data: Buffer.alloc(50_000), size: 10 }]), { instanceOf: ZipSizeMismatchError }, { maxBytes: 1000 });
});

test('refuses corrupt and truncated archives', async (t) => {
  const good = rawZip([fine, { name: 'second.txt', data: Buffer.from('second file '.repeat(200)) }]);
  await refuse(t, Buffer.from('this is not a zip archive at all, just text'), { instanceOf: ZipCorruptError, message: /end-of-central-directory/ });
  await refuse(t, Buffer.alloc(0), { instanceOf: ZipCorruptError });
  await refuse(t, good.subarray(0, Math.floor(good.length / 2)), { instanceOf: ZipCorruptError });
  await refuse(t, good.subarray(0, good.length - 30), { instanceOf: ZipCorruptError });
  await refuse(t, rawZip([fine, { name: 'bad-crc.txt', data: text('payload'), crc: 12345 }]),
    { instanceOf: ZipChecksumError, entry: 'bad-crc.txt', message: /CRC-32/ });
  const flipped = Buffer.from(good);
  flipped[30 + 'fine.txt'.length + 2]! ^= 0xff; // damage the first entry's deflate data
  await refuse(t, flipped, { instanceOf: ZipCorruptError, entry: 'fine.txt' });
  await refuse(t, rawZip([fine, { name: 'other.txt', data: text('x'), localName: 'sneaky.txt' }]),
    { instanceOf: ZipCorruptError, entry: 'other.txt', message: /different file/ });
  await refuse(t, rawZip([fine, { name: 'twin.txt', data: text('harmless'), sameOffsetAs: 0 }]),
    { instanceOf: ZipCorruptError, message: /same data/ });
});

test('refuses encrypted entries and unknown compression methods', async (t) => {
  await refuse(t, rawZip([{ name: 'secret.txt', data: text('x'), flags: 0x0801 }]), { instanceOf: UnsupportedZipError, entry: 'secret.txt', message: /encrypted/ });
  await refuse(t, rawZip([{ name: 'bzip.txt', data: text('x'), method: 12 }]), { instanceOf: UnsupportedZipError, entry: 'bzip.txt', message: /method 12/ });
});

test('a refused archive with replace: true leaves the existing folder as it was', async (t) => {
  const dir = path.join(scratch, 'replace-refused');
  await fs.mkdir(path.join(dir, 'out'), { recursive: true });
  await fs.writeFile(path.join(dir, 'out', 'mine.txt'), 'keep me');
  await fs.writeFile(path.join(dir, 'in.zip'), rawZip([fine, { name: 'bad.txt', data: text('x'), crc: 1 }]));
  await t.throwsAsync(extractZip(path.join(dir, 'in.zip'), path.join(dir, 'out'), { replace: true }), { instanceOf: ZipChecksumError });
  t.deepEqual((await fs.readdir(dir)).sort(), ['in.zip', 'out']);
  t.is(await fs.readFile(path.join(dir, 'out', 'mine.txt'), 'utf8'), 'keep me');
});

test('verifyZip finds damage that listZip cannot see; listZip shows sizes', async (t) => {
  const dir = path.join(scratch, 'verify');
  await fs.mkdir(path.join(dir, 'src'), { recursive: true });
  await fs.writeFile(path.join(dir, 'src', 'a.txt'), 'alpha '.repeat(5000));
  await fs.writeFile(path.join(dir, 'src', 'b.txt'), 'beta '.repeat(5000));
  const zip = path.join(dir, 'ok.zip');
  await zipDirectory(path.join(dir, 'src'), zip);
  const list = await listZip(zip);
  t.deepEqual(list.map(e => [e.name, e.size, e.method]), [['a.txt', 30000, 'deflate'], ['b.txt', 25000, 'deflate']]);
  t.is((await verifyZip(zip)).entries, 2);
  const bytes = await fs.readFile(zip);
  const dataAt = bytes.indexOf('b.txt') + 'b.txt'.length + 9 + 3; // inside b.txt's deflate data (after the UT extra)
  bytes[dataAt]! ^= 0x55;
  await fs.writeFile(zip, bytes);
  t.is((await listZip(zip)).length, 2);
  const err = await t.throwsAsync(verifyZip(zip), { instanceOf: ZipCorruptError });
  t.is((err as ZipCorruptError).entry, 'b.txt');
});
