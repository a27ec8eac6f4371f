/**
 * `npm run bench -- cli-start`: how long a dcc-kit command takes to start, with Node's compile cache (what the
 * bins turn on: type-stripped and compiled code kept in a folder) against the baseline without it
 * (NODE_DISABLE_COMPILE_CACHE=1), both measured here in the same run. Every CLI command, hub and simulator
 * start pays this, and the test suite starts hundreds of them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 7;

function wallMs(bin: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  execFileSync(process.execPath, [path.join(ROOT, 'bin', bin), ...args], { env, stdio: 'ignore' });
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runCliStartBench(): Promise<{ label: string; ratio: number; met: boolean }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-bench-start-'));
  try {
    const base: NodeJS.ProcessEnv = { ...process.env, HOME: dir, DCC_KIT_HOME: path.join(dir, 'kit') };
    delete base.NODE_COMPILE_CACHE;
    const cached = { ...base, NODE_COMPILE_CACHE: path.join(dir, 'cache') };
    const plain = { ...base, NODE_DISABLE_COMPILE_CACHE: '1' };
    const figures = [];
    for (const [bin, args] of [['dcc-kit.js', ['config']], ['dcc-kit-harmony-sim.js', ['--help']]] as [string, string[]][]) {
      wallMs(bin, args, cached); // fills the cache
      const without = median(Array.from({ length: RUNS }, () => wallMs(bin, args, plain)));
      const withCache = median(Array.from({ length: RUNS }, () => wallMs(bin, args, cached)));
      const label = `${bin.replace('.js', '')} ${args.join(' ')} start`;
      const ratio = without / withCache;
      console.log(`${label}: ${withCache.toFixed(0)} ms with the compile cache, baseline ${without.toFixed(0)} ms without (${ratio.toFixed(2)}x)`);
      figures.push({ label, ratio, met: ratio >= 1 });
    }
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
