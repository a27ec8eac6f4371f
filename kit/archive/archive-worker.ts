/**
 * Entry point of an archive worker thread: runs the jobs of worker-jobs.ts one message at a time and answers
 * `{id, ok, result}` or `{id, ok: false, failure}`. Each message carries the cancel flag of its operation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { WORKER_NICE, dropCancelledHeld, failureOf, runJob, setCancelFlag, type WorkerJob } from './worker-jobs.ts';

const port = parentPort;
if (!port) throw new Error('archive-worker.ts must run in a worker thread');

/**
 * Background work yields the CPUs: on Linux, where a nice value belongs to a thread, this worker's thread
 * takes a lower priority (WORKER_NICE), so a zip does not delay the hub's main thread or the DCC it serves on
 * a busy machine (bench/workfiles.ts: node.subNodes p99 during a save with both CPUs loaded).
 */
function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, WORKER_NICE);
  } catch { /* not permitted or no /proc: normal priority */ }
}
lowerThreadPriority();

let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: { id: number; job: WorkerJob; cancel: Int32Array }) => {
  // Jobs run strictly one after another; the pool keeps at most two queued per worker.
  queue = queue.then(async () => {
    try {
      dropCancelledHeld();
      setCancelFlag(msg.cancel);
      const { result, transfer } = await runJob(msg.job);
      port.postMessage({ id: msg.id, ok: true, result }, transfer);
    } catch (err) {
      port.postMessage({ id: msg.id, ok: false, failure: failureOf(err) });
    }
  });
});
