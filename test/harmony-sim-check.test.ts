import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { ROOT } from './support/cli.ts';
import { tempDir } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');

function check(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SIM, '--check', ...args], { cwd, timeout: PATIENCE_MS }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: stdout, err: stderr });
    });
  });
}

test('--check on the project\'s own Harmony startup scripts reports nothing the simulator lacks', async (t) => {
  const r = await check(['startup-scripts/harmony', '--json']);
  t.is(r.code, 0, r.out + r.err);
  const data = JSON.parse(r.out) as { ok: boolean; files: string[]; findings: Array<{ status: string }>; errors: unknown[] };
  t.true(data.ok);
  t.true(data.files.length >= 3);
  t.deepEqual(data.errors, []);
  t.deepEqual(data.findings.filter((f) => f.status !== 'partial'), []);
});

test('--check names each call the simulator does not model, with file:line, and skips names the script declares itself', async (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, 'studio', 'lib'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'studio', 'tool.js'), [
    'function tool() {',
    '  var n = node.add("Top", "A", "PEG", 0, 0, 0);',
    '  func.addKeyFramePath3d("c", 1, 0, 0, 0, 0, 0, 0);',
    '  DrawingTools.vectorize();',
    '  node.setColr(n, new ColorRGBA(1, 2, 3, 255));',
    '  var box = Drawing.query.getBox({});',
    '  return n;',
    '}',
    'function local(node) { return node.anything(); }',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'studio', 'lib', 'modern.js'), 'let x = 1;\n');
  const r = await check(['studio'], dir);
  t.is(r.code, 1, r.out + r.err);
  const lines = r.out.trim().split('\n');
  t.deepEqual(lines, [
    'studio/lib/modern.js:1:5: not ES5 (Unexpected token (1:4))',
    'studio/tool.js:3:3: func.addKeyFramePath3d: not simulated (throws NotSimulated)',
    'studio/tool.js:4:3: DrawingTools.vectorize: stub (records the call, returns Harmony\'s neutral value)',
    'studio/tool.js:5:3: node.setColr: undocumented (neither Harmony 24\'s reference nor the simulator has it: a TypeError in both)',
    'studio/tool.js:6:13: Drawing.query.getBox: not simulated (throws NotSimulated)',
    '2 file(s): 4 call(s) the simulator does not model, 1 file(s) that do not parse as ES5',
  ]);
});

test('--check: a missing path is a usage error', async (t) => {
  const r = await check(['/no/such/folder']);
  t.is(r.code, 2);
  t.regex(r.err, /--check \/no\/such\/folder: no such file or folder/);
});
