/**
 * Kit core benchmarks: round trips of small requests and large payloads through the hub, each printed
 * as a ratio against a baseline measured in the same run.
 *
 * How the processes are arranged (2 cores here, shared):
 * - raw echo (baseline): the raw AH client (bench/support/raw-ah.ts) in this process, the raw AH echo
 *   server in a child process.
 * - direct: an RpcPeer client in this process, an RpcPeer echo server in the same child process as the
 *   raw echo server (on another port). Same two processes as the baseline, so the ratio is the cost of
 *   RpcPeer alone; one server process for both also gives both the same CPU placement, which on a
 *   2-vCPU VM swings a sequential round trip between ~20 and ~90 µs.
 * - through the hub: the tool (HubClient) in this process, the real hub process (kit/hub/main.ts, started
 *   by ensureHub), and a DCC-role RpcPeer echo in a third process. Two hops, three processes on two
 *   cores; compared with the same two-process raw echo baseline. The tool connects as connectHub does, on
 *   the hub's local socket (Linux, macOS; the DCC stays on TCP, as Harmony's QTcpSocket must); the same
 *   calls from a tool on the TCP port are printed for information. Printed beside them, for scale: a raw
 *   AH relay process in front of the raw echo, all on TCP (two hops with the least work any TCP relay can
 *   do: parse, new id, re-encode). On one CPU most of a round trip is kernel time (TCP on loopback and
 *   the switches between three processes): the hub's own JavaScript is a few µs of the ~40 µs it spends
 *   (perf: JIT code ~6% of its samples), and the scheduler traces (perf sched_switch) show each writer
 *   preempted by the reader it wakes, so every process needs a second slot to finish its turn: 5 to 6
 *   switches per routed round trip where the two-process raw echo needs 2 and never preempts. What
 *   closes most of that gap: the hub runs under SCHED_BATCH (kit/scheduling.ts: a woken hub does not
 *   preempt the tool or DCC that woke it), which brings a routed round trip to the minimum of 4 switches
 *   (tool 1, hub 2, DCC 1; A/B in one run: +0.002 to +0.038x, +0.018x on average over four runs); the
 *   local socket (no TCP stack on the tool's hop); and clients that read with Node's `onread`
 *   (kit/protocol/socket.ts: no Buffer and stream events per read), as the tool and the bench's DCC do.
 *   The raw baselines read with 'data' events, as a plain node:net program does; the raw relay keeps the
 *   default policy.
 * - large payloads (tool -> hub -> DCC echo -> hub -> tool, the same three processes): timed in one hub,
 *   the sizes alternating run by run after one untimed round trip each; the hub's peak RSS is taken in a
 *   fresh hub process per size (two round trips), so one size's heap does not inflate the next one's.
 *   The hub reports its own peak (maxRSS) through hub.stats; it is started from a small launcher process
 *   because Linux carries the peak RSS of the parent across fork and exec. Every step is linear in the
 *   payload (each process's CPU per round trip measured ~3.4-4.4x from 16 to 64 MiB; the hub's GC 2-11 ms
 *   per round trip either way), but a 16 MiB payload and its copies largely fit this machine's 32 MiB L3
 *   cache and a 64 MiB one does not, so the 64/16 ratio lands between 4.1x and 4.6x here and above it
 *   when the machine is loaded.
 * - CPUs: a sequential round trip is a chain of wake-ups. On this 2-vCPU VM a wake-up across vCPUs costs
 *   ~35 µs of hypervisor time and the scheduler decides per run whether 2 or 3 processes share a vCPU, so
 *   unpinned figures swing 4x between runs and favour the 2-process baseline whenever it lands on one
 *   vCPU. The sequential comparison therefore pins every process (this one, the echo servers, the hub,
 *   the DCC) to one CPU with taskset, which measures the software; the unpinned figures are printed too,
 *   for information. The in-flight comparison runs unpinned: there, using both CPUs is the point. In
 *   flight, RpcPeer sends the frames written in one turn of the event loop in one write (the raw echo
 *   writes each frame), which is why "direct" can beat the raw echo there.
 * Runs of the compared cases alternate in slices (raw, direct, hub, raw, ...), and each figure is the
 * median of 3 runs.
 */
