/**
 * Harmony benchmarks (issue 3):
 *  - calls per second from a tool through the hub to the simulated Harmony evaluating a small function
 *    (the real startup script in the simulator process), sequential and 64 in flight, against the raw
 *    node:net AH echo floor (its server in its own process, like the hub and the simulator);
 *  - launch to ready: `dcc-kit launch harmony --simulate` as a process, from its start until the session
 *    said hello (the hub already running), median of 10.
 */
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHubProcess, connectTool } from './support/hub-process.ts';
import { startEchoProcess, killStartedProcesses } from './support/processes.ts';
import { RawAhClient } from './support/raw-ah.ts';
import { median, printRatio, formatCount, type BenchResult } from './support/measure.ts';
import { HARMONY_SCRIPTS_DIR } from '../adapters/harmony/paths.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIM = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');
const CLI = path.join(ROOT, 'bin', 'dcc-kit.js');
const FUNCTION = 'function f(n) { return n + 1; }; f';

async function sequential(call: (i: number) => Promise<unknown>, count: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await call(i);
  return count / ((performance.now() - t0) / 1000);
}

async function inFlight(call: (i: number) => Promise<unknown>, count: number, width: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const lane = async () => { while (next < count) await call(next++); };
  await Promise.all(Array.from({ length: width }, lane));
  return count / ((performance.now() - t0) / 1000);
}

async function throughput(results: BenchResult[]): Promise<void> {
  const hub = await startHubProcess();
  const raw = await startEchoProcess('raw');
  const simHome = fs.mkdtempSync(path.join(os.tmpdir(), 'dcc-kit-bench-sim-'));
  const sim = spawn(process.execPath, [SIM], {
    env: { ...process.env, HOME: simHome, DCC_KIT_HOME: path.join(simHome, 'kit'), DCC_KIT_PORT: String(hub.port), DCC_KIT_TOKEN: hub.token, TOONBOOM_GLOBAL_SCRIPT_LOCATION: HARMONY_SCRIPTS_DIR },
    stdio: 'ignore',
  });
  try {
    const tool = await connectTool(hub);
    const session = await tool.session('harmony', { wait: 15_000 });
    const rawClient = await RawAhClient.connect(raw.port!);
    const viaHub = (i: number) => session.call(FUNCTION, i);
    const floor = (i: number) => rawClient.call('f', i);
    for (let i = 0; i < 500; i++) { await viaHub(i); await floor(i); }
    const seq = { hub: [] as number[], raw: [] as number[] };
    const par = { hub: [] as number[], raw: [] as number[] };
    for (let run = 0; run < 3; run++) {
      seq.raw.push(await sequential(floor, 3000));
      seq.hub.push(await sequential(viaHub, 3000));
      par.raw.push(await inFlight(floor, 6000, 64));
      par.hub.push(await inFlight(viaHub, 6000, 64));
    }
    const s = { hub: median(seq.hub), raw: median(seq.raw) };
    const p = { hub: median(par.hub), raw: median(par.raw) };
    results.push(printRatio('harmony calls, sequential', `tool->hub->simulated Harmony ${formatCount(s.hub)}/s`, `raw echo ${formatCount(s.raw)}/s`, s.hub / s.raw, { min: 0.3 }));
    results.push(printRatio('harmony calls, 64 in flight', `tool->hub->simulated Harmony ${formatCount(p.hub)}/s`, `raw echo ${formatCount(p.raw)}/s`, p.hub / p.raw, { min: 0.3 }));
    console.log(`  (AYON's integration polls every 100 ms: at most 10 calls/s; here ${formatCount(s.hub)} sequential calls/s)`);
    rawClient.close();
    tool.close();
  } finally {
    sim.kill('SIGKILL');
    await raw.stop();
    await hub.stop();
    fs.rmSync(simHome, { recursive: true, force: true });
  }
}

function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { env, cwd }, (err, stdout, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve(stdout)));
  });
}

async function launchToReady(results: BenchResult[]): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dcc-kit-bench-launch-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: root, XDG_CONFIG_HOME: path.join(root, 'config'), DCC_KIT_HOME: path.join(root, 'kit') };
  delete env.DCC_KIT_PORT;
  delete env.DCC_KIT_TOKEN;
  const times: number[] = [];
  const floor: number[] = [];
  try {
    await runCli(['hub', 'start'], env, root);
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await runCli(['--version'], env, root);
      floor.push(performance.now() - t0);
      const t1 = performance.now();
      const out = JSON.parse(await runCli(['launch', 'harmony', '--simulate', '--json'], env, root)) as { pid: number };
      times.push(performance.now() - t1);
      process.kill(out.pid, 'SIGKILL');
    }
    const m = median(times);
    const met = m < 1500;
    console.log(`launch to ready (dcc-kit launch harmony --simulate, hub running), median of 10: ${(m / 1000).toFixed(2)} s vs dcc-kit --version ${(median(floor) / 1000).toFixed(2)} s = ${(m / median(floor)).toFixed(2)}x (target < 1.50 s)${met ? '' : '  MISSED'}`);
    results.push({ label: 'launch to ready', ratio: m / 1500, target: { max: 1 }, met });
  } finally {
    await runCli(['hub', 'stop'], env, root).catch(() => '');
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export async function runHarmonyBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  try {
    await throughput(results);
    await launchToReady(results);
  } finally {
    killStartedProcesses();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runHarmonyBench();
  process.exitCode = results.some((r) => r.met === false) ? 1 : 0;
}
