import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ArchiveAbortedError, ArchiveSourceError, ArchiveWriteError, cleanStaleTemps, extractZip, listZip, verifyZip, zipDirectory,
  type ArchiveProgress,
} from '../kit/archive/index.ts';
import { hostTag } from '../kit/archive/temp-files.ts';

const run = promisify(execFile);
const archiveIndex = fileURLToPath(new URL('../kit/archive/index.ts', import.meta.url));
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-archive-atomic-'));
await fs.chmod(scratch, 0o755); // the unwritable-destination test runs a child as another user
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

let counter = 0;
/** A folder with a source tree `src` (a few MiB, several files) and a valid previous archive `work.zip`. */
async function setup(label: string): Promise<{ dir: string; src: string; dest: string; old: Buffer }> {
  const dir = path.join(scratch, `${label}-${++counter}`);
  const src = path.join(dir, 'src');
  await fs.mkdir(path.join(src, 'elements'), { recursive: true });
  for (let i = 0; i < 12; i++) await fs.writeFile(path.join(src, 'elements', `d${i}.tvg`), `stroke ${i} `.repeat(40_000));
  await fs.writeFile(path.join(src, 'victim.txt'), 'will vanish');
  await fs.writeFile(path.join(src, 'noise.bin'), crypto.randomBytes(3 * 1024 * 1024));
  const oldSrc = path.join(dir, 'old-src');
  await fs.mkdir(oldSrc);
  await fs.writeFile(path.join(oldSrc, 'scene.xstage'), '<project version="1"/>');
  const dest = path.join(dir, 'work.zip');
  await zipDirectory(oldSrc, dest);
  await fs.rm(oldSrc, { recursive: true });
  return { dir, src, dest, old: await fs.readFile(dest) };
}

async function assertUntouched(t: import('ava').ExecutionContext, s: { dir: string; dest: string; old: Buffer }): Promise<void> {
  t.true((await fs.readFile(s.dest)).equals(s.old), 'the previous archive is byte-for-byte intact');
  t.deepEqual((await fs.readdir(s.dir)).sort(), ['src', 'work.zip'], 'no temp file left');
}

const hasTemp = async (dir: string) => (await fs.readdir(dir)).some(n => n.includes('.dcckit-tmp-'));

test('an abort in the middle of zipping removes the temp file and keeps the previous archive', async (t) => {
  const s = await setup('abort-zip');
  const ac = new AbortController();
  let tempSeen = false;
  const err = await t.throwsAsync(zipDirectory(s.src, s.dest, {
    signal: ac.signal,
    onProgress: (p: ArchiveProgress) => {
      if (p.phase === 'zip' && p.bytesDone > 0 && !ac.signal.aborted) {
        tempSeen = readdirSync(s.dir).some(n => n.includes('.dcckit-tmp-'));
        ac.abort();
      }
    },
  }), { instanceOf: ArchiveAbortedError });
  t.regex(err!.message, /cancelled/);
  t.true(tempSeen, 'the temp file existed when the abort came');
  await assertUntouched(t, s);
});

test('an abort during verification also leaves the previous archive', async (t) => {
  const s = await setup('abort-verify');
  const ac = new AbortController();
  await t.throwsAsync(zipDirectory(s.src, s.dest, {
    signal: ac.signal,
    onProgress: (p: ArchiveProgress) => { if (p.phase === 'verify' && p.bytesDone > 0) ac.abort(); },
  }), { instanceOf: ArchiveAbortedError });
  await assertUntouched(t, s);
  await t.throwsAsync(zipDirectory(s.src, s.dest, { signal: AbortSignal.abort() }), { instanceOf: ArchiveAbortedError });
  await assertUntouched(t, s);
});

test('a source file vanishing during the save fails with a typed error naming it', async (t) => {
  const s = await setup('vanish');
  const victim = path.join(s.src, 'victim.txt');
  const err = await t.throwsAsync(zipDirectory(s.src, s.dest, {
    // Called once the entry is listed: deleting it now is a file vanishing between scan and read.
    exclude: (rel) => { if (rel === 'victim.txt') rmSync(victim); return false; },
  }), { instanceOf: ArchiveSourceError });
  t.is((err as ArchiveSourceError).path, victim);
  t.regex(err!.message, /disappeared/);
  t.regex(err!.message, /previous archive .* is unchanged/);
  await assertUntouched(t, s);
});

test('a missing source folder, a missing destination folder and a folder as destination are typed errors', async (t) => {
  const s = await setup('paths');
  await t.throwsAsync(zipDirectory(path.join(s.dir, 'nope'), s.dest), { instanceOf: ArchiveSourceError, message: /cannot be read/ });
  const e1 = await t.throwsAsync(zipDirectory(s.src, path.join(s.dir, 'missing', 'x.zip')), { instanceOf: ArchiveWriteError });
  t.is((e1 as ArchiveWriteError).errno, 'ENOENT');
  await t.throwsAsync(zipDirectory(s.src, s.src), { instanceOf: ArchiveWriteError, message: /is a folder/ });
  await assertUntouched(t, s);
});