import type { RpcPeer } from '../kit/protocol/peer.ts';
import { connectSocket } from '../kit/protocol/socket.ts';
import { RawAhClient } from './support/raw-ah.ts';
import { startEchoProcess, killStartedProcesses, type EchoProcess } from './support/processes.ts';
import { startHubProcess, connectTool, type HubProcess } from './support/hub-process.ts';
import { setAffinity, allCpus, benchCpu } from './support/affinity.ts';
import { metered, type ProcessUsage } from './support/process-usage.ts';
import { formatCount, formatMiB, formatMs, slicedRuns, median, now, printRatio, type BenchResult } from './support/measure.ts';
import type { HubClient } from '../kit/hub/client.ts';

const RUNS = 3;
/** Each run alternates the compared cases this many times (see slicedRuns). */
const SLICES = 8;
const SEQUENTIAL_CALLS = 8_000;
const INFLIGHT = 64;
const INFLIGHT_CALLS = 24_000;
const WARMUP_CALLS = 3_000;
const MiB = 1024 * 1024;
const LARGE_SIZES = [16 * MiB, 32 * MiB, 64 * MiB];
/** The envelope of a request around a 64 MiB payload is a few hundred bytes; leave room for it. */
const LARGE_FRAME_LIMIT = 65 * MiB;

/** A small request's argument: what a menu action or a scene query sends. */
const SMALL_ARGS = { node: 'Top/Drawing_1', frame: 12, attrs: ['position.x', 'position.y'], visible: true };

type Call = (args: unknown) => Promise<unknown>;

/** Makes `count` calls with `inflight` outstanding at a time. */
async function callMany(call: Call, count: number, inflight: number): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await call(SMALL_ARGS);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
}

