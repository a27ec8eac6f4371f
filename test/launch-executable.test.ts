import test from 'ava';
import type { ExecutionContext } from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { resolveExecutable, ExecutableNotFoundError, mergeEnv, prependPathList, envKey, tailFile, LineSplitter } from '../kit/launch.ts';
import { DccKitError } from '../kit/errors.ts';
import { tempDir } from './support/fake-app.ts';

const harmony = { key: 'harmony.executable', displayName: 'Harmony', hint: 'or run with --simulate', platform: 'linux' as const };

function file(dir: string, rel: string, mode = 0o755): string {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, '#!/bin/sh\n');
  fs.chmodSync(p, mode);
  return p;
}

async function notFound(t: ExecutionContext, p: Promise<unknown>): Promise<ExecutableNotFoundError> {
  const err = await t.throwsAsync(p, { instanceOf: ExecutableNotFoundError });
  if (!err) throw new Error('expected an ExecutableNotFoundError');
  return err;
}

test('a configured path that does not exist is a typed error naming the config key and the hint', async (t) => {
  const dir = tempDir(t);
  const missing = path.join(dir, 'opt/x/HarmonyPremium');
  const err = await notFound(t, resolveExecutable({ ...harmony, configured: missing, env: { PATH: '' } }));
  t.is(err.message, `Harmony executable not found: ${missing} (set harmony.executable in .dcckitrc, or run with --simulate)`);
  t.is(err.problem, 'missing');
  t.is(err.key, 'harmony.executable');
  t.is(err.code, 'EXECUTABLE_NOT_FOUND');
  t.true(err instanceof DccKitError);
});

test('a configured file without the execute bit, or a folder, is refused with the key to set', async (t) => {
  const dir = tempDir(t);
  const plain = file(dir, 'bin/HarmonyPremium', 0o644);
  const err = await notFound(t, resolveExecutable({ ...harmony, configured: plain, env: {} }));
  t.is(err.problem, 'not-executable');
  t.regex(err.message, /is not executable/);
  t.regex(err.message, /set harmony\.executable in \.dcckitrc/);

  const folder = await notFound(t, resolveExecutable({ ...harmony, configured: path.join(dir, 'bin'), env: {} }));
  t.is(folder.problem, 'not-a-file');
  fs.mkdirSync(path.join(dir, 'Harmony 22 Premium.app'));
  const bundle = await notFound(t, resolveExecutable({ ...harmony, configured: path.join(dir, 'Harmony 22 Premium.app'), env: {} }));
  t.regex(bundle.message, /app bundle .*Contents\/MacOS/);
});

test('a configured bare name is looked up on PATH, skipping non-executable matches; absent, the error says so', async (t) => {
  const dir = tempDir(t);
  file(dir, 'a/hython', 0o644);
  const good = file(dir, 'b/hython');
  file(dir, 'c/hython');
  const env = { PATH: ['', path.join(dir, 'a'), path.join(dir, 'b'), path.join(dir, 'c')].join(':') };
  t.is(await resolveExecutable({ ...harmony, configured: 'hython', env }), good);

  const err = await notFound(t, resolveExecutable({ ...harmony, configured: 'HarmonyPremium', env }));
  t.is(err.problem, 'not-on-path');
  t.is(err.message, 'Harmony executable not found: "HarmonyPremium" is not on PATH (set harmony.executable in .dcckitrc, or run with --simulate)');
});

test('a configured relative path is taken from cwd', async (t) => {
  const dir = tempDir(t);
  const exe = file(dir, 'tools/dcc');
  t.is(await resolveExecutable({ ...harmony, configured: './tools/dcc', cwd: dir, env: {} }), exe);
});

test('without a configured value the first working candidate wins, in order; a bad configured value is never replaced', async (t) => {
  const dir = tempDir(t);
  const missing = path.join(dir, 'missing/HarmonyPremium');
  const plain = file(dir, 'plain/HarmonyPremium', 0o644);
  const first = file(dir, 'first/HarmonyPremium');
  const second = file(dir, 'second/HarmonyPremium');
  t.is(await resolveExecutable({ ...harmony, candidates: [missing, plain, first, second], env: {} }), first);
  t.is(await resolveExecutable({ ...harmony, candidates: [missing, 'HarmonyPremium', first], env: { PATH: path.join(dir, 'second') } }), second);
  await notFound(t, resolveExecutable({ ...harmony, configured: missing, candidates: [first], env: {} }));
});

test('when no candidate works the error lists every one tried, in order, with why', async (t) => {
  const dir = tempDir(t);
  const missing = path.join(dir, 'missing/HarmonyPremium');
  const plain = file(dir, 'plain/HarmonyPremium', 0o644);
  const err = await notFound(t, resolveExecutable({ ...harmony, candidates: [missing, plain, 'HarmonyPremium'], env: { PATH: dir } }));
  t.deepEqual(err.tried, [missing, `${plain} (${plain} is not executable (chmod +x it, or point to the program))`, 'HarmonyPremium ("HarmonyPremium" is not on PATH)']);
  t.true(err.message.startsWith(`Harmony executable not found: tried ${missing}, ${plain} (`));
  t.true(err.message.endsWith('(set harmony.executable in .dcckitrc, or run with --simulate)'));

  const none = await notFound(t, resolveExecutable({ ...harmony, candidates: [], env: {} }));
  t.is(none.problem, 'no-candidates');
  t.regex(none.message, /no default location is known on linux/);
});

