/**
 * Generic bench helpers: run something several times (alternating with its baseline so both see the same
 * machine load), take medians, time external commands, and print one line per figure beside its baseline.
 */
import { spawn } from 'node:child_process';

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Milliseconds taken by `fn`. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * Runs each measurement `runs` times, interleaved (a, b, a, b, ...), with an optional untimed `prepare`
 * before each run (deleting the previous output...). Returns the milliseconds of every run per key.
 */
export async function interleavedRuns<K extends string>(runs: number,
  cases: Record<K, { prepare?: () => Promise<void>; run: () => Promise<unknown> }>): Promise<Record<K, number[]>> {
  const keys = Object.keys(cases) as K[];
  const out = Object.fromEntries(keys.map(k => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const k of keys) {
      await cases[k].prepare?.();
      out[k].push(await timeMs(cases[k].run));
    }
  }
  return out;
}

/** Runs a command to completion (stdio ignored); rejects with its exit code or signal. */
export function runCommand(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

/** True when `cmd` can be started (e.g. `zip -v`). */
export async function commandAvailable(cmd: string, args: string[] = ['-v']): Promise<boolean> {
  return runCommand(cmd, args).then(() => true, () => false);
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatRatio(r: number, digits = 2): string {
  return `${r.toFixed(digits)}x`;
}

export interface RatioFigure {
  label: string;
  ratio: number;
  /** Upper bound the ratio should stay under, when there is a target. */
  max?: number;
  met?: boolean;
}

/**
 * `label: 2.91 s vs zip -r 3.50 s = 0.83x (target <= 1.0x)`. `ours` and `baseline` are preformatted; the ratio
 * is ours / baseline. Returns the figure so a runner can count missed targets.
 */
export function ratioText(label: string, ours: string, baseline: string, ratio: number, max?: number, digits = 2): { text: string; figure: RatioFigure } {
  const met = max === undefined ? undefined : ratio <= max;
  const shown = max === undefined ? '' : Number.isInteger(max) ? max.toFixed(1) : String(max);
  const target = max === undefined ? '' : ` (target <= ${shown}x${met ? '' : ', MISSED'})`;
  return { text: `${ours} vs ${baseline} = ${formatRatio(ratio, digits)}${target}`, figure: { label, ratio, max, met } };
}

/** Peak resident set size of this process (including its worker threads) in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
