import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { listZip, zipDirectory } from '../kit/archive/index.ts';
import { crc32Combine } from '../kit/archive/crc32-combine.ts';
import { hasCompressedExtension, looksIncompressible } from '../kit/archive/compressibility.ts';

const run = promisify(execFile);
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-archive-format-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

test('crc32Combine equals the CRC-32 of the concatenation', (t) => {
  for (const [a, b] of [[0, 0], [1, 0], [0, 7], [1000, 3], [65_536, 123_457], [5, 2 * 1024 * 1024]] as const) {
    const x = crypto.randomBytes(a);
    const y = crypto.randomBytes(b);
    t.is(crc32Combine(zlib.crc32(x), zlib.crc32(y), b), zlib.crc32(Buffer.concat([x, y])), `${a}+${b}`);
  }
});

test('compressibility: random and compressed data are stored, text and repeated blocks are deflated', (t) => {
  const slices = (b: Buffer) => [b.subarray(0, 4096), b.subarray(4096, 8192), b.subarray(8192, 12288)];
  t.true(looksIncompressible(slices(crypto.randomBytes(12_288))));
  const deflated = zlib.deflateRawSync(Buffer.from(crypto.randomBytes(40_000).toString('hex')));
  t.true(looksIncompressible(slices(deflated)), 'typical deflate output');
  // Deflate output of very regular text still repeats itself (deflating it again saves ~25%): not judged random.
  const regular = Array.from({ length: 20_000 }, (_, i) => `frame ${i} peg ${(i * 7919) % 10007}`).join('\n');
  const again = zlib.deflateRawSync(Buffer.from(regular));
  t.true(zlib.deflateRawSync(again).length < again.length * 0.9);
  t.false(looksIncompressible(slices(again)));
  t.false(looksIncompressible(slices(Buffer.from('<module name="peg"/>\n'.repeat(1000)))));
  // High byte entropy but full of repeats: entropy alone would call it random.
  const block = crypto.randomBytes(1024);
  t.false(looksIncompressible(slices(Buffer.concat(Array.from({ length: 12 }, () => block)))));
  t.false(looksIncompressible([crypto.randomBytes(500)]), 'too small to judge');
  t.true(hasCompressedExtension('frames/final-0001.PNG'));
  t.false(hasCompressedExtension('elements/E/E-1.tvg'));
  t.false(hasCompressedExtension('png'));
});

test('more than 65 535 entries are written with ZIP64 end records that unzip accepts', async (t) => {
  const src = path.join(scratch, 'many');
  await fs.mkdir(src);
  // 66 folders of 1 000 empty files, created by `touch` (much faster than one fs call per file).
  const names = Array.from({ length: 1000 }, (_, i) => `f${i}`);
  await Promise.all(Array.from({ length: 66 }, async (_, d) => {
    const dir = path.join(src, `d${d}`);
    await fs.mkdir(dir);
    await run('touch', names, { cwd: dir });
  }));
  const zip = path.join(scratch, 'many.zip');
  const summary = await zipDirectory(src, zip);
  t.is(summary.entries, 66_066);
  const bytes = await fs.readFile(zip);
  const eocd = bytes.subarray(bytes.length - 22);
  t.is(eocd.readUInt32LE(0), 0x06054b50);
  t.is(eocd.readUInt16LE(10), 0xffff, 'the classic record points to ZIP64');
  t.is(bytes.readUInt32LE(bytes.length - 22 - 20), 0x07064b50, 'ZIP64 locator present');
  t.is((await listZip(zip)).length, 66_066);
  const { stdout } = await run('unzip', ['-tq', zip]);
  t.regex(stdout, /No errors detected/);
});
