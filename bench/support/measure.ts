/**
 * Timing and ratio printing for the protocol-level benches: rounded figures grouped by thousands, one line
 * per comparison against a baseline measured in the same run (targets as a minimum or a maximum ratio),
 * and runs cut into interleaved slices. Generic helpers come from bench/lib/timing.ts.
 */
import { median } from '../lib/timing.ts';

export { median };

export interface Target {
  /** The ratio must be at least this. */
  min?: number;
  /** The ratio must be at most this. */
  max?: number;
}

/** One printed comparison, also returned so the runner can count targets. */
export interface BenchResult {
  label: string;
  ratio: number;
  target?: Target;
  met?: boolean;
}

/** 41234 -> "41 200": three significant figures, grouped by thousands. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.max(0, Math.floor(Math.log10(Math.abs(value) || 1)) + 1);
  const rounded = digits > 3 ? Math.round(value / 10 ** (digits - 3)) * 10 ** (digits - 3) : Math.round(value);
  return String(rounded).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${formatCount(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}x`;
}

export function meets(ratio: number, target: Target | undefined): boolean | undefined {
  if (!target) return undefined;
  return (target.min === undefined || ratio >= target.min) && (target.max === undefined || ratio <= target.max);
}

export function describeTarget(target: Target | undefined, op?: { min?: string; max?: string }): string {
  if (!target) return '';
  const parts: string[] = [];
  if (target.min !== undefined) parts.push(`${op?.min ?? '>='} ${formatRatio(target.min)}`);
  if (target.max !== undefined) parts.push(`${op?.max ?? '<='} ${formatRatio(target.max)}`);
  return `target ${parts.join(' and ')}`;
}

/**
 * Prints `label: <measured> vs <baseline> = 0.88x (target >= 0.85x)` and returns the result.
 * `measured` and `baseline` are already formatted with their names.
 */
export function printRatio(label: string, measured: string, baseline: string, ratio: number, target?: Target, op?: { min?: string; max?: string }): BenchResult {
  const met = meets(ratio, target);
  const verdict = met === undefined ? '' : ` (${describeTarget(target, op)})${met ? '' : '  MISSED'}`;
  console.log(`${label}: ${measured} vs ${baseline} = ${formatRatio(ratio)}${verdict}`);
  return { label: `${label.trim()}: ${measured} vs ${baseline}`, ratio, target, met };
}

export function now(): number {
  return performance.now();
}

/**
 * Times the cases of a comparison fairly on a noisy machine: each run is cut into `slices`, and every
 * slice runs each case once in turn, so a burst of load from elsewhere hits all the cases alike.
 * `fns` run one slice and resolve when done; the result is each case's total ms per run.
 */
export async function slicedRuns<K extends string>(runs: number, slices: number, fns: Record<K, () => Promise<unknown>>): Promise<Record<K, number[]>> {
  const keys = Object.keys(fns) as K[];
  const out = {} as Record<K, number[]>;
  for (const key of keys) out[key] = [];
  for (let run = 0; run < runs; run++) {
    const totals = new Map<K, number>(keys.map((k) => [k, 0]));
    for (let slice = 0; slice < slices; slice++) {
      for (const key of keys) {
        const t0 = now();
        await fns[key]();
        totals.set(key, totals.get(key)! + now() - t0);
      }
    }
    for (const key of keys) out[key].push(totals.get(key)!);
  }
  return out;
}
