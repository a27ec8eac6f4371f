/**
 * OpenHarmony (github cfourney/OpenHarmony, MPL) run unmodified in the simulator. It is not on npm and its code
 * stays out of this repository, so these tests run when OPENHARMONY_PATH names a checkout and are skipped
 * (saying so) otherwise; test/harmony-sim-bindings.test.ts covers, without it, every binding it relies on.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSim, tempDir } from './support/harmony.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';

const OPENHARMONY = process.env.OPENHARMONY_PATH;
const SCRIPTS = fileURLToPath(new URL('./fixtures/openharmony-scripts/', import.meta.url));
const withOpenHarmony = OPENHARMONY && fs.existsSync(path.join(OPENHARMONY, 'openHarmony.js')) ? test : test.skip;
if (withOpenHarmony === test.skip) {
  console.log('[skipped] OpenHarmony tests: set OPENHARMONY_PATH to a checkout of github.com/cfourney/OpenHarmony (the folder holding openHarmony.js) to run them');
}

function openWithOpenHarmony(t: Parameters<typeof tempDir>[0], gui: boolean) {
  const dir = tempDir(t, 'dcckit-openharmony-');
  const lines: string[] = [];
  const sim = startSim(t, { HOME: dir, TOONBOOM_GLOBAL_SCRIPT_LOCATION: SCRIPTS, LIB_OPENHARMONY_PATH: OPENHARMONY }, { gui, log: (l) => lines.push(l) }, dir);
  sim.open(null);
  return { sim, lines, dir };
}

withOpenHarmony('OpenHarmony loads unmodified from a startup script, and its DOM gives the right answers', (t) => {
  // TB_sceneCreated does not exist in the fixture: open a scene so TB_sceneOpened runs.
  const { sim, lines, dir } = openWithOpenHarmony(t, false);
  const shot = path.join(dir, 'shot');
  SimScene.createDefault(shot, 'shot');
  sim.open(path.join(shot, 'shot.xstage'));
  t.false(lines.some((l) => l.startsWith('[error]')), lines.join('\n'));
  t.true(lines.includes('studio: OpenHarmony loaded'), lines.join('\n'));
  const out = sim.evaluate(fs.readFileSync(path.join(SCRIPTS, 'dom-probe.js'), 'utf8'));
  t.deepEqual(out, {
    root: 'Top', rootIsGroup: true, nodesBefore: ['Top/Composite', 'Top/Display', 'Top/Write'], composite: 'COMPOSITE',
    drawing: { isDrawingNode: true, path: 'Top/Char', element: 'Char', column: 'Char', isColumn: true, drawings: ['1', '3'], exposures: ['1', '', '3'], file: true },
    links: { into: ['CharPeg'], out: ['Composite'], compositeInputs: 1 },
    attributes: { opacity: 50, offsetX: '3', alignment: 'CENTER_FIRST_PAGE' },
    backdrop: { isBackdrop: true, title: 'Rig', body: 'the rig', nodes: ['Char', 'CharPeg'], count: 1 },
    palettes: { name: 'StudioColours', count: 1, names: ['StudioColours'] },
    files: { read: 'hello', exists: true, listed: true, folderExists: true },
    animation: { type: 'BEZIER', keys: [1, 5], at3: '15' },
    timeline: { layers: ['Top/CharPeg', 'Top/Char'], charIndex: 1 },
    group: { path: 'Top/Props', children: ['Multiport-In', 'Multiport-Out', 'Renamed'], renamed: 'Top/Props/Renamed' },
    layout: true,
    nodesAfter: ['Top/Char', 'Top/CharPeg', 'Top/Composite', 'Top/Display', 'Top/Props', 'Top/Props/Multiport-In', 'Top/Props/Multiport-Out', 'Top/Props/Renamed', 'Top/Write'],
    reads: ['Char'],
    scene: { length: 60, resolution: [1920, 1080], framerate: 24 },
  });
  // What the DOM did is in the scene itself, not only in OpenHarmony's view of it.
  t.is(sim.evaluate('node.srcNode("Top/Composite", 0)'), 'Top/Char');
  t.is(sim.evaluate('column.getEntry("Char", 1, 3)'), '3');
  t.true(fs.existsSync(path.join(shot, 'palette-library', 'StudioColours.plt')));
});

withOpenHarmony('OpenHarmony\'s dialogs in batch mode return at once; with the (headless) main window they are answered as cancelled', (t) => {
  const batch = openWithOpenHarmony(t, false);
  batch.sim.evaluate(`include(System.getenv("LIB_OPENHARMONY_PATH") + "/openHarmony.js")`);
  t.deepEqual(batch.sim.evaluate('[$.batchMode, $.confirm("Go?"), $.alert("Done")]'), [true, undefined, undefined]);
  const gui = openWithOpenHarmony(t, true);
  gui.sim.evaluate(`include(System.getenv("LIB_OPENHARMONY_PATH") + "/openHarmony.js")`);
  t.deepEqual(gui.sim.evaluate('[$.batchMode, $.confirm("Publish now?", "Publish")]'), [false, false]);
  t.true(gui.lines.includes('[Dialog] Publish: Publish now? (no user in the simulator: cancelled)'), gui.lines.join('\n'));
});
