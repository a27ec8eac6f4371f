import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { sandbox, ROOT } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';

const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');

function recorder(dir: string): { script: string; file: string } {
  const file = path.join(dir, 'opened.txt');
  const script = path.join(dir, 'browser.sh');
  fs.writeFileSync(script, `#!/bin/sh\necho "$1" >> ${JSON.stringify(file)}\n`, { mode: 0o755 });
  return { script, file };
}

async function waitForFile(file: string): Promise<string> {
  const deadline = Date.now() + PATIENCE_MS;
  while (Date.now() < deadline) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim()) return fs.readFileSync(file, 'utf8').trim();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file} was never written`);
}

test('dcc-kit ui --url prints a one-time URL of the hub\'s page; dcc-kit ui opens it with web.browser', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { script, file } = recorder(sb.dir);
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), `web:\n  browser: ${JSON.stringify(script)}\n`);
  const printed = await sb.run(['ui', 'publish', '--url']);
  t.is(printed.code, 0, printed.stderr);
  const url = new URL(printed.stdout.trim());
  t.is(url.hostname, '127.0.0.1');
  t.is(url.pathname, '/publish');
  t.truthy(url.searchParams.get('t'));
  const first = await fetch(url, { redirect: 'manual' });
  t.is(first.status, 303);
  t.regex(first.headers.get('set-cookie') ?? '', /HttpOnly/);
  t.is((await fetch(url, { redirect: 'manual' })).status, 403, 'used once');
  const opened = await sb.run(['ui', 'manage']);
  t.is(opened.code, 0, opened.stderr);
  t.regex(await waitForFile(file), /^http:\/\/127\.0\.0\.1:\d+\/manage\?t=/);
  t.is((await sb.run(['ui', 'nowhere'])).code, 2);
});

test('a Harmony menu item opens the page on its view in the configured browser', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { script, file } = recorder(sb.dir);
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), `web:\n  browser: ${JSON.stringify(script)}\n`);
  await sb.json(['hub', 'start', '--json']);
  execFileSync(process.execPath, [SIM, '--trigger', 'dcc-kit/Create...', '--exit-after-trigger'], {
    env: { ...sb.env, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(ROOT, 'startup-scripts', 'harmony') }, encoding: 'utf8', timeout: PATIENCE_MS,
  });
  t.regex(await waitForFile(file), /^http:\/\/127\.0\.0\.1:\d+\/create\?t=[^&]+&session=/);
});
