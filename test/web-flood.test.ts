/**
 * The web page's port under a flood of slow connections (issue 21 item 6): a real hub process with a low
 * file descriptor limit, hundreds of connections that never finish their headers, and meanwhile a tool and a
 * DCC connect to the hub and a workfile save goes through.
 */
import test from 'ava';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { sandbox, BIN } from './support/cli.ts';
import { PATIENCE_MS, eventually } from './support/patience.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { zipDirectory } from '../kit/archive/index.ts';
import { readOrigin, ORIGIN_FILE } from '../adapters/harmony/workfiles/origin.ts';
import { openFileLimit, webConnectionCap } from '../kit/web/connection-limits.ts';

const prlimit = process.platform === 'linux' && spawnSync('prlimit', ['--version']).status === 0;

/** Keeps `count` connections to `port` open that send half a request and never the rest, reopening closed ones. */
function flood(port: number, count: number) {
  const stats = { opened: 0, closedByServer: 0 };
  let stopped = false;
  const sockets = new Set<net.Socket>();
  const open = () => {
    if (stopped) return;
    const s = net.connect({ host: '127.0.0.1', port });
    sockets.add(s);
    stats.opened++;
    s.on('connect', () => s.write(`GET /sessions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `));
    s.on('error', () => {});
    s.resume(); // reads what the hub answers (a 408), so its close is seen
    s.on('close', () => {
      sockets.delete(s);
      if (stopped) return;
      stats.closedByServer++;
      // The flood goes on: a closed connection is opened again (paced, so the flooder does not eat the CPUs).
      setTimeout(open, 50);
    });
  };
  for (let i = 0; i < count; i++) open();
  return { stats, stop: () => { stopped = true; for (const s of sockets) s.destroy(); } };
}


test('the web port caps and times out slow connections; with it flooded a tool and a DCC still reach the hub and a save works', async (t) => {
  if (!prlimit) { t.pass('prlimit is not available: the descriptor limit cannot be lowered here'); return; }
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const FDS = 300;
  // The hub (started detached by the CLI) inherits the limit.
  const started = await new Promise<{ pid: number }>((resolve, reject) => {
    execFile('prlimit', [`--nofile=${FDS}:${FDS}`, process.execPath, BIN, 'hub', 'start', '--json'], { env: sb.env, cwd: sb.env.HOME }, (err, stdout, stderr) => {
      if (err) reject(new Error(`hub start: ${stderr}`)); else resolve(JSON.parse(stdout) as { pid: number });
    });
  });
  t.is(openFileLimit(`/proc/${started.pid}/limits`), FDS);
  const cap = webConnectionCap(256, FDS);
  t.is(cap, FDS / 2);
  const url = new URL((await sb.run(['ui', '--url'])).stdout.trim());
  const port = Number(url.port);

  // A workfile in a shot folder, to open in a DCC once the flood is on.
  const shots = path.join(sb.dir, 'shots', 'sh010', 'work');
  const src = path.join(sb.dir, 'src', 'sh010_anim_v001');
  SimScene.createDefault(src, 'sh010_anim_v001');
  await fsp.mkdir(shots, { recursive: true });
  await zipDirectory(src, path.join(shots, 'sh010_anim_v001.zip'));

  const attack = flood(port, 400);
  t.teardown(() => attack.stop());
  // Past the cap, the hub closes connections as they come: at least the 250 beyond it.
  await eventually('the hub to close the connections beyond its cap', () => attack.stats.closedByServer >= 400 - cap);
  const fdsInUse = fs.readdirSync(`/proc/${started.pid}/fd`).length;
  t.log(`hub descriptors in use during the flood: ${fdsInUse} of ${FDS}; ${attack.stats.closedByServer} flood connections closed by the hub`);
  t.true(fdsInUse < FDS - 64, `the hub has ${fdsInUse} of ${FDS} descriptors in use`);

  // A tool, then a DCC, then a save, all while the flood goes on.
  const sessions = await sb.run(['sessions', '--json']);
  t.is(sessions.code, 0, sessions.stderr);
  const opened = await sb.run(['workfile', 'open', 'sh010_anim_v001.zip', '--simulate', '--json'], { cwd: shots });
  t.is(opened.code, 0, opened.stderr + opened.stdout);
  const pid = (JSON.parse(opened.stdout) as { pid: number }).pid;
  t.teardown(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
  t.is((await sb.run(['call', 'harmony', '--script', 'node.add("Top", "Peg_UnderFlood", "PEG", 0, 0, 0)'])).code, 0);
  const saved = await sb.run(['workfile', 'save', '--json']);
  t.is(saved.code, 0, saved.stderr + saved.stdout);
  t.is((JSON.parse(saved.stdout) as { status: string }).status, 'saved');
  attack.stop();
  t.log(`hub descriptors after the save: ${fs.readdirSync(`/proc/${started.pid}/fd`).length}`);

  // Slow connections are timed out: one that never finishes its headers is closed by the hub.
  const slow = net.connect({ host: '127.0.0.1', port }, () => slow.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`));
  slow.on('error', () => {});
  let answer = '';
  slow.on('data', (d: Buffer) => { answer += d.toString('latin1'); });
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), PATIENCE_MS);
    slow.on('close', () => { clearTimeout(timer); resolve(true); });
  });
  slow.destroy();
  t.log(`hub descriptors after the slow connection: ${fs.readdirSync(`/proc/${started.pid}/fd`).length}`);
  t.true(closed, 'a connection that never finishes its headers is closed by the hub');
  t.regex(answer, /^HTTP\/1\.1 408/);
  t.regex((await sb.run(['hub', 'logs', '-n', '500'])).stdout, /web: \d+ connection\(s\) to the page's port closed so far/);
});

test('readOrigin: only a missing record is "absent"; another read error is reported', async (t) => {
  const dir = await fsp.mkdtemp(path.join((await import('node:os')).tmpdir(), 'dcckit-origin-'));
  t.teardown(() => fsp.rm(dir, { recursive: true, force: true }));
  t.is(await readOrigin(dir), null, 'no record: absent');
  // A record that cannot be read (here a folder in its place: EISDIR; under a flood, EMFILE) is not "absent".
  await fsp.mkdir(path.join(dir, ORIGIN_FILE));
  await t.throwsAsync(() => readOrigin(dir), { code: 'EISDIR' });
});