/** An RpcPeer client connected as the kit's clients connect (connectSocket). */
async function connectPeer(port: number): Promise<RpcPeer> {
  const pending = connectSocket({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => { pending.socket.once('connect', resolve); pending.socket.once('error', reject); });
  return pending.peer({ label: 'bench direct' });
}

async function checkEcho(name: string, call: Call): Promise<void> {
  const got = JSON.stringify(await call(SMALL_ARGS));
  if (got !== JSON.stringify(SMALL_ARGS)) throw new Error(`${name} did not echo its arguments (got ${got})`);
}

async function roundTrips(): Promise<BenchResult[]> {
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const servers = await startEchoProcess('servers');
    stops.push(servers.stop);
    const relayServer = await startEchoProcess('relay', [String(servers.rawPort)]);
    stops.unshift(relayServer.stop);
    const hub = await startHubProcess();
    stops.push(hub.stop);
    const dcc = await startEchoProcess('dcc', [String(hub.port), hub.token, String(LARGE_FRAME_LIMIT)]);
    stops.unshift(dcc.stop);

    const raw = await RawAhClient.connect(servers.rawPort!);
    stops.unshift(() => raw.close());
    const relay = await RawAhClient.connect(relayServer.port!);
    stops.unshift(() => relay.close());
    const direct = await connectPeer(servers.rpcPort!);
    stops.unshift(() => direct.close('bench over'));
    // The tool connects as connectHub does: on the hub's local socket where it has one. The same calls from a
    // tool on the TCP port are measured too.
    const tool = await connectTool(hub);
    stops.unshift(() => tool.close());
    const tcpTool = await connectTool(hub, { over: 'tcp' });
    stops.unshift(() => tcpTool.close());
    const toolPath = hub.socket ? 'the tool on its local socket, the DCC on TCP' : 'tool and DCC on TCP (no local socket here)';

    const cases: Record<'raw' | 'direct' | 'hub' | 'hubTcp' | 'relay', Call> = {
      raw: (args) => raw.call('echo', args),
      direct: (args) => direct.call({ function: 'echo', args }),
      hub: (args) => tool.call(dcc.session!, 'echo', args),
      hubTcp: (args) => tcpTool.call(dcc.session!, 'echo', args),
      relay: (args) => relay.call('echo', args),
    };
    for (const [name, call] of Object.entries(cases)) {
      await checkEcho(name, call);
      await callMany(call, WARMUP_CALLS, 1);
      await callMany(call, WARMUP_CALLS, INFLIGHT);
    }

    const compare = async (mode: string, count: number, inflight: number, targets: boolean): Promise<BenchResult[]> => {
      const perSlice = Math.ceil(count / SLICES);
      // What the middle process (hub, raw relay) spends per round trip: CPU and context switches.
      const hubUse = metered(hub.pid, () => callMany(cases.hub, perSlice, inflight));
      const relayUse = metered(relayServer.child.pid!, () => callMany(cases.relay, perSlice, inflight));
      const runs = await slicedRuns(RUNS, SLICES, {
        raw: () => callMany(cases.raw, perSlice, inflight),
        direct: () => callMany(cases.direct, perSlice, inflight),
        hub: hubUse.run,
        hubTcp: () => callMany(cases.hubTcp, perSlice, inflight),
        relay: relayUse.run,
      });
      const rate = (ms: number) => (perSlice * SLICES) / (ms / 1000);
      const rawRate = rate(median(runs.raw));
      const directRate = rate(median(runs.direct));
      const hubRate = rate(median(runs.hub));
      const hubTcpRate = rate(median(runs.hubTcp));
      const relayRate = rate(median(runs.relay));
      const baseline = `raw echo ${formatCount(rawRate)}/s`;
      const calls = perSlice * SLICES * RUNS;
      const perCall = (u: ProcessUsage) => `${(u.cpuMs * 1000 / calls).toFixed(0)} µs CPU, ${((u.voluntarySwitches + u.involuntarySwitches) / calls).toFixed(2)} context switches (${(u.involuntarySwitches / calls).toFixed(2)} preempted)`;
      if (hubUse.total.cpuMs > 0) console.log(`  per round trip, ${mode}: the hub process ${perCall(hubUse.total)}; the raw relay process ${perCall(relayUse.total)}`);
      return [
        printRatio(`round trips, ${mode}`, `direct ${formatCount(directRate)}/s`, baseline, directRate / rawRate, targets ? { min: 0.85 } : undefined),
        // Sequential: held against the two-hop floor below (issue 20), this ratio is for information.
        printRatio(`round trips, ${mode}`, `through the hub (${toolPath}) ${formatCount(hubRate)}/s`, baseline, hubRate / rawRate, targets && inflight > 1 ? { min: 0.45 } : undefined),
        ...(hub.socket ? [printRatio(`  for information, ${mode}`, `through the hub, tool on TCP ${formatCount(hubTcpRate)}/s`, baseline, hubTcpRate / rawRate)] : []),
        printRatio(`  two-hop floor, ${mode}`, `raw relay on TCP ${formatCount(relayRate)}/s`, baseline, relayRate / rawRate),
        // The hub's target against the floor of this run (issue 20): a sequential round trip on one CPU can only
        // approach what the least-work relay does there; the same run's relay is the fair baseline.
        printRatio(`round trips, ${mode}`, `through the hub ${formatCount(hubRate)}/s`, `the two-hop floor (raw relay) ${formatCount(relayRate)}/s`,
          hubRate / relayRate, targets && inflight === 1 ? { min: 0.9 } : undefined),
      ];
    };

    const results: BenchResult[] = [];
    const pids = [process.pid, servers.child.pid!, relayServer.child.pid!, hub.pid, dcc.child.pid!];
    const cpu = benchCpu();
    if (await setAffinity(pids, cpu)) {
      try {
        results.push(...await compare(`sequential, every process on CPU ${cpu}`, SEQUENTIAL_CALLS, 1, true));
      } finally {
        // This process goes on to other benches: it must not stay pinned.
        await setAffinity(pids, allCpus());
      }
      results.push(...await compare('sequential, unpinned (for information)', SEQUENTIAL_CALLS, 1, false));
    } else {
      console.log('(taskset is not available: the sequential round trips run unpinned, at the scheduler\'s mercy)');
      results.push(...await compare('sequential', SEQUENTIAL_CALLS, 1, true));
    }
    results.push(...await compare(`${INFLIGHT} in flight`, INFLIGHT_CALLS, INFLIGHT, true));
    return results;
  } finally {
    for (const stop of stops) await stop();
  }
}

/** A payload string of exactly `bytes` ASCII characters (not one repeated character, so nothing can shortcut it). */
function payloadOf(bytes: number): string {
  const pattern = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
  return Buffer.alloc(bytes, pattern).toString('latin1');
}

