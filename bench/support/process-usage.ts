/**
 * What a process spent, read from Linux's /proc: CPU time (user + system) and the context switches of its
 * main thread (voluntary: it waited; involuntary: it was preempted). The protocol bench uses them to show
 * where a routed round trip's time goes beside the raw relay's. Null where there is no /proc.
 */
import fs from 'node:fs';
import os from 'node:os';

export interface ProcessUsage {
  cpuMs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on every Linux Node supports

export function processUsage(pid: number): ProcessUsage | null {
  if (os.platform() !== 'linux') return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const count = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return {
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
      voluntarySwitches: count('voluntary_ctxt_switches'),
      involuntarySwitches: count('nonvoluntary_ctxt_switches'),
    };
  } catch {
    return null;
  }
}

/** Adds up what `pid` spends while `fn` runs, over many calls of the returned function. */
export function metered(pid: number, fn: () => Promise<unknown>): { run: () => Promise<void>; total: ProcessUsage } {
  const total: ProcessUsage = { cpuMs: 0, voluntarySwitches: 0, involuntarySwitches: 0 };
  return {
    total,
    run: async () => {
      const before = processUsage(pid);
      await fn();
      const after = processUsage(pid);
      if (!before || !after) return;
      total.cpuMs += after.cpuMs - before.cpuMs;
      total.voluntarySwitches += after.voluntarySwitches - before.voluntarySwitches;
      total.involuntarySwitches += after.involuntarySwitches - before.involuntarySwitches;
    },
  };
}
