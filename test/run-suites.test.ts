import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSuites } from './run-suites.ts';
import { ROOT } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';

const step = (name: string, code: number, mark: string) => ({ name, command: process.execPath, args: ['-e', `require('fs').appendFileSync(${JSON.stringify(mark)}, ${JSON.stringify(name + '\n')}); process.exit(${code})`] });

test('npm test runs every step even when another one fails, and fails if any failed', async (t) => {
  const mark = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-suites-')), 'ran');
  t.teardown(() => fs.rmSync(path.dirname(mark), { recursive: true, force: true }));
  const lines: string[] = [];
  t.is(await runSuites([step('ava', 1, mark), step('python', 0, mark)], ROOT, (l) => lines.push(l)), 1);
  t.deepEqual(fs.readFileSync(mark, 'utf8').split('\n').filter(Boolean).sort(), ['ava', 'python']);
  t.deepEqual(lines, ['── ava: FAILED (exit 1)', '── python: passed', 'FAILED: ava (1 of 2 steps passed)']);
  t.is(await runSuites([step('a', 0, mark), step('b', 0, mark)], ROOT, (l) => lines.push(l)), 0);
  t.is(lines.at(-1), 'all 2 test steps passed');
  t.is(await runSuites([step('a', 0, mark), step('python', 2, mark)], ROOT, () => {}), 1);
});

test('npm test runs its steps at the same time; a held step\'s output is printed under its name', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-suites-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Each step leaves its mark, then waits for the other's: run one after the other, neither could end.
  const meet = (me: string, other: string) => ({ name: me, command: process.execPath, args: ['-e', `
    const fs = require('fs'), path = require('path');
    fs.writeFileSync(path.join(${JSON.stringify(dir)}, ${JSON.stringify(me)}), '');
    const deadline = Date.now() + ${PATIENCE_MS};
    const look = () => {
      if (fs.existsSync(path.join(${JSON.stringify(dir)}, ${JSON.stringify(other)}))) { console.log(${JSON.stringify(me)} + ' met ' + ${JSON.stringify(other)}); process.exit(0); }
      if (Date.now() > deadline) { console.error('never met ' + ${JSON.stringify(other)}); process.exit(1); }
      setTimeout(look, 20);
    };
    look();`] });
  const lines: string[] = [];
  t.is(await runSuites([meet('tsc', 'python'), meet('python', 'tsc')], ROOT, (l) => lines.push(l)), 0, lines.join('\n'));
  t.deepEqual(lines, ['── tsc: passed\ntsc met python', '── python: passed\npython met tsc', 'all 2 test steps passed']);
});

test('package.json "test" runs the steps through run-suites, and CI runs exactly npm test', (t) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.is(manifest.scripts.test, 'node test/run-suites.ts');
  t.regex(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8'), /^npm test$/m);
});
