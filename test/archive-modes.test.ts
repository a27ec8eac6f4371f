/**
 * Issue 21 item 15: modes from a zip go through the umask and are never world-writable. An archive asking for
 * drwxrwxrwx folders and -rwxrwxrwx files gets 755/755 under umask 022 and at most 775/775 even under umask 000.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractZip } from '../kit/archive/index.ts';
import { rawZip } from './support/raw-zip.ts';

const zip = rawZip([
  { name: 'open/', mode: 0o040777 },
  { name: 'open/nested/', mode: 0o041777 },
  { name: 'open/nested/run.sh', data: Buffer.from('#!/bin/sh\n'), mode: 0o104777 },
  { name: 'plain.txt', data: Buffer.from('x'), mode: 0o100666 },
]);

function modes(dir: string): Record<string, string> {
  const m = (p: string) => (fs.statSync(path.join(dir, p)).mode & 0o7777).toString(8);
  return { open: m('open'), nested: m('open/nested'), run: m('open/nested/run.sh'), plain: m('plain.txt') };
}

test.serial('extracted modes follow the umask and are never world-writable', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-modes-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'modes.zip');
  fs.writeFileSync(file, zip);
  const old = process.umask(0o022);
  try {
    await extractZip(file, path.join(dir, 'u022'));
    t.deepEqual(modes(path.join(dir, 'u022')), { open: '755', nested: '755', run: '755', plain: '644' });
    process.umask(0o000);
    await extractZip(file, path.join(dir, 'u000'));
    t.deepEqual(modes(path.join(dir, 'u000')), { open: '775', nested: '775', run: '775', plain: '664' }, 'never world-writable, no setuid or sticky bit');
    process.umask(0o077);
    await extractZip(file, path.join(dir, 'u077'));
    t.deepEqual(modes(path.join(dir, 'u077')), { open: '700', nested: '700', run: '700', plain: '600' });
  } finally {
    process.umask(old);
  }
});
