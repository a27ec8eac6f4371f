/**
 * CPU pinning for latency benches (Linux, util-linux `taskset`). On a small VM a process that wakes a
 * process on another vCPU pays the hypervisor's wake-up (~35 µs of CPU here) and the scheduler decides
 * per run whether two or three processes share a vCPU, which swings a sequential round trip between
 * ~20 and ~90 µs. Pinning every process of a comparison to the same CPU takes that out.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';

function taskset(args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('taskset', args, (err) => resolve(!err));
  });
}

/** Sets the CPUs of every thread of each process; false when this system cannot (no taskset, not Linux). */
export async function setAffinity(pids: number[], cpus: string): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  for (const pid of pids) {
    if (!(await taskset(['-a', '-p', '-c', cpus, String(pid)]))) return false;
  }
  return true;
}

/** "0-N": every CPU of this machine. */
export function allCpus(): string {
  return `0-${os.availableParallelism() - 1}`;
}

/** The CPU latency benches pin to: the last one. */
export function benchCpu(): string {
  return String(os.availableParallelism() - 1);
}