/** A fresh hub process, a DCC echo and a tool allowed frames of LARGE_FRAME_LIMIT; `use` runs with them. */
async function withLargeHub<T>(use: (call: Call, tool: HubClient) => Promise<T>): Promise<T> {
  let hub: HubProcess | undefined;
  let dcc: EchoProcess | undefined;
  let tool: HubClient | undefined;
  try {
    hub = await startHubProcess({ maxFrameBytes: LARGE_FRAME_LIMIT });
    dcc = await startEchoProcess('dcc', [String(hub.port), hub.token, String(LARGE_FRAME_LIMIT)]);
    const client = tool = await connectTool(hub, { maxFrameBytes: LARGE_FRAME_LIMIT });
    const session = dcc.session!;
    const call: Call = (args) => client.call(session, 'echo', args, { timeout: 60_000 });
    await checkEcho('the hub', call);
    await callMany(call, 500, 1);
    return await use(call, client);
  } finally {
    tool?.close();
    await dcc?.stop();
    await hub?.stop();
  }
}

async function roundTripOf(call: Call, payload: string): Promise<number> {
  const t0 = now();
  const echoed = await call(payload);
  const ms = now() - t0;
  if (echoed !== payload) throw new Error(`the ${formatMiB(payload.length)} payload came back different`);
  return ms;
}

/** The hub's peak RSS over two round trips of one size, in a hub that has done nothing else. */
async function hubPeakRss(payload: string): Promise<{ idle: number; peak: number }> {
  return withLargeHub(async (call, tool) => {
    const idle = Number((await tool.stats()).maxRssBytes);
    await roundTripOf(call, payload);
    await roundTripOf(call, payload);
    return { idle, peak: Number((await tool.stats()).maxRssBytes) };
  });
}

async function largePayloads(): Promise<BenchResult[]> {
  const payloads = LARGE_SIZES.map(payloadOf);
  const results: BenchResult[] = [];
  // Time: one hub, every size once untimed, then the sizes in turn in each run, so load from elsewhere
  // falls on all of them alike.
  const times = await withLargeHub(async (call) => {
    for (const p of payloads) await roundTripOf(call, p);
    const out: number[][] = payloads.map(() => []);
    for (let run = 0; run < RUNS; run++) {
      for (const [i, p] of payloads.entries()) out[i].push(await roundTripOf(call, p));
    }
    return out.map(median);
  });
  for (let i = 1; i < LARGE_SIZES.length; i++) {
    const size = LARGE_SIZES[i];
    const target = size === 64 * MiB ? { max: 4.6 } : undefined;
    results.push(printRatio(`large payload round trip through the hub, ${formatMiB(size)}`, formatMs(times[i]), `${formatMiB(LARGE_SIZES[0])} ${formatMs(times[0])}`, times[i] / times[0], target));
    if (!target) console.log(`  (linear would be ${(size / LARGE_SIZES[0]).toFixed(2)}x)`);
  }
  // Memory: a fresh hub process per size.
  const largest = LARGE_SIZES[LARGE_SIZES.length - 1];
  for (const [i, size] of LARGE_SIZES.entries()) {
    const { idle, peak } = await hubPeakRss(payloads[i]);
    // The absolute peak includes the idle hub (printed below as "idle", ~115 MiB here), so it is held to
    // the target only at the largest size.
    results.push(printRatio(`hub peak RSS, ${formatMiB(size)} round trips`, formatMiB(peak), `payload ${formatMiB(size)}`, peak / size,
      size === largest ? { max: 4 } : undefined, { max: '<' }));
    results.push(printRatio(`hub RSS growth over idle ${formatMiB(idle)}, ${formatMiB(size)} round trips`, formatMiB(peak - idle), `payload ${formatMiB(size)}`, (peak - idle) / size,
      { max: 4 }, { max: '<' }));
  }
  return results;
}

export async function runProtocolBench(): Promise<BenchResult[]> {
  try {
    return [...await roundTrips(), ...await largePayloads()];
  } catch (err) {
    killStartedProcesses();
    throw err;
  }
}

if (import.meta.main) {
  runProtocolBench().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
