/**
 * A web page port that another program holds (issue 20 item 9): the hub still starts, and `hub start`, a
 * launch that starts the hub, `hub status` and `dcc-kit ui` say that the page's port is taken, which port,
 * and the key that sets it (and the file it was set in), instead of "hub started" / "set web.enabled: true".
 */
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { PATIENCE_MS } from './support/patience.ts';

test('web.port held by a plain server: hub start, launch, hub status and ui name the port and web.port', async (t) => {
  const holder = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  const port = (holder.address() as net.AddressInfo).port;
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const rc = path.join(sb.env.HOME!, '.dcckitrc');
  fs.writeFileSync(rc, `web:\n  enabled: true\n  port: ${port}\n`);
  const taken = new RegExp(`the web page's port ${port} \\(web\\.port\\) is taken by another program: free it, or change web\\.port in ${rc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(0 picks a free port\\)`);

  const started = await sb.run(['hub', 'start']);
  t.is(started.code, 0, started.stderr);
  t.regex(started.stdout, /hub started/);
  t.regex(started.stderr, /the hub runs, but without its web page/);
  t.regex(started.stderr, taken);

  const status = await sb.run(['hub', 'status']);
  t.is(status.code, 0);
  t.regex(status.stdout, /web page\s+not served: the web page's port \d+ \(web\.port\) is taken/);
  const json = await sb.json<{ web: { error: string } }>(['hub', 'status', '--json']);
  t.regex(json.web.error, taken);

  const ui = await sb.run(['ui', '--url']);
  t.is(ui.code, 1);
  t.regex(ui.stderr, taken);
  t.notRegex(ui.stderr, /web\.enabled/);

  t.is((await sb.run(['hub', 'stop'])).code, 0);
  const launched = await sb.run(['launch', 'harmony', '--simulate', '--timeout', String(PATIENCE_MS), '--json']);
  t.is(launched.code, 0, launched.stderr);
  t.teardown(() => { try { process.kill((JSON.parse(launched.stdout) as { pid: number }).pid, 'SIGKILL'); } catch { /* gone */ } });
  t.regex(launched.stderr, taken);
  t.regex((JSON.parse(launched.stdout) as { hub: { web: { error: string } } }).hub.web.error, taken);
});

test('a free web.port: hub status shows the page\'s address and hub start says nothing more', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  fs.writeFileSync(path.join(sb.env.HOME!, '.dcckitrc'), 'web:\n  enabled: true\n  port: 0\n');
  const started = await sb.run(['hub', 'start']);
  t.is(started.code, 0);
  t.is(started.stderr, '');
  t.regex((await sb.run(['hub', 'status'])).stdout, /web page\s+http:\/\/127\.0\.0\.1:\d+\/ \(open it with dcc-kit ui\)/);
});
