/** Store text printed by the CLI on a terminal: escape codes and bidi overrides shown, JSON exact (issue 21 item 13). */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { execFile, spawnSync } from 'node:child_process';
import { escapeTerminalText, forTerminal } from '../kit/cli/terminal-text.ts';
import { print, printJson } from '../kit/cli/args.ts';
import type { CliContext } from '../kit/cli/types.ts';
import { ProductStore } from '../kit/store/index.ts';
import { sandbox, BIN } from './support/cli.ts';
import { publishFiles, frames } from './support/products.ts';
import { PATIENCE_MS } from './support/patience.ts';

const HOSTILE = 'ev\x1b]0;owned\x07il\x1b[2J\r\x9b31m\u202egnp.exe\u2066x\u0000';

test('escapeTerminalText shows what a terminal would act on and keeps tabs, newlines and ordinary text', (t) => {
  t.is(escapeTerminalText(HOSTILE), 'ev\\x1b]0;owned\\x07il\\x1b[2J\\x0d\\x9b31m\\u202egnp.exe\\u2066x\\x00');
  t.is(escapeTerminalText('shots/sh010/renderMain\tv3\nnext: é ü 日本 C:\\path'), 'shots/sh010/renderMain\tv3\nnext: é ü 日本 C:\\path');
  t.is(escapeTerminalText('\u200f\u061c\u2028\u007f'), '\\u200f\\u061c\\u2028\\x7f');
});

test('print escapes for a terminal only; printJson stays exact', (t) => {
  const run = (tty: boolean) => {
    const out = new PassThrough();
    if (tty) (out as unknown as { isTTY: boolean }).isTTY = true;
    let text = '';
    out.on('data', (d: Buffer) => { text += d.toString('utf8'); });
    const ctx = { argv: [], stdout: out, stderr: out, cwd: '/', env: {}, interactive: tty } as CliContext;
    print(ctx, `user ${HOSTILE}`);
    printJson(ctx, { user: HOSTILE });
    return text;
  };
  const tty = run(true);
  t.false(/[\x1b\x9b\u202e\r\x00]/.test(tty.split('\n')[0]!), 'no raw control character in a printed line on a terminal');
  t.true(tty.includes('\\x1b]0;owned'));
  t.deepEqual(JSON.parse(tty.slice(tty.indexOf('{'))), { user: HOSTILE }, 'JSON is exact, on a terminal too');
  const pipe = run(false);
  t.true(pipe.startsWith(`user ${HOSTILE}\n`), 'into a pipe, text goes exact');
  t.is(forTerminal(null, HOSTILE), HOSTILE);
});

const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

test('dcc-kit products on a terminal shows a manifest\'s escape codes escaped; --json keeps them exact', async (t) => {
  if (!hasScript) { t.pass('script(1) is not available to give the CLI a terminal'); return; }
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const root = path.join(sb.dir, 'store');
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), `publish:\n  root: ${JSON.stringify(root)}\n`);
  const store = new ProductStore({ root });
  await publishFiles(store, sb.dir, 'shots/sh010', 'plateMain', 'plate', { name: 'png', ext: 'png' }, frames('plateMain', 1, 2));
  // Someone with write access to the store puts escape codes into the manifest.
  const manifestFile = path.join(root, 'shots', 'sh010', 'plateMain', 'v001', 'version.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { user: string };
  manifest.user = HOSTILE;
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));

  // script(1) gives the CLI a pseudo-terminal; what it prints there comes back on script's stdout.
  const onTty = await new Promise<string>((resolve, reject) => {
    const command = [process.execPath, BIN, 'products', 'shots/sh010/plateMain'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    execFile('script', ['-qec', command, '/dev/null'], { env: sb.env, cwd: sb.env.HOME, timeout: PATIENCE_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}: ${stderr}${stdout}`)); else resolve(stdout);
    });
  });
  t.regex(onTty, /VERSION\s+STATE/);
  t.true(onTty.includes('ev\\x1b]0;owned\\x07il\\x1b[2J\\x0d\\x9b31m\\u202egnp.exe'), onTty);
  t.false(/[\x1b\x9b\u202e\u2066\x00]/.test(onTty), 'no raw escape, C1 or bidi character reaches the terminal');
  const json = await sb.json<{ manifest: { user: string } }[]>(['products', 'shots/sh010/plateMain', '--json']);
  t.is(json[0]!.manifest.user, HOSTILE, 'JSON output is exact');
});
