/**
 * Entry point of an archive worker thread: runs the jobs of worker-jobs.ts one message at a time and answers
 * `{id, ok, result}` or `{id, ok: false, failure}`. Each message carries the cancel flag of its operation.
 */
import { parentPort } from 'node:worker_threads';
import { failureOf, runJob, setCancelFlag, type WorkerJob } from './worker-jobs.ts';

const port = parentPort;
if (!port) throw new Error('archive-worker.ts must run in a worker thread');

let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: { id: number; job: WorkerJob; cancel: Int32Array }) => {
  // Jobs run strictly one after another; the pool keeps at most two queued per worker.
  queue = queue.then(async () => {
    try {
      setCancelFlag(msg.cancel);
      const { result, transfer } = await runJob(msg.job);
      port.postMessage({ id: msg.id, ok: true, result }, transfer);
    } catch (err) {
      port.postMessage({ id: msg.id, ok: false, failure: failureOf(err) });
    }
  });
});
