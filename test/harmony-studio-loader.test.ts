/**
 * A studio loader written for the real Harmony in AYON's style (test/fixtures/studio-harmony) imports an image
 * sequence in the simulator and makes the node graph Harmony makes: a READ node, its element with one
 * drawing file per image, a drawing column exposing each drawing on its frame, linked into the composite.
 */
import test from 'ava';
import * as acorn from 'acorn';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSim, tempDir } from './support/harmony.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import { encodePng } from '../adapters/harmony/simulator/dom/image.ts';
import type { HarmonySimulator } from '../adapters/harmony/simulator/engine.ts';

const LOADER = fileURLToPath(new URL('./fixtures/studio-harmony/ImageSequenceLoader.js', import.meta.url));
const OPENHARMONY = process.env.OPENHARMONY_PATH;
if (!OPENHARMONY) console.log('[skipped] the loader with OpenHarmony: set OPENHARMONY_PATH to a checkout of github.com/cfourney/OpenHarmony to run it');

function sequence(dir: string, count: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const file = path.join(dir, `plate.${String(1001 + i)}.png`);
    fs.writeFileSync(file, encodePng({ width: 2, height: 1, channels: 3, pixels: Uint8Array.of(i, 0, 0, 0, i, 0) }));
    return file;
  });
}

function load(t: Parameters<typeof tempDir>[0], withOpenHarmony: boolean): { sim: HarmonySimulator; dir: string; files: string[]; read: unknown } {
  const dir = tempDir(t);
  const files = sequence(path.join(dir, 'plates'), 3);
  SimScene.createDefault(path.join(dir, 'shot'), 'shot');
  const sim = startSim(t, { HOME: dir, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(dir, 'no-scripts') }, { gui: false }, dir);
  sim.open(path.join(dir, 'shot', 'shot.xstage'));
  if (withOpenHarmony) sim.evaluate(`include(${JSON.stringify(path.join(OPENHARMONY!, 'openHarmony.js'))})`);
  sim.evaluate(`include(${JSON.stringify(LOADER)})`);
  const read = sim.evaluate(`StudioLoaders.importImageSequence(${JSON.stringify({ files, name: 'plate', startFrame: 1, containerId: 'c-123' })})`);
  return { sim, dir, files, read };
}

/** The graph as data, read back through the DOM a pipeline (or Harmony's own inspector) would use. */
function graph(sim: HarmonySimulator): unknown {
  return sim.evaluate(`(function () {
    var read = "Top/plate";
    var col = node.linkedColumn(read, "DRAWING.ELEMENT");
    var id = column.getElementIdOfDrawing(col);
    var drawings = [];
    for (var i = 0; i < Drawing.numberOf(id); i++) drawings.push(Drawing.name(id, i));
    var exposures = [];
    for (var f = 1; f <= 4; f++) exposures.push(column.getEntry(col, 1, f));
    var c = node.getColor(read);
    return {
      nodes: node.subNodes("Top"), type: node.type(read), column: col, columnType: column.type(col), element: element.getNameById(id), format: element.pixmapFormat(id),
      drawings: drawings, exposures: exposures, composite: node.srcNode("Top/Composite", 0), compositeInputs: node.numberOfInputPorts("Top/Composite"),
      color: [c.r, c.g, c.b, c.a], transparency: node.getTextAttr(read, 1, "READ_TRANSPARENCY"), alignment: node.getTextAttr(read, 1, "ALIGNMENT_RULE"),
      uuid: node.getTextAttr(read, 1, "uuid"), files: drawings.map(function (d) { return Drawing.filename(id, d).split("/").slice(-3).join("/"); })
    };
  })()`);
}

const EXPECTED = {
  nodes: ['Top/Composite', 'Top/Display', 'Top/Write', 'Top/plate'], type: 'READ', column: 'plate', columnType: 'DRAWING', element: 'plate', format: 'PNG',
  drawings: ['1', '2', '3'], exposures: ['1', '2', '3', ''], composite: 'Top/plate', compositeInputs: 1, color: [0, 255, 0, 255],
  transparency: 'Y', alignment: 'ASIS', uuid: 'c-123', files: ['elements/plate/plate-1.png', 'elements/plate/plate-2.png', 'elements/plate/plate-3.png'],
};

test('the loader fixture is ES5, as Harmony runs it', (t) => {
  t.notThrows(() => acorn.parse(fs.readFileSync(LOADER, 'utf8'), { ecmaVersion: 5, sourceType: 'script' }));
});

test('an AYON-style studio loader imports an image sequence with the node graph Harmony makes', (t) => {
  const { sim, dir, files, read } = load(t, false);
  t.is(read, 'Top/plate');
  t.deepEqual(graph(sim), EXPECTED);
  for (let i = 0; i < files.length; i++) {
    t.deepEqual(fs.readFileSync(path.join(dir, 'shot', 'elements', 'plate', `plate-${i + 1}.png`)), fs.readFileSync(files[i]!), `drawing ${i + 1} is the plate`);
  }
  // Saved and reopened, the graph is the same.
  t.true(sim.evaluate('scene.saveAll()') as boolean);
  sim.open(path.join(dir, 'shot', 'shot.xstage'));
  t.deepEqual(graph(sim), EXPECTED);
});

(OPENHARMONY ? test : test.skip)('with OpenHarmony loaded, the same loader places the layer above its composite with $ (needs OPENHARMONY_PATH)', (t) => {
  const { sim } = load(t, true);
  t.deepEqual(graph(sim), EXPECTED);
  const [x, y, cy] = sim.evaluate('[node.coordX("Top/plate"), node.coordY("Top/plate"), node.coordY("Top/Composite")]') as number[];
  t.true(y! < cy!, `the layer (y ${y}) is above the composite (y ${cy})`);
  t.is(typeof x, 'number');
});
