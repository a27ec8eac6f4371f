/**
 * Loading and the scene inventory on the Harmony simulator (in-process hub, the real startup scripts):
 * round trips (frames the hub sends the session) and times, each printed beside its anchor: one bare call's
 * round trip measured in the same run, and AYON's (ls() = 4 round trips, an update a read-modify-write of
 * the scene data per container; every AYON round trip >= 100 ms, its reply polling period).
 *   - sequence detection of 10,000 file names (beside sorting them);
 *   - loading a 1,000-frame sequence into a 1,000-frame scene (target 1 round trip, < 1 s), beside the bare copy
 *     of its files, and the load's verified copy of them (sha256 checked while copying; target <= 1.2x the bare copy):
 *     three interleaved rounds of the three, every round printed, medians compared;
 *   - the inventory of 200 containers (1 round trip, < 50 ms);
 *   - updating 50 containers (< 2 s), removing 50 (2 round trips).
 *
 *   npx node bench/run.ts load
 */
import fs from 'node:fs';
import path from 'node:path';
import { detectSequences } from '../kit/media/sequence.ts';
import { filesForLoad } from '../kit/store/index.ts';
import type { UpdateResult } from '../adapters/harmony/load/service.ts';
import { measureTrips } from './support/harmony-trips.ts';
import { pipelineRig, type PipelineRig } from '../test/support/pipeline.ts';
import { frames, publishFiles } from '../test/support/products.ts';

interface Figure { label: string; ratio: number; met?: boolean }

const AYON_TRIP_MS = 100;
/** Rounds of the 1,000-frame load and its copies (medians compared). */
const ROUNDS = 3;

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}


function line(label: string, ours: string, anchor: string, ok: boolean, target: string): void {
  console.log(`${label}: ${ours} vs ${anchor} (target ${target}${ok ? '' : ', MISSED'})`);
}

