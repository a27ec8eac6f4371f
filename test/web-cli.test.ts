import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { sandbox, ROOT } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { zipDirectory } from '../kit/archive/index.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { schedulingPolicyOf, SCHEDULING_POLICY } from '../kit/scheduling.ts';

const batchHub = process.platform === 'linux' && spawnSync('chrt', ['--help']).status === 0;

/** A form POST from the page's own origin with its session cookie. */
async function post(origin: string, route: string, cookie: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
  const r = await fetch(`${origin}${route}`, {
    method: 'POST', body: new URLSearchParams(form), headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: r.status, body: await r.text() };
}

const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');

function recorder(dir: string): { script: string; file: string } {
  const file = path.join(dir, 'opened.txt');
  const script = path.join(dir, 'browser.sh');
  // Also records the scheduling policy it runs under (/proc stat field 41; Linux only).
  fs.writeFileSync(script, `#!/bin/sh\npolicy=$(cut -d' ' -f41 /proc/$$/stat 2>/dev/null)\necho "$1 policy=$policy" >> ${JSON.stringify(file)}\n`, { mode: 0o755 });
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
  const line = await waitForFile(file);
  t.regex(line, /^http:\/\/127\.0\.0\.1:\d+\/create\?t=[^&]+&session=/);
  // The hub runs under SCHED_BATCH; the browser it starts must not.
  if (batchHub) t.regex(line, /policy=0$/);
});

test('the page\'s Open starts Harmony on the workfile, under the default scheduling policy though the hub runs batch', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), 'harmony:\n  executable: simulator\n');
  const src = path.join(sb.dir, 'src', 'sh010_anim_v001');
  SimScene.createDefault(src, 'sh010_anim_v001');
  const zip = path.join(sb.dir, 'shots', 'sh010_anim_v001.zip');
  fs.mkdirSync(path.dirname(zip), { recursive: true });
  await zipDirectory(src, zip);
  const printed = await sb.run(['ui', 'workfiles', '--url']);
  t.is(printed.code, 0, printed.stderr);
  const url = new URL(printed.stdout.trim());
  const first = await fetch(url, { redirect: 'manual' });
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
  const opened = await post(url.origin, '/api/workfile/open', cookie, { zip, dcc: 'harmony' });
  t.is(opened.status, 200);
  t.regex(opened.body, /Opening sh010_anim_v001\.zip in a new harmony/);
  type Listed = { pid: number; dcc: string; scene: string | null };
  let harmony: Listed | undefined;
  for (const deadline = Date.now() + PATIENCE_MS * 2; !harmony && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    harmony = (await sb.json<Listed[]>(['sessions', '--json'])).find((s) => s.dcc === 'harmony');
  }
  if (!harmony) { t.fail('the launched Harmony never connected'); return; }
  t.teardown(() => { try { process.kill(harmony.pid, 'SIGKILL'); } catch { /* gone */ } });
  t.regex(harmony.scene ?? '', /sh010_anim_v001/);
  if (batchHub) {
    const hub = JSON.parse(fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).runtimeFile, 'utf8')) as { pid: number };
    t.is(schedulingPolicyOf(hub.pid), SCHEDULING_POLICY.batch);
    t.is(schedulingPolicyOf(harmony.pid), SCHEDULING_POLICY.normal);
  }
  const refused = await post(url.origin, '/api/workfile/open', cookie, { zip: 'relative.zip' });
  t.regex(refused.body, /open needs the absolute path of a \.zip workfile/);
});
