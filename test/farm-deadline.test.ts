/**
 * Issue 21 item 8: every farm request has a total deadline, not only an idle timeout. A server on 127.0.0.1
 * that answers with a valid header and then one byte every 100 ms (never silent long enough for the idle
 * timeout) no longer holds `farm jobs`, a client call, or `farm submit --wait --timeout` for ever.
 */
import test from 'ava';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { createFarmCommand } from '../kit/cli/farm-command.ts';
import type { CliContext } from '../kit/cli/types.ts';
import { AfanasyClient } from '../kit/farm/client.ts';
import { FarmTimeoutError } from '../kit/farm/errors.ts';

/** Answers a job submission properly (when `submits`), every other request with a reply that never ends. */
async function tricklingServer(t: { teardown(fn: () => unknown): void }, opts: { submits?: boolean } = {}): Promise<{ port: number; trickling: () => number }> {
  const sockets = new Set<net.Socket>();
  let trickling = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let got = '';
    socket.on('data', (chunk) => {
      const first = got === '';
      got += chunk.toString('latin1');
      if (!first) return;
      if (opts.submits && got.includes('"job"')) {
        const body = '{"id":7,"serial":1}';
        socket.write(`AFANASY ${body.length} JSON${body}`);
        return;
      }
      trickling++;
      socket.write('AFANASY 100000 JSON{"jobs":[');
      const drip = setInterval(() => socket.write(' '), 100);
      socket.on('close', () => clearInterval(drip));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as net.AddressInfo).port, trickling: () => trickling };
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

async function farmCli(settings: { port: number; timeoutMs: number }, argv: string[], cwd: string) {
  const full = { host: '127.0.0.1', user: 'tsk', hostName: 'ws01', maxTasks: 1_000_000, ...settings };
  const command = createFarmCommand(async () => full, { stdin: Readable.from(['']) });
  const stdout = new Capture();
  const stderr = new Capture();
  const ctx: CliContext = { argv, stdout, stderr, cwd, env: { DCC_KIT_HOME: cwd }, interactive: false };
  let code: number;
  try {
    code = await command.run(ctx);
  } catch (err) {
    code = 1;
    stderr.text += (err as Error).message;
  }
  return { code, stdout: stdout.text, stderr: stderr.text };
}

test('a client request to a trickling server ends at its total deadline with a timeout that says so', async (t) => {
  const server = await tricklingServer(t);
  const client = new AfanasyClient({ host: '127.0.0.1', port: server.port, timeoutMs: 3000 });
  const err = await t.throwsAsync(client.jobs(), { instanceOf: FarmTimeoutError });
  t.is(err!.phase, 'total');
  t.regex(err!.message, /did not complete its reply within 9000 ms \(the deadline of one request\)/);
  t.is(server.trickling(), 1);
});

test('farm jobs and farm submit --wait --timeout end against a trickling server', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-farm-deadline-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const jobsServer = await tricklingServer(t);
  const jobs = await farmCli({ port: jobsServer.port, timeoutMs: 3000 }, ['jobs'], dir);
  t.is(jobs.code, 1);
  t.regex(jobs.stderr, /did not complete its reply within 9000 ms/);

  // The submit is answered; every poll of the job trickles. The idle timeout (10 s) and the request deadline
  // (30 s) are far off: --timeout 5 is what ends the wait.
  const waitServer = await tricklingServer(t, { submits: true });
  await fs.writeFile(path.join(dir, 'job.json'), JSON.stringify({ job: { name: 'shot', blocks: [{ name: 'r', service: 'generic', parser: 'generic', flags: 1, frame_first: 1, frame_last: 2, frames_per_task: 1, frames_inc: 1, command: 'echo @#@' }] } }));
  const waited = await farmCli({ port: waitServer.port, timeoutMs: 10_000 }, ['submit', 'job.json', '--wait', '--timeout', '5'], dir);
  t.is(waited.code, 1, waited.stdout + waited.stderr);
  t.regex(waited.stderr, /job 7: gave up waiting after 5 s \(--timeout\); the job goes on on the farm/);
  t.true(waitServer.trickling() >= 1, 'a poll was under way when the wait gave up');
});
