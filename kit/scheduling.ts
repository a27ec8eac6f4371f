/**
 * The hub's CPU scheduling policy (Linux). Under the default policy a process that is woken usually preempts
 * the one that woke it: the DCC writes a reply, the hub wakes and takes the CPU before the DCC has gone back
 * to waiting, and the DCC needs another turn just to finish. On a busy machine every routed call costs
 * extra context switches that way (measured on one CPU: 5.3 to 5.8 per round trip through the hub instead of 4),
 * and the switches land in the artist's DCC. SCHED_BATCH changes only that: a woken hub does not preempt;
 * it runs when the current process waits or its slice ends, with the same CPU share as before. No privilege
 * is needed. Node has no call for it, so the hub asks util-linux's `chrt` to set it on all its threads
 * (threads made later inherit it).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';

export type HubScheduling = 'batch' | 'normal';

/** Linux's numbers for the policies (sched.h: SCHED_OTHER, SCHED_BATCH), as /proc shows them. */
export const SCHEDULING_POLICY = { normal: 0, batch: 3 } as const;

/** The policy of a thread or process from /proc (stat field 41), or null where that cannot be read. */
export function schedulingPolicyOf(pid: number, tid = pid): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
    return Number.isInteger(policy) ? policy : null;
  } catch {
    return null;
  }
}

/** What `hub status` shows: "batch", "normal", another policy's number, or null where /proc is missing. */
export function schedulingName(policy: number | null): string | null {
  if (policy === null) return null;
  return policy === SCHEDULING_POLICY.batch ? 'batch' : policy === SCHEDULING_POLICY.normal ? 'normal' : `policy ${policy}`;
}

/** True when this process runs under SCHED_BATCH (a hub, or a program the hub started). */
export function runsBatch(): boolean {
  return process.platform === 'linux' && schedulingPolicyOf(process.pid) === SCHEDULING_POLICY.batch;
}

/**
 * How to start an interactive program (a DCC, a browser) from here: children inherit SCHED_BATCH, and an
 * artist's application must not run under it, so from a batch process it is started through
 * `chrt --other 0`, which execs it (same pid) under the default policy. `command` must be a path or a name
 * known to be on PATH: chrt reports a missing program as exit 127, not as a spawn error.
 */
export function interactiveCommand(command: string, args: string[]): { command: string; args: string[] } {
  return runsBatch() ? { command: 'chrt', args: ['--other', '0', command, ...args] } : { command, args };
}

/**
 * Puts this process under `wanted`. Resolves with what to log: what was set, or why it stayed as it was
 * (not Linux, no `chrt`). Never rejects: the policy is an optimisation, not a condition for running.
 */
export function applyHubScheduling(wanted: HubScheduling): Promise<string> {
  if (process.platform !== 'linux') return Promise.resolve(`scheduling: ${process.platform} has no SCHED_BATCH; the default policy stays`);
  if (wanted === 'normal') return Promise.resolve('scheduling: normal (hub.scheduling)');
  return new Promise((resolve) => {
    execFile('chrt', ['--batch', '--all-tasks', '--pid', '0', String(process.pid)], { timeout: 5000 }, (err, _out, stderr) => {
      if (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'chrt (util-linux) is not on PATH' : (stderr.trim() || err.message);
        resolve(`scheduling: SCHED_BATCH not set (${why}); the default policy stays`);
        return;
      }
      resolve(schedulingPolicyOf(process.pid) === SCHEDULING_POLICY.batch
        ? 'scheduling: SCHED_BATCH (a woken hub does not preempt the DCC or tool that woke it; hub.scheduling: normal turns this off)'
        : 'scheduling: chrt ran but the policy is not SCHED_BATCH; the default policy stays');
    });
  });
}
