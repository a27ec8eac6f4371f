import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sandbox, ROOT } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { zipDirectory } from '../kit/archive/index.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { schedulingPolicyOf, SCHEDULING_POLICY } from '../kit/scheduling.ts';

const batchHub = process.platform === 'linux' && spawnSync('chrt', ['--help']).status === 0;

/** The page's access from a redeemed link: its cookie and, from the redirect's fragment, its CSRF secret. */
interface PageAccess { cookie: string; csrf: string }

async function redeem(url: URL | string): Promise<PageAccess> {
  const r = await fetch(url, { redirect: 'manual' });
  return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: /#csrf=(.*)$/.exec(r.headers.get('location') ?? '')?.[1] ?? '' };
}

/** A form POST from the page's own origin with its session cookie and CSRF header. */
async function post(origin: string, route: string, access: PageAccess, form: Record<string, string>): Promise<{ status: number; body: string }> {
  const r = await fetch(`${origin}${route}`, {
    method: 'POST', body: new URLSearchParams(form), headers: { cookie: access.cookie, 'x-dcckit-csrf': access.csrf, origin, 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: r.status, body: await r.text() };
}

const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');

function recorder(dir: string): { script: string; file: string } {
  const file = path.join(dir, 'opened.txt');
  const script = path.join(dir, 'browser.sh');
  // Also records the scheduling policy it runs under (/proc stat field 41; Linux only).
  // Records every argument it is given (all of its command line), then the scheduling policy.
  fs.writeFileSync(script, `#!/bin/sh\npolicy=$(cut -d' ' -f41 /proc/$$/stat 2>/dev/null)\necho "$* policy=$policy" >> ${JSON.stringify(file)}\n`, { mode: 0o755 });
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
  const line = await waitForFile(file);
  // The browser's command line (readable by every local user in /proc) holds no link: a redirect file.
  t.notRegex(line, /t=|127\.0\.0\.1/, 'no token on the browser command line');
  const redirect = fileURLToPath(/^(file:\/\/\S+) policy=/.exec(line)![1]!);
  t.is(path.dirname(redirect), hubPaths(sb.env.DCC_KIT_HOME!).runDir);
  t.is(fs.statSync(redirect).mode & 0o777, 0o600);
  const link = new URL(/url=([^"]+)"/.exec(fs.readFileSync(redirect, 'utf8'))![1]!.replace(/&amp;/g, '&'));
  t.is(link.pathname, '/manage');
  t.is((await fetch(link, { redirect: 'manual' })).status, 303);
  t.false(fs.existsSync(redirect), 'the redirect file is gone once used');
  t.is((await fetch(link, { redirect: 'manual' })).status, 403, 'the link opens the page once');
  t.is((await sb.run(['ui', 'nowhere'])).code, 2);

  // --revoke ends the access of every page.
  const access = await redeem((await sb.run(['ui', '--url'])).stdout.trim());
  t.is((await fetch(`${link.origin}/sessions`, { headers: { cookie: access.cookie } })).status, 200);
  const revoked = await sb.json<{ sessions: number }>(['ui', '--revoke', '--json']);
  t.true(revoked.sessions >= 2, `revoked ${revoked.sessions}`);
  t.is((await fetch(`${link.origin}/sessions`, { headers: { cookie: access.cookie } })).status, 401, 'a revoked cookie is refused');
  t.regex((await sb.run(['ui', '--help'])).stdout, /secret/);
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
  t.notRegex(line, /t=|127\.0\.0\.1/, 'no token on the browser command line');
  const redirect = fileURLToPath(/^(file:\/\/\S+) policy=/.exec(line)![1]!);
  t.regex(fs.readFileSync(redirect, 'utf8'), /url=http:\/\/127\.0\.0\.1:\d+\/create\?t=[^&]+&amp;session=/);
  // The hub runs under SCHED_BATCH; the browser it starts must not.
  if (batchHub) t.regex(line, /policy=0$/);
});

test('the page\'s Open starts Harmony on a version of the session\'s workfile, under the default scheduling policy though the hub runs batch; other zips are refused', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), 'harmony:\n  executable: simulator\n');
  const shots = path.join(sb.dir, 'shots');
  fs.mkdirSync(shots, { recursive: true });
  for (const name of ['sh010_anim_v001', 'sh010_anim_v002']) {
    const src = path.join(sb.dir, 'src', name);
    SimScene.createDefault(src, name);
    await zipDirectory(src, path.join(shots, `${name}.zip`));
  }
  // A zip outside the session's workfile folder, beside a .dcckitrc naming another program to start.
  const elsewhere = path.join(sb.dir, 'elsewhere');
  fs.mkdirSync(elsewhere);
  fs.copyFileSync(path.join(shots, 'sh010_anim_v001.zip'), path.join(elsewhere, 'sh010_anim_v001.zip'));
  fs.writeFileSync(path.join(elsewhere, '.dcckitrc'), `harmony:\n  executable: ${JSON.stringify(path.join(elsewhere, 'not-harmony.sh'))}\n`);

  type Listed = { id: string; pid: number; dcc: string; scene: string | null };
  const first = await sb.json<{ pid: number; session: { id: string } }>(['launch', 'harmony', path.join(shots, 'sh010_anim_v001.zip'), '--json']);
  t.teardown(() => { try { process.kill(first.pid, 'SIGKILL'); } catch { /* gone */ } });
  const printed = await sb.run(['ui', 'workfiles', '--url']);
  t.is(printed.code, 0, printed.stderr);
  const url = new URL(printed.stdout.trim());
  const access = await redeem(url);
  const cookie = access.cookie;
  const page = await (await fetch(`${url.origin}/workfiles?session=${first.session.id}`, { headers: { cookie } })).text();
  t.regex(page, /sh010_anim_v002\.zip/, 'the versions list shows v002');

  const refused = await post(url.origin, '/api/workfile/open', access, { session: first.session.id, zip: path.join(elsewhere, 'sh010_anim_v001.zip') });
  t.regex(refused.body, /is not one of this session&#39;s workfile versions|is not one of this session's workfile versions/);
  const opened = await post(url.origin, '/api/workfile/open', access, { session: first.session.id, zip: path.join(shots, 'sh010_anim_v002.zip') });
  t.is(opened.status, 200);
  t.regex(opened.body, /Opening sh010_anim_v002\.zip in a new harmony/);
  let second: Listed | undefined;
  for (const deadline = Date.now() + PATIENCE_MS * 2; !second && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    second = (await sb.sessions()).find((s) => s.dcc === 'harmony' && /sh010_anim_v002/.test(s.scene ?? '')) as Listed | undefined;
  }
  if (!second) { t.fail('the Harmony opened from the page never connected'); return; }
  t.teardown(() => { try { process.kill(second.pid, 'SIGKILL'); } catch { /* gone */ } });
  if (batchHub) {
    const hub = JSON.parse(fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).runtimeFile, 'utf8')) as { pid: number };
    t.is(schedulingPolicyOf(hub.pid), SCHEDULING_POLICY.batch);
    t.is(schedulingPolicyOf(second.pid), SCHEDULING_POLICY.normal);
  }
  const logs = await sb.run(['hub', 'logs', '-n', '200']);
  t.notRegex(logs.stdout, /web: opening .* failed/);

  // A version that cannot be opened (a damaged archive): the page hears why, once the launch has failed.
  fs.writeFileSync(path.join(shots, 'sh010_anim_v003.zip'), 'not a zip');
  const stream = await fetch(`${url.origin}/events`, { headers: { cookie } });
  const reader = stream.body!.getReader();
  let received = '';
  const bad = await post(url.origin, '/api/workfile/open', access, { session: first.session.id, zip: path.join(shots, 'sh010_anim_v003.zip') });
  t.regex(bad.body, /Opening sh010_anim_v003\.zip/);
  const deadline = Date.now() + PATIENCE_MS * 2;
  while (!/event: web\.launch\ndata: .*\n/.test(received) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    received += Buffer.from(value).toString('utf8');
  }
  t.is((await sb.json<{ pages: number }>(['hub', 'status', '--json'])).pages, 1, 'hub status counts the open page');
  t.regex((await sb.run(['hub', 'status'])).stdout, /connections\s+\d+ \(and 1 open web page\)/);
  void reader.cancel();
  const event = JSON.parse(/event: web\.launch\ndata: (.*)\n/.exec(received)?.[1] ?? '{}') as { ok?: boolean; message?: string; zip?: string };
  t.false(event.ok);
  t.is(event.zip, path.join(shots, 'sh010_anim_v003.zip'));
  t.regex(event.message ?? '', /sh010_anim_v003\.zip/);
  t.regex((await sb.run(['hub', 'logs', '-n', '200'])).stdout, /web: opening .*sh010_anim_v003\.zip failed/);

  // Bad requests get an answer, not a 500; what they echo is cut short.
  const json = (body: string) => fetch(`${url.origin}/api/publish`, { method: 'POST', body, headers: { cookie, 'x-dcckit-csrf': access.csrf, origin: url.origin, 'content-type': 'application/json' } });
  t.is((await json('{bad')).status, 400);
  t.is((await json('null')).status, 400);
  t.is((await json('[1]')).status, 400);
  t.regex(await (await json('null')).text(), /must be a JSON object of fields/);
  t.regex((await post(url.origin, '/api/publish', access, { session: 'nope' })).body, /no session &quot;nope&quot; is connected|no session "nope" is connected/);
  t.regex((await post(url.origin, '/api/publish', access, { session: first.session.id.slice(0, 2) })).body, /no session .* is connected/, 'a 2-character prefix does not pick a session');
  t.regex((await post(url.origin, '/api/inventory', access, { session: first.session.id, action: 'bogus', ids: 'x' })).body, /action is update, updateAll or remove/);
  const long = await post(url.origin, '/api/create', access, { session: first.session.id, creator: 'x'.repeat(100_000) });
  t.true(long.body.length < 2000, `a 100 KB value is not echoed whole (${long.body.length} characters)`);
  const huge = await post(url.origin, '/api/create', access, { session: first.session.id, variant: 'x'.repeat(2 * 1024 * 1024) });
  t.is(huge.status, 413);
  const noslash = await (await fetch(`${url.origin}/frag/load?session=${first.session.id}&product=noslash`, { headers: { cookie } })).text();
  t.regex(noslash, /is not a product: products are named folder\/product/);
  t.notRegex((await sb.run(['hub', 'logs', '-n', '200'])).stdout, /SyntaxError|MaxListeners/);
});
