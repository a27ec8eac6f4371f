import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { LISTED_OBJECTS, SIMULATOR_DOC, conformanceRows, renderSimulatorDoc } from '../adapters/harmony/simulator/conformance.ts';
import { DOCUMENTED_API, documentedMembers } from '../adapters/harmony/simulator/documented-api.ts';
import { PARTIAL } from '../adapters/harmony/simulator/dom/modelling.ts';
import { startSim, tempDir } from './support/harmony.ts';

test('docs/SIMULATOR.md is what the generator writes from the code now (npm run simulator-doc)', (t) => {
  const expected = renderSimulatorDoc(conformanceRows());
  t.is(fs.readFileSync(SIMULATOR_DOC, 'utf8'), expected, 'docs/SIMULATOR.md is stale: run npm run simulator-doc and commit it');
});

test('every documented member of the listed objects exists in the simulator (full, partial or a recorded stub)', (t) => {
  const rows = conformanceRows();
  for (const object of LISTED_OBJECTS) {
    t.true(documentedMembers(object).length > 0, `${object} is in the documented list`);
    const missing = rows.filter((r) => r.object === object && r.status === 'not simulated').map((r) => r.member);
    t.deepEqual(missing, [], `${object}: not simulated`);
  }
  // The members a pipeline needs are modelled in full.
  const status = new Map(rows.map((r) => [`${r.object}.${r.member}`, r.status]));
  for (const member of [
    'node.add', 'node.link', 'node.unlink', 'node.getAttr', 'node.setTextAttr', 'node.linkAttr', 'node.subNodes', 'node.deleteNode', 'node.setColor',
    'column.add', 'column.setEntry', 'column.getEntry', 'column.setElementIdOfDrawing', 'element.add', 'Drawing.create', 'Drawing.filename',
    'scene.saveAll', 'scene.setDefaultResolution', 'scene.currentResolutionX', 'scene.currentResolutionY', 'scene.setFrameRate', 'frame.insert',
    'copyPaste.copyFromTemplate', 'copyPaste.createTemplateFromSelection', 'copyPaste.pasteTemplateIntoGroup', 'PaletteObjectManager.getScenePaletteList',
    'view.type', 'view.group', 'preferences.getBool',
  ]) t.is(status.get(member), 'full', member);
});

test('every partial note names a documented member the simulator defines', (t) => {
  const rows = new Map(conformanceRows().map((r) => [`${r.object}.${r.member}`, r]));
  for (const key of Object.keys(PARTIAL)) {
    const row = rows.get(key);
    t.truthy(row, `${key} is not documented`);
    t.true(row!.status === 'partial' || row!.status === 'stub', `${key} is ${row!.status}`);
  }
  t.true(Object.keys(DOCUMENTED_API).length > 40);
});

test('a documented member the simulator does not model throws NotSimulated, an undocumented name stays a TypeError, and the log lists them at exit', (t) => {
  const dir = tempDir(t);
  const lines: string[] = [];
  const sim = startSim(t, { HOME: dir, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(dir, 'none') }, { log: (l) => lines.push(l) }, dir);
  sim.open(null);
  const caught = sim.evaluate(`(function () {
    var out = {};
    try { func.addKeyFramePath3d("c", 1, 0, 0, 0, 0, 0, 0); } catch (e) { out.documented = String(e); out.name = e.name; }
    try { func.addKeyFramePath3d("c"); } catch (e) { out.again = String(e); }
    try { node.noSuchMember("Top"); } catch (e) { out.undocumented = String(e); out.undocumentedIsTypeError = e instanceof TypeError || e.name === "TypeError"; }
    try { var d = specialFolders.database; out.property = d; } catch (e) { out.property = String(e); }
    out.stub = view.currentToolManager();
    out.resolution = [scene.currentResolutionX(), scene.currentResolutionY()];
    return out;
  })()`) as Record<string, unknown>;
  t.is(caught.documented, "NotSimulated: func.addKeyFramePath3d is documented in Harmony 24 but not modelled by dcc-kit's simulator");
  t.is(caught.name, 'NotSimulated');
  t.regex(String(caught.undocumented), /^TypeError: node\.noSuchMember is not a function/);
  t.true(caught.undocumentedIsTypeError);
  t.regex(String(caught.property), /^\//, 'specialFolders.database is modelled (a folder of the simulated installation)');
  t.is(caught.stub, null);
  t.deepEqual(caught.resolution, [1920, 1080]);
  sim.evaluate('scene.setDefaultResolution(1280, 720, 41.112)');
  t.deepEqual(sim.evaluate('[scene.currentResolutionX(), scene.currentResolutionY()]'), [1280, 720]);
  sim.close();
  const report = lines.filter((l) => l.startsWith('[simulator] ') && !l.includes('startup script'));
  t.deepEqual(report, [
    '[simulator] func.addKeyFramePath3d was called: documented in Harmony 24, not modelled by the simulator (NotSimulated thrown)',
    '[simulator] view.currentToolManager was called: the simulator only records it (docs/SIMULATOR.md)',
    "[simulator] 1 documented Harmony member(s) the simulator does not model were called (each threw NotSimulated):",
    '[simulator]   func.addKeyFramePath3d x2',
    '[simulator] 1 member(s) the simulator only records were called (nothing modelled):',
    '[simulator]   view.currentToolManager x1',
  ]);
});
