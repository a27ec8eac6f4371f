import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSuites } from './run-suites.ts';
import { ROOT } from './support/cli.ts';

const step = (name: string, code: number, mark: string) => ({ name, command: process.execPath, args: ['-e', `require('fs').appendFileSync(${JSON.stringify(mark)}, ${JSON.stringify(name + '\n')}); process.exit(${code})`] });

test('npm test runs every step even when an earlier one fails, and fails if any failed', async (t) => {
  const mark = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-suites-')), 'ran');
  t.teardown(() => fs.rmSync(path.dirname(mark), { recursive: true, force: true }));
  const lines: string[] = [];
  t.is(await runSuites([step('ava', 1, mark), step('python', 0, mark)], ROOT, (l) => lines.push(l)), 1);
  t.deepEqual(fs.readFileSync(mark, 'utf8').split('\n').filter(Boolean), ['ava', 'python']);
  t.deepEqual(lines, ['FAILED: ava (1 of 2 steps passed)']);
  t.is(await runSuites([step('a', 0, mark), step('b', 0, mark)], ROOT, (l) => lines.push(l)), 0);
  t.is(await runSuites([step('a', 0, mark), step('python', 2, mark)], ROOT, () => {}), 1);
});

test('package.json "test" runs the steps through run-suites, and CI runs exactly npm test', (t) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.is(manifest.scripts.test, 'node test/run-suites.ts');
  t.regex(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8'), /^npm test$/m);
});
