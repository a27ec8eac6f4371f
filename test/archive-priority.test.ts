/**
 * Background zips yield the CPUs (issue 20, the save-time p99): on Linux the archive worker threads run at the
 * lower priority (WORKER_NICE, 10), so a zip does not delay the hub's main thread or the DCC on a busy machine. Read from /proc
 * while a real zip runs.
 */
import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipDirectory } from '../kit/archive/index.ts';
import { WORKER_NICE } from '../kit/archive/worker-jobs.ts';

function threads(): Array<{ name: string; nice: number }> {
  return fs.readdirSync(`/proc/${process.pid}/task`).map((tid) => {
    const stat = fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: fs.readFileSync(`/proc/${process.pid}/task/${tid}/comm`, 'utf8').trim(), nice: Number(fields[16]) };
  });
}

(process.platform === 'linux' ? test : test.skip)('the archive worker threads run at nice 10 while the main thread keeps its priority', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-prio-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const src = path.join(dir, 'src');
  fs.mkdirSync(src);
  for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(src, `f${i}.bin`), crypto.randomBytes(1_000_000));
  let seen: Array<{ name: string; nice: number }> | null = null;
  const phases: string[] = [];
  await zipDirectory(src, path.join(dir, 'out.zip'), {
    threads: 2,
    onProgress: (p) => {
      phases.push(`${p.phase}:${p.bytesDone}`);
      const now = threads();
      // The last sample with the workers: by then they have run jobs, so their set-up has run.
      if (now.some((x) => x.name === 'WorkerThread')) seen = now;
    },
  });
  t.truthy(seen, `worker threads during the zip (progress: ${phases.join(', ')})`);
  const workers = seen!.filter((x) => x.name === 'WorkerThread');
  t.true(workers.length >= 1, JSON.stringify(seen));
  t.is(WORKER_NICE, 10);
  t.true(workers.every((w) => w.nice === WORKER_NICE), JSON.stringify(workers));
  t.is(seen!.find((x) => x.name === 'MainThread')?.nice ?? seen![0]!.nice, os.getPriority());
});
