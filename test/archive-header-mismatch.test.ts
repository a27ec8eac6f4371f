/** A zip whose local headers disagree with its central directory is refused, as `unzip -t` reports it. */
import test from 'ava';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractZip, verifyZip, zipDirectory } from '../kit/archive/index.ts';

function unzipT(zip: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => execFile('unzip', ['-t', zip], (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, out: stdout + stderr })));
}

/** Offset of the first local header whose name is `name` (our writer sets no data descriptor flag). */
function localHeaderOf(buf: Buffer, name: string): number {
  for (let at = buf.indexOf('PK\x03\x04', 0, 'latin1'); at >= 0; at = buf.indexOf('PK\x03\x04', at + 4, 'latin1')) {
    const nameLength = buf.readUInt16LE(at + 26);
    if (buf.subarray(at + 30, at + 30 + nameLength).toString('utf8') === name) return at;
  }
  throw new Error(`no local header for ${name}`);
}

test('a local header CRC that disagrees with the central directory: refused on extract and verify, nothing extracted', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-lochdr-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'scene.xstage'), '<project>' + '<module/>'.repeat(500) + '</project>');
  fs.writeFileSync(path.join(dir, 'src', 'notes.txt'), 'hello');
  const zip = path.join(dir, 'w.zip');
  await zipDirectory(path.join(dir, 'src'), zip);
  const buf = fs.readFileSync(zip);
  const at = localHeaderOf(buf, 'notes.txt');
  t.is(buf.readUInt16LE(at + 6) & 0x0008, 0, 'no data descriptor: the local header carries the CRC');
  buf.writeUInt32LE((buf.readUInt32LE(at + 14) ^ 0xdeadbeef) >>> 0, at + 14);
  fs.writeFileSync(zip, buf);

  const unzip = await unzipT(zip);
  if (unzip.code !== 127) t.not(unzip.code, 0, `unzip -t sees it: ${unzip.out}`);
  const dest = path.join(dir, 'out');
  const err = await t.throwsAsync(extractZip(zip, dest));
  t.regex(err!.message, /Entry "notes\.txt" of .*w\.zip is damaged: its local header gives CRC-32 [0-9a-f]{8} but the central directory [0-9a-f]{8} \(unzip -t reports a bad CRC\)/);
  t.false(fs.existsSync(dest));
  await t.throwsAsync(verifyZip(zip), { message: /local header gives CRC-32/ });
});

test('local header sizes that disagree with the central directory are refused', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-lochdr-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'a.txt'), 'alpha');
  const zip = path.join(dir, 'w.zip');
  await zipDirectory(path.join(dir, 'src'), zip);
  const buf = fs.readFileSync(zip);
  const at = localHeaderOf(buf, 'a.txt');
  buf.writeUInt32LE(buf.readUInt32LE(at + 22) + 1, at + 22);
  fs.writeFileSync(zip, buf);
  await t.throwsAsync(extractZip(zip, path.join(dir, 'out')), { message: /its local header gives other sizes than the central directory/ });
});