test('an unwritable destination folder leaves the previous archive intact', async (t) => {
  const s = await setup('unwritable');
  await fs.chmod(s.dir, 0o555);
  try {
    let result: { name: string; code: string; errno?: string; message: string };
    if (process.getuid?.() === 0) {
      // root writes anywhere: run the save as an unprivileged user instead.
      await fs.chmod(path.dirname(s.dir), 0o755);
      const script = path.join(scratch, 'unwritable-child.mjs');
      await fs.writeFile(script, `import { zipDirectory } from ${JSON.stringify(archiveIndex)};
try { await zipDirectory(process.argv[2], process.argv[3]); console.log(JSON.stringify({ name: 'none' })); }
catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, errno: e.errno, message: e.message })); }`);
      await fs.chmod(script, 0o644);
      const { stdout } = await run(process.execPath, [script, s.src, s.dest], { uid: 65534, gid: 65534, cwd: '/' });
      result = JSON.parse(stdout);
    } else {
      try {
        await zipDirectory(s.src, s.dest);
        result = { name: 'none', code: '', message: '' };
      } catch (e) {
        const err = e as ArchiveWriteError;
        result = { name: err.name, code: err.code, errno: err.errno, message: err.message };
      }
    }
    t.is(result.name, 'ArchiveWriteError');
    t.is(result.code, 'ARCHIVE_WRITE');
    t.is(result.errno, 'EACCES');
    t.regex(result.message, /Permission denied/);
  } finally {
    await fs.chmod(s.dir, 0o755);
  }
  await assertUntouched(t, s);
});

test('a save replaces the previous archive with a verified one; a long destination name works', async (t) => {
  const s = await setup('replace');
  const summary = await zipDirectory(s.src, s.dest);
  t.is(summary.files, 14);
  t.is((await verifyZip(s.dest)).entries, 15);
  const longName = path.join(s.dir, `${'é'.repeat(120)}.zip`);
  await zipDirectory(s.src, longName);
  t.is((await listZip(longName)).length, 15);
  t.false(await hasTemp(s.dir));
});

test('an abort in the middle of extracting leaves nothing behind', async (t) => {
  const s = await setup('abort-extract');
  await zipDirectory(s.src, s.dest);
  const out = path.join(s.dir, 'out');
  const ac = new AbortController();
  await t.throwsAsync(extractZip(s.dest, out, {
    signal: ac.signal,
    onProgress: (p: ArchiveProgress) => { if (p.bytesDone > 0) ac.abort(); },
  }), { instanceOf: ArchiveAbortedError });
  t.deepEqual((await fs.readdir(s.dir)).sort(), ['src', 'work.zip']);
});

test('cleanStaleTemps removes temps of dead processes and old ones, and nothing else', async (t) => {
  const dir = path.join(scratch, 'stale');
  await fs.mkdir(dir);
  const child = spawn(process.execPath, ['-e', '']);
  const deadPid = child.pid!;
  await new Promise(r => child.on('exit', r));
  const host = hostTag();
  const names = {
    dead: `.work.zip.dcckit-tmp-${host}-${deadPid}-0123abcd`,
    deadFolder: `.shot010.dcckit-tmp-${host}-${deadPid}-89abcdef`,
    deadOld: `.shot010.dcckit-old-${host}-${deadPid}-00000000`,
    alive: `.work.zip.dcckit-tmp-${host}-${process.ppid}-11111111`,
    mine: `.work.zip.dcckit-tmp-${host}-${process.pid}-22222222`,
    otherHost: `.work.zip.dcckit-tmp-otherhost-${deadPid}-33333333`,
    otherHostOld: `.work.zip.dcckit-tmp-otherhost-${deadPid}-44444444`,
    aliveOld: `.work.zip.dcckit-tmp-${host}-${process.ppid}-55555555`,
    unrelated: 'work.zip',
    lookalike: '.work.zip.dcckit-tmp-notapid',
  };
  for (const [key, name] of Object.entries(names)) {
    if (key === 'deadFolder' || key === 'deadOld') {
      await fs.mkdir(path.join(dir, name, 'elements'), { recursive: true });
      await fs.writeFile(path.join(dir, name, 'elements', 'a.tvg'), 'x');
    } else {
      await fs.writeFile(path.join(dir, name), 'partial');
    }
  }
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  for (const key of ['otherHostOld', 'aliveOld'] as const) await fs.utimes(path.join(dir, names[key]), twoDaysAgo, twoDaysAgo);

  const removed = (await cleanStaleTemps(dir)).map(p => path.basename(p)).sort();
  t.deepEqual(removed, [names.dead, names.deadFolder, names.deadOld, names.otherHostOld, names.aliveOld].sort());
  t.deepEqual((await fs.readdir(dir)).sort(), [names.alive, names.mine, names.otherHost, names.unrelated, names.lookalike].sort());
  t.deepEqual(await cleanStaleTemps(path.join(dir, 'does-not-exist')), []);
});