test('Windows rules: PATH under any spelling, PATHEXT extensions, and .bat/.cmd refused', async (t) => {
  const dir = tempDir(t);
  const win = { ...harmony, platform: 'win32' as const };
  file(dir, 'scripts/hython.cmd', 0o644);
  const exe = file(dir, 'bin/hython.exe', 0o644); // no execute bit on Windows
  const env = { Path: `${path.join(dir, 'scripts')};"${path.join(dir, 'bin')}"`, PATHEXT: '.com;.exe;.bat;.cmd' };
  t.is(await resolveExecutable({ ...win, configured: 'hython', env }), exe);
  t.is(await resolveExecutable({ ...win, configured: path.join(dir, 'bin/hython'), env }), exe);
  t.is(await resolveExecutable({ ...win, configured: exe, env }), exe);

  const onlyBatch = await notFound(t, resolveExecutable({ ...win, configured: 'hython', env: { ...env, Path: path.join(dir, 'scripts') } }));
  t.is(onlyBatch.problem, 'batch-script');
  t.regex(onlyBatch.message, /hython\.cmd is a batch file \(\.bat\/\.cmd\), which Node cannot start without a shell; use the \.exe it runs \(set harmony\.executable/);
  const configuredBatch = await notFound(t, resolveExecutable({ ...win, configured: path.join(dir, 'scripts/hython.cmd'), env }));
  t.is(configuredBatch.problem, 'batch-script');
  // The same names on Linux: no PATHEXT, and the execute bit matters.
  await notFound(t, resolveExecutable({ ...harmony, configured: 'hython', env: { PATH: path.join(dir, 'bin') } }));
});

test('mergeEnv: values over the base, undefined removes, Windows keeps the existing spelling', (t) => {
  const base = { Path: 'C:\\Windows', Foo: '1', KEEP: 'k' };
  t.deepEqual(mergeEnv({ PATH: 'C:\\kit;C:\\Windows', FOO: undefined, NEW: 'n' }, { base, platform: 'win32' }), { Path: 'C:\\kit;C:\\Windows', KEEP: 'k', NEW: 'n' });
  t.deepEqual(mergeEnv({ PATH: '/kit', Foo: undefined }, { base, platform: 'linux' }), { Path: 'C:\\Windows', KEEP: 'k', PATH: '/kit' });
  t.is(envKey({ Path: 'x' }, 'PATH', 'win32'), 'Path');
  t.is(envKey({ Path: 'x' }, 'PATH', 'darwin'), 'PATH');
  const fromProcess = mergeEnv({ DCC_KIT_TEST_VAR: 'v' });
  t.deepEqual(fromProcess, { ...process.env, DCC_KIT_TEST_VAR: 'v' });
});

test('prependPathList puts entries first with the OS separator and drops older copies', (t) => {
  t.is(prependPathList(undefined, '/kit', 'linux'), '/kit');
  t.is(prependPathList('', '/kit', 'linux'), '/kit');
  t.is(prependPathList('/a:/kit:/b', '/kit', 'linux'), '/kit:/a:/b');
  t.is(prependPathList('/a:/KIT', '/kit', 'darwin'), '/kit:/a:/KIT');
  t.is(prependPathList('C:\\A;c:\\kit', 'C:\\Kit', 'win32'), 'C:\\Kit;C:\\A');
  t.is(prependPathList('/a', ['/one', '/two'], 'linux'), '/one:/two:/a');
  t.is(prependPathList('&', '/kit/houdini', 'linux'), '/kit/houdini:&');
});

test('tailFile returns the last lines of big and small logs, CRLF or not, and nothing for a missing file', async (t) => {
  const dir = tempDir(t);
  const big = path.join(dir, 'big.log');
  fs.writeFileSync(big, Array.from({ length: 50_000 }, (_, i) => `line ${i + 1} ${'é'.repeat(i % 7)}`).join('\n') + '\n');
  t.deepEqual(await tailFile(big, 3), [`line 49998 ${'é'.repeat(49997 % 7)}`, `line 49999 ${'é'.repeat(49998 % 7)}`, `line 50000 ${'é'.repeat(49999 % 7)}`]);
  t.is((await tailFile(big, 5000)).length, 5000);
  t.is((await tailFile(big, 5000))[0], `line 45001 ${'é'.repeat(45000 % 7)}`);

  const crlf = path.join(dir, 'crlf.log');
  fs.writeFileSync(crlf, 'a\r\nb\r\nc');
  t.deepEqual(await tailFile(crlf, 2), ['b', 'c']);
  t.deepEqual(await tailFile(crlf, 10), ['a', 'b', 'c']);
  t.deepEqual(await tailFile(path.join(dir, 'none.log'), 10), []);
  t.deepEqual(await tailFile(crlf, 0), []);
  // Bounded read: a log whose end is one long line gives the last maxBytes of it, not the whole file.
  const oneLine = path.join(dir, 'one.log');
  fs.writeFileSync(oneLine, 'a' + 'z'.repeat(3 * 1024 * 1024));
  t.deepEqual(await tailFile(oneLine, 1, { maxBytes: 1024 }), ['z'.repeat(1024)]);
});

test('LineSplitter splits on \\n, \\r\\n and a lone \\r across chunk and character boundaries', (t) => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const euro = Buffer.from('€'); // 3 bytes
  s.push(Buffer.from('one\r'));
  s.push(Buffer.from('\ntwo 10%\r20%\rthree '));
  s.push(euro.subarray(0, 1));
  s.push(Buffer.concat([euro.subarray(1), Buffer.from('\n\nlast')]));
  s.end();
  t.deepEqual(lines, ['one', 'two 10%', '20%', 'three €', '', 'last']);
});