export async function runLoadBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const teardowns: (() => unknown)[] = [];
  try {
    const names = Array.from({ length: 10_000 }, (_, i) => `/plates/sh010/plate.${String(10_000 - i).padStart(5, '0')}.png`);
    const sortStart = performance.now();
    [...names].sort();
    const sortMs = performance.now() - sortStart;
    const detectStart = performance.now();
    const detected = detectSequences(names);
    const detectMs = performance.now() - detectStart;
    console.log(`sequence detection of 10,000 names: ${detectMs.toFixed(1)} ms (${detected.sequences.length} sequence) vs sorting them ${sortMs.toFixed(1)} ms`);

    const rig = await pipelineRig({ teardown: (fn) => teardowns.push(fn) }, {
      shotContext: '  folder: shots/sh010\n  task: anim\n',
      prepare(scene) { Object.assign(scene.state.settings, { frames: 1000, startFrame: 1, stopFrame: 1000 }); },
    });
    const session = (await rig.client.sessions())[0]!.id;
    const rtts: number[] = [];
    for (let i = 0; i < 30; i++) rtts.push((await measureTrips(rig, () => rig.client.call(session, '(function (a) { return a; })', i))).ms);
    rtts.sort((a, b) => a - b);
    const rtt = rtts[15]!;
    const ayonTrip = Math.max(AYON_TRIP_MS, rtt);
    console.log(`one bare call round trip through the hub to the simulator: ${rtt.toFixed(2)} ms (median of 30); AYON's: >= ${AYON_TRIP_MS} ms`);

    await publishFiles(rig.store, rig.dir, 'shots/sh010', 'plateLong', 'plate', { name: 'png', ext: 'png' }, frames('plateLong', 1001, 2000));
    const version = (await rig.store.latest('shots/sh010', 'plateLong'))!;
    // Rounds of: the load (a new element of 1,000 drawings each time), the bare copy of the same files (what Harmony
    // cannot avoid: every frame into the element's folder, as AYON's loader does too), and the load's own share of
    // it: each file copied once while its sha256 is checked against the manifest (kit/store). Interleaved, so a
    // busy machine weighs on the three alike; every round is printed, the medians are compared.
    const loads: { ms: number; trips: number; id: string }[] = [];
    const copies: number[] = [];
    const verifies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const load = await measureTrips(rig, () => rig.tool<{ id: string }>('load.run', { product: 'plateLong', again: round > 0 }));
      loads.push({ ms: load.ms, trips: load.trips, id: load.value.id });
      const copyDir = fs.mkdtempSync(path.join(rig.dir, 'copy-'));
      const copyStart = performance.now();
      for (const f of fs.readdirSync(version.path)) if (f.endsWith('.png')) fs.copyFileSync(path.join(version.path, f), path.join(copyDir, f));
      copies.push(performance.now() - copyStart);
      const verifyDir = fs.mkdtempSync(path.join(rig.dir, 'verify-'));
      const verifyStart = performance.now();
      await filesForLoad(version, version.manifest!.representations[0]!, { copyTo: verifyDir });
      verifies.push(performance.now() - verifyStart);
    }
    const exposed = await rig.client.call(session, '(function (a) { var c = node.linkedColumn(a, "DRAWING.ELEMENT"); return column.getEntry(c, 1, 1000); })', 'Top/plateLong');
    await rig.tool('inventory.remove', { ids: loads.slice(1).map((l) => l.id) });
    const loadMs = median(loads.map((l) => l.ms));
    const copyMs = median(copies);
    const verifyMs = median(verifies);
    const rounds = (list: number[]) => list.map((v) => v.toFixed(0)).join(', ');
    const trips = Math.max(...loads.map((l) => l.trips));
    const okLoad = trips === 1 && loadMs < 1000 && exposed === '2000';
    line('load a 1,000-frame sequence (1,000 drawings exposed)', `${trips} round trip, ${loadMs.toFixed(0)} ms median of ${ROUNDS} (${rounds(loads.map((l) => l.ms))}; ${(loadMs / copyMs).toFixed(2)}x the bare copy)`,
      `one bare round trip ${rtt.toFixed(2)} ms; copying the 1,000 files alone ${copyMs.toFixed(0)} ms median (${rounds(copies)})`, okLoad, '1 round trip, < 1000 ms');
    figures.push({ label: 'load 1,000 frames / 1 s', ratio: loadMs / 1000, met: okLoad });
    const okVerify = verifyMs <= 1.2 * copyMs;
    line('the load\'s copy of the 1,000 files with their sha256 checked (store workers)', `${verifyMs.toFixed(0)} ms median (${rounds(verifies)})`,
      `the bare copy of the same files ${copyMs.toFixed(0)} ms median (${(verifyMs / copyMs).toFixed(2)}x; by round ${verifies.map((v, i) => (v / copies[i]!).toFixed(2)).join(', ')})`, okVerify, '<= 1.2x the bare copy');
    figures.push({ label: 'verified copy / bare copy', ratio: verifyMs / copyMs / 1.2, met: okVerify });

    // 200 containers: 10 one-frame products, loaded 20 times each (with the long plate: 200).
    for (let p = 0; p < 10; p++) await publishFiles(rig.store, rig.dir, 'shots/sh010', `el${p}`, 'image', { name: 'png', ext: 'png' }, frames(`el${p}`, 1, 1));
    for (let i = 0; i < 199; i++) await rig.tool('load.run', { product: `el${i % 10}`, again: true });
    await rig.tool('inventory.list');
    const list = await measureTrips(rig, () => rig.tool<{ id: string; productName: string }[]>('inventory.list'));
    const okList = list.trips === 1 && list.ms < 50 && list.value.length === 200;
    line(`inventory of ${list.value.length} containers`, `${list.trips} round trip, ${list.ms.toFixed(1)} ms`,
      `AYON ls(): 4 round trips, >= ${(4 * ayonTrip).toFixed(0)} ms`, okList, '1 round trip, < 50 ms');
    figures.push({ label: 'inventory of 200 / 50 ms', ratio: list.ms / 50, met: okList });

    for (let p = 0; p < 10; p++) await publishFiles(rig.store, rig.dir, 'shots/sh010', `el${p}`, 'image', { name: 'png', ext: 'png' }, frames(`el${p}`, 1, 1, 'v2'));
    const ids = list.value.filter((i) => i.productName.startsWith('el')).slice(0, 50).map((i) => i.id);
    const update = await measureTrips(rig, () => rig.tool<UpdateResult>('inventory.update', { ids }));
    const okUpdate = update.value.updated.length === 50 && update.ms < 2000;
    line('update 50 containers', `${update.trips} round trips, ${update.ms.toFixed(0)} ms`,
      `AYON: a scene-data read and write per container, >= ${((50 * 2 * ayonTrip) / 1000).toFixed(0)} s`, okUpdate, '< 2000 ms');
    figures.push({ label: 'update 50 / 2 s', ratio: update.ms / 2000, met: okUpdate });

    const remove = await measureTrips(rig, () => rig.tool<{ removed: string[] }>('inventory.remove', { ids }));
    const okRemove = remove.trips === 2 && remove.value.removed.length === 50;
    line('remove 50 containers', `${remove.trips} round trips, ${remove.ms.toFixed(0)} ms`,
      `AYON: a scene-data read and write per container, >= ${((50 * 2 * ayonTrip) / 1000).toFixed(0)} s`, okRemove, '2 round trips');
    figures.push({ label: 'remove 50 round trips / 2', ratio: remove.trips / 2, met: okRemove });
  } finally {
    for (const fn of teardowns.reverse()) await fn();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) await runLoadBench();
