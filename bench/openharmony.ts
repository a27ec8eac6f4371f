/**
 * OpenHarmony in the simulator (issue 22):
 *  - include("openHarmony.js") in a fresh simulated scene engine (target < 500 ms), beside a baseline in the
 *    same run: node:vm running the same source files with no-op globals (every Harmony/Qt name answers
 *    with a do-nothing object), so the ratio is what the simulator's modelled globals add;
 *  - a DOM call from a script (node.getName in a loop) in the simulator, against the same loop calling a
 *    plain function in a vm: the per-call overhead of the simulator's native wrapper.
 * Skipped, saying so, when OPENHARMONY_PATH does not name a checkout of OpenHarmony (it is not on npm).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { HarmonySimulator } from '../adapters/harmony/simulator/engine.ts';
import { median, printRatio, formatMs, type BenchResult } from './support/measure.ts';

const RUNS = 7;

/** A function object that answers every access, call and construction with itself. */
function noOp(): unknown {
  const target = function () { /* no-op */ };
  const proxy: unknown = new Proxy(target, {
    get: (t, key) => (key === Symbol.toPrimitive ? () => '' : key === 'prototype' ? t.prototype : proxy),
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

function baselineInclude(entry: string): number {
  const context = vm.createContext({});
  const ctx = context as Record<string, unknown>;
  const include = (file: unknown): void => {
    const f = String(file).replace(/\/\//g, '/');
    if (!fs.existsSync(f)) return;
    const outer = ctx.__file__;
    ctx.__file__ = f;
    try { vm.runInContext(fs.readFileSync(f, 'utf8'), context, { filename: f }); } finally { ctx.__file__ = outer; }
  };
  // OpenHarmony lists its module files with QDir: the baseline's QDir lists them too, everything else is a no-op.
  class QDir {
    private names: string[] = [];
    private readonly dir: string;
    constructor(dir: string) { this.dir = dir; }
    setNameFilters(n: string[]): void { this.names = n; }
    setFilter(): void {}
    entryList(): string[] {
      const re = new RegExp(`^${this.names[0]!.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
      return fs.readdirSync(this.dir).filter((f) => re.test(f)).sort();
    }
  }
  const globalsNames = ['node', 'column', 'scene', 'frame', 'selection', 'element', 'Drawing', 'PaletteObjectManager', 'about', 'preferences', 'specialFolders', 'MessageLog', 'System',
    'QApplication', 'QCoreApplication', 'QWidget', 'QDialog', 'QLabel', 'QPushButton', 'QMainWindow', 'QTimer', 'QProcess', 'QFileInfo', 'QTextStream', 'QFile', 'File', 'Dir', 'FileAccess',
    'Matrix4x4', 'Point2d', 'Point3d', 'Vector2d', 'Vector3d', 'ColorRGBA', 'fileMapper', 'view', 'Action', 'Timeline', 'copyPaste', 'exporter', 'render', 'Backdrop', 'DrawingTools',
    'MessageBox', 'Dialog', 'Label', 'QMessageBox', 'QVBoxLayout', 'QHBoxLayout', 'func', 'sound', 'PaletteManager', 'QCursor', 'Input', 'FileDialog', 'QFileDialog'];
  for (const name of globalsNames) ctx[name] = noOp();
  Object.assign(ctx, { QDir: Object.assign(QDir, { Files: 2, Dirs: 1, NoDotAndDotDot: 0x6000, Filters: (x: number) => x }), include, print: () => {} });
  const t0 = performance.now();
  include(entry);
  return performance.now() - t0;
}

function simulatorInclude(sim: HarmonySimulator, entry: string): number {
  sim.open(null); // a fresh script engine, as every scene has
  const t0 = performance.now();
  sim.evaluate(`include(${JSON.stringify(entry)})`);
  const ms = performance.now() - t0;
  if (sim.evaluate('typeof $.scn.root') !== 'object') throw new Error('OpenHarmony did not load in the simulator');
  return ms;
}

function callLoop(sim: HarmonySimulator, calls: number): { simulated: number; plain: number } {
  const loop = (fn: string) => `(function () { var t0 = Date.now(); for (var i = 0; i < ${calls}; i++) ${fn}("Top/Composite"); return Date.now() - t0; })()`;
  sim.evaluate('var plainGetName = function (p) { return p; };');
  const simulated = median(Array.from({ length: RUNS }, () => Number(sim.evaluate(loop('node.getName')))));
  const plain = median(Array.from({ length: RUNS }, () => Number(sim.evaluate(loop('plainGetName')))));
  return { simulated, plain };
}

export async function runOpenharmonyBench(): Promise<BenchResult[]> {
  const root = process.env.OPENHARMONY_PATH;
  const entry = root === undefined ? '' : path.join(root, 'openHarmony.js');
  const results: BenchResult[] = [];
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dcc-kit-bench-oh-'));
  const sim = new HarmonySimulator({ env: { HOME: home, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(home, 'none') }, gui: false, log: () => {} });
  try {
    if (root === undefined || !fs.existsSync(entry)) {
      console.log('include of OpenHarmony: skipped (set OPENHARMONY_PATH to a checkout of github.com/cfourney/OpenHarmony to measure it)');
    } else {
      const cold = { simulated: simulatorInclude(sim, entry), baseline: baselineInclude(entry) };
      const coldMet = cold.simulated < 500;
      console.log(`include of OpenHarmony, first in this process (cold: files read, code compiled): simulator ${formatMs(cold.simulated)} vs node:vm with no-op globals ${formatMs(cold.baseline)} = ${(cold.simulated / cold.baseline).toFixed(2)}x (target < 500 ms)${coldMet ? '' : '  MISSED'}`);
      results.push({ label: 'include of OpenHarmony, cold', ratio: cold.simulated / 500, target: { max: 1 }, met: coldMet });
      const simulated: number[] = [];
      const baseline: number[] = [];
      for (let i = 0; i < RUNS; i++) { simulated.push(simulatorInclude(sim, entry)); baseline.push(baselineInclude(entry)); }
      const s = median(simulated);
      const b = median(baseline);
      const met = s < 500;
      console.log(`include of OpenHarmony in each new scene engine after that, median of ${RUNS}: simulator ${formatMs(s)} vs node:vm with no-op globals ${formatMs(b)} = ${(s / b).toFixed(2)}x (target < 500 ms)${met ? '' : '  MISSED'}`);
      results.push({ label: 'include of OpenHarmony', ratio: s / 500, target: { max: 1 }, met });
    }
    sim.open(null);
    const calls = 200_000;
    const { simulated, plain } = callLoop(sim, calls);
    results.push(printRatio(`DOM call from a script (node.getName x ${calls / 1000}k), median of ${RUNS}`, `simulator ${formatMs(simulated)}`, `a plain script function ${formatMs(plain)}`, simulated / Math.max(plain, 1)));
  } finally {
    sim.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runOpenharmonyBench();
  process.exitCode = results.some((r) => r.met === false) ? 1 : 0;
}
