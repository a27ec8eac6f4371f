import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { SimScene, createHarmonyGlobals } from '../adapters/harmony/simulator/dom/index.ts';
import type { SimHost } from '../adapters/harmony/simulator/dom/index.ts';

function setup(t: { teardown(fn: () => void): void }, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmony-dom-api-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const scene = SimScene.createDefault(path.join(dir, 'shot'));
  const logs: string[] = [];
  const boxes: string[] = [];
  const host: SimHost = {
    env, version: { major: 24, minor: 1 }, applicationPath: '/opt/tb/harmony',
    log: (l) => logs.push(l), messageBox: (k, text) => boxes.push(`${k}:${text}`), tempDir: path.join(dir, 'tmp'),
  };
  const ctx = vm.createContext({});
  Object.assign(ctx, createHarmonyGlobals(scene, host, { context: ctx }));
  const raw = (code: string): unknown => vm.runInContext(code, ctx);
  const run = (code: string): any => {
    const v = raw(code);
    return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
  };
  return { dir, scene, run, raw, logs, boxes };
}

test('node.add makes names unique with _1, _2 and rejects unknown types and groups', (t) => {
  const { run } = setup(t);
  t.deepEqual(run('[node.add("Top", "Write", "WRITE", 0, 0, 0), node.add("Top", "Write", "WRITE", 0, 0, 0), node.add("Top", "Write_1", "PEG", 0, 0, 0)]'),
    ['Top/Write_1', 'Top/Write_2', 'Top/Write_1_1']);
  t.is(run('node.add("Top", "my node!", "PEG", 0, 0, 0)'), 'Top/my_node_');
  t.is(run('node.add("Top", "x", "NOT_A_TYPE", 0, 0, 0)'), '');
  t.is(run('node.add("Top/Missing", "x", "PEG", 0, 0, 0)'), '');
  t.is(run('node.add("Top/Write", "x", "PEG", 0, 0, 0)'), '', 'a WRITE node is not a group');
  t.is(run('node.add(node.add("Top", "G", "GROUP", 0, 0, 0), "Peg", "PEG", 0, 0, 0)'), 'Top/G/Peg');
  t.deepEqual(run('node.getNodes(["PEG"])'), ['Top/Write_1_1', 'Top/my_node_', 'Top/G/Peg']);
  t.true(run('node.rename("Top/G", "Rig")'));
  t.deepEqual(run('[node.getName("Top/Rig/Peg"), node.getName("Top/G/Peg")]'), ['Peg', '']);
  t.false(run('node.rename("Top/Rig", "Composite")'), 'the name is taken');
});

test('String and StringList parameters are coerced like Qt Script; methods work unbound', (t) => {
  const { run, raw } = setup(t);
  t.deepEqual(run('node.subNodes(["Top"])'), ['Top/Composite', 'Top/Display', 'Top/Write']);
  t.deepEqual(run('node.getNodes([["WRITE"]])'), ['Top/Write']);
  t.deepEqual(run('node.getNodes("DISPLAY")'), ['Top/Display']);
  t.is(run('node.getName(["Top/Display"])'), 'Display');
  t.is(run('node.add({ toString: function () { return "Top"; } }, ["peg"], "PEG", "5", 6.9, 0)'), 'Top/peg');
  t.deepEqual(run('[node.coordX("Top/peg"), node.coordY("Top/peg")]'), [5, 6]);
  t.deepEqual(run('var f = node.subNodes; f("Top")'), ['Top/Composite', 'Top/Display', 'Top/Write', 'Top/peg']);
  t.true(run('var g = scene.saveAll; g()'));
  t.is(run('var a = PaletteObjectManager.getScenePaletteList().createPalette; a("p").getName()'), 'p');
  t.true(run('var d = node.deleteNode; d(["Top/peg"], true, true)'));
  t.true(raw('node.subNodes("Top") instanceof Array') as boolean, 'arrays belong to the script realm');
  t.true(raw('Array.isArray(Backdrop.backdrops("Top"))') as boolean);
  t.throws(() => raw('node.subNodes()'), { message: /too few arguments in call to subNodes\(\)/ });
  t.throws(() => raw('node.link("Top/Composite", 0)'), { message: /too few arguments/ });
});

test('Harmony failure values instead of exceptions', (t) => {
  const { run } = setup(t);
  t.deepEqual(run(`[
    node.getName("Top/Nope"), node.type("Top/Nope"), node.srcNode("Top/Nope", 0), node.linkedColumn("Top/Write", "DRAWING.ELEMENT"),
    node.getTextAttr("Top/Write", 1, "NO_SUCH_ATTR"), column.type("nope"), element.getNameById(99), Drawing.filename(99, "1"),
    node.subNodes("Top/Nope").length, selection.selectedNode(3)
  ]`), ['', '', '', '', '', '', '', '', 0, '']);
  t.deepEqual(run(`[
    node.setEnable("Top/Nope", true), node.link("Top/Nope", 0, "Top/Write", 0), node.unlink("Top/Display", 3),
    node.setTextAttr("Top/Write", "NO_SUCH_ATTR", 1, "x"), node.setTextAttr("Top/Write", "LEADING_ZEROS", 1, "abc"),
    node.setTextAttr("Top/Write", "DRAWING_TYPE", 1, "GIF"), column.add("c", "NOPE"), node.deleteNode("Top/Nope"),
    Drawing.create(42, "1"), scene.setStopFrame(500), scene.setDefaultResolution(0, 10, 41), node.rename("Top/Nope", "x")
  ]`), Array(12).fill(false));
  t.deepEqual(run('[element.add("e", "BW", 12, "GIF", "None"), element.add("e", "SEPIA", 12, "PNG", "None"), node.getElementId("Top/Write")]'), [-1, -1, -1]);
  t.deepEqual(run('[node.srcNodeInfo("Top/Display", 5), node.dstNodeInfo("Top/Write", 0, 0), scene.metadata("none") === undefined]'), [null, null, true]);
  t.is(run('node.getAttr("Top/Write", 1, "NOPE").keyword()'), '');
  t.is(run('PaletteObjectManager.getScenePaletteList().addPalette("/no/such/palette").isValid()'), false);
  t.is(run('PaletteObjectManager.getScenePaletteList().getPaletteById("zzz").id'), '');
});

test('links follow ports: one source per input, same group, no cycles, mayAddInputPort', (t) => {
  const { run } = setup(t);
  run('var a = node.add("Top", "A", "READ", 0, 0, 0); var b = node.add("Top", "B", "READ", 0, 0, 0); var p = node.add("Top", "P", "PEG", 0, 0, 0);');
  t.is(run('node.numberOfInputPorts("Top/Composite")'), 0);
  t.true(run('node.link(a, 0, "Top/Composite", 0)'), 'the 4-argument form appends a port on a composite');
  t.false(run('node.link(b, 0, "Top/Composite", 0)'), 'the port is taken');
  t.false(run('node.link(b, 0, "Top/Composite", 1, false, false)'), 'adding a port is not allowed');
  t.true(run('node.link(b, 0, "Top/Composite", 0, false, true)'), 'mayAddInputPort appends a port');
  t.deepEqual(run('[node.numberOfInputPorts("Top/Composite"), node.srcNode("Top/Composite", 0), node.srcNode("Top/Composite", 1)]'), [2, 'Top/A', 'Top/B']);
  t.false(run('node.link(p, 0, "Top/Write", 0, false, true)'), 'WRITE has one fixed input, already linked');
  t.false(run('node.link("Top/Write", 0, p, 0) && node.link(p, 0, a, 0)'), 'a cycle Write -> P -> A -> Composite -> Write is refused');
  t.false(run('node.link("Top/Display", 0, p, 0)'), 'DISPLAY has no output port');
  t.false(run('node.link("Top/Write", 0, "Top/Write", 0)'));
  run('var g = node.add("Top", "G", "GROUP", 0, 0, 0); var inner = node.add(g, "In", "PEG", 0, 0, 0);');
  t.false(run('node.link(inner, 0, "Top/Composite", 2)'), 'links stay inside one group');
  t.deepEqual(run('node.srcNodeInfo("Top/Composite", 1)'), { node: 'Top/B', port: 0, link: 0 });
  t.deepEqual(run('node.dstNodeInfo("Top/Composite", 0, 1)'), { node: 'Top/Write', port: 0, link: 1 });
  t.true(run('node.unlink("Top/Composite", 0)'));
  t.false(run('node.isLinked("Top/Composite", 0)'));
  // deleting a node in a chain relinks its source to what it fed, as Harmony does
  run('node.unlink("Top/Write", 0); node.unlink(p, 0); node.link("Top/Composite", 0, p, 0); node.link(p, 0, "Top/Write", 0);');
  t.true(run('node.deleteNode(p)'));
  t.is(run('node.srcNode("Top/Write", 0)'), 'Top/Composite');
});

test('attributes: text per frame, linked columns, Attribute objects, dynamic attributes', (t) => {
  const { run } = setup(t);
  run('var peg = node.add("Top", "P", "PEG", 0, 0, 0);');
  t.true(run('node.setTextAttr(peg, "position.x", 1, "4")'), 'attribute names are case-insensitive');
  t.deepEqual(run('[node.getTextAttr(peg, 1, "POSITION.X"), node.getTextAttr(peg, 50, "POSITION.X")]'), ['4', '4'], 'unlinked: one value');
  t.true(run('column.add("px", "BEZIER") && node.linkAttr(peg, "POSITION.X", "px")'));
  t.is(run('node.linkedColumn(peg, "POSITION.X")'), 'px');
  run('node.setTextAttr(peg, "POSITION.X", 1, "0"); node.setTextAttr(peg, "POSITION.X", 5, "8");');
  t.deepEqual(run('[1, 3, 5, 9].map(function (f) { return node.getTextAttr(peg, f, "POSITION.X"); })'), ['0', '4', '8', '8']);
  t.deepEqual(run('[column.isKeyFrame("px", 1, 5), column.isKeyFrame("px", 1, 4), column.getEntry("px", 1, 2)]'), [true, false, '2']);
  t.false(run('node.linkAttr(peg, "POSITION.X", "nope")'));
  t.false(run('column.add("d", "DRAWING") && node.linkAttr(peg, "POSITION.Y", "d")'), 'a number cannot take a drawing column');
  // Attribute objects are bound to the frame they were read at
  t.deepEqual(run('(function (a) { a.setValueAt(20, 9); return [a.keyword(), a.fullKeyword(), a.doubleValue(), a.doubleValueAt(9), a.typeName()]; })(node.getAttr(peg, 3, "POSITION.X"))'),
    ['X', 'POSITION.X', 4, 20, 'DOUBLE']);
  run('node.getAttr("Top/Write", 1, "DRAWING_TYPE").setValue("PNG")');
  t.is(run('node.getTextAttr("Top/Write", 1, "DRAWING_TYPE")'), 'PNG');
  run('var r = node.add("Top", "R", "READ", 0, 0, 0); node.getAttr(r, 1, "READ_TRANSPARENCY").setValue(true); node.getAttr(r, 1, "ALIGNMENT_RULE").setValue("ASIS"); node.getAttr(r, 1, "applyMatteToColor").setValue(2);');
  t.deepEqual(run('["READ_TRANSPARENCY", "ALIGNMENT_RULE", "APPLYMATTETOCOLOR"].map(function (a) { return node.getTextAttr(r, 1, a); })'),
    ['Y', 'ASIS', 'PREMULTIPLIED_WITH_WHITE']);
  t.true(run('node.setTextAttr("Top/Composite", "COMPOSITE_MODE", 1, "Pass Through")'));
  t.true(run('node.createDynamicAttr(r, "STRING", "uuid", "uuid", false)'));
  t.false(run('node.createDynamicAttr(r, "STRING", "UUID", "again", false)'), 'the name exists');
  t.false(run('node.createDynamicAttr(r, "MATRIX", "m", "m", false)'), 'unknown type');
  t.true(run('node.setTextAttr(r, "uuid", 1.0, "1234-abcd")'));
  t.is(run('node.getAttr(r, 1, "uuid").textValue()'), '1234-abcd');
  t.true(run('node.removeDynamicAttr(r, "uuid")'));
  t.false(run('node.removeDynamicAttr(r, "OPACITY")'), 'built-in attributes cannot be removed');
});

test('scene metadata, selection, frames and scene settings', (t) => {
  const { run } = setup(t);
  run('scene.setMetadata({ name: "ayon", type: "string", creator: "AYON", version: "1.0", value: "{\\"a\\":1}" })');
  run('scene.setMetadata({ name: "ayon", value: "{\\"a\\":2}" })');
  t.deepEqual(run('scene.metadata("ayon")'), { name: 'ayon', type: 'string', creator: '', version: '', value: '{"a":2}' });
  t.is(run('scene.metadatas().length'), 1);
  t.is(run('scene.metadata("ayon", "int")'), undefined);
  t.true(run('scene.removeMetadata({ name: "ayon" })'));

  run('selection.addNodesToSelection(["Top/Write", "Top/Display"]); selection.addNodeToSelection("Top/Write");');
  t.deepEqual(run('[selection.selectedNodes(), selection.numberOfNodesSelected(), selection.selectedNode(1)]'),
    [['Top/Write', 'Top/Display'], 2, 'Top/Display']);
  t.false(run('selection.addNodeToSelection("Top/Missing")'));
  run('node.deleteNode("Top/Display")');
  t.deepEqual(run('selection.selectedNodes()'), ['Top/Write'], 'deleted nodes leave the selection');
  run('selection.clearSelection()');
  t.is(run('selection.numberOfNodesSelected()'), 0);

  // frames: Harmony's scene starts at 1; insert/remove shift exposures in every column
  run('var id = element.add("e", "BW", 12, "PNG", "None"); column.add("c", "DRAWING"); column.setElementIdOfDrawing("c", id); Drawing.create(id, "1", false); Drawing.create(id, "2", false); column.setEntry("c", 1, 5, "1"); column.setEntry("c", 1, 10, "2");');
  t.true(run('frame.insert(6, 3)'));
  t.deepEqual(run('[frame.numberOf(), column.getEntry("c", 1, 5), column.getEntry("c", 1, 10), column.getEntry("c", 1, 13), scene.getStopFrame()]'),
    [63, '1', '', '2', 63]);
  t.true(run('frame.remove(3, 3)'), 'removes frames 4-6');
  t.deepEqual(run('[frame.numberOf(), column.getEntry("c", 1, 5), column.getEntry("c", 1, 10)]'), [60, '', '2']);
  t.true(run('frame.remove(50, 10)'));
  t.deepEqual(run('[frame.numberOf(), scene.getStopFrame()]'), [50, 50]);
  t.false(run('frame.remove(0, 50)'), 'a scene keeps at least one frame');
  t.false(run('frame.insert(1, 0)'));
  run('frame.setCurrent(12)');
  t.is(run('frame.current()'), 12);
  t.true(run('scene.setStartFrame(1) && scene.setStopFrame(40)'));
  t.false(run('scene.setStartFrame(41)'));
  t.true(run('scene.setFrameRate(23.976)'));
  t.false(run('scene.setFrameRate(0)'));
  t.is(run('scene.getFrameRate()'), 23.976);
});

test('about, view, System, MessageLog, MessageBox, specialFolders and ColorRGBA', (t) => {
  const { run, logs, boxes, dir } = setup(t, { AYON_HARMONY_PORT: '49200', HOME: '/home/artist' });
  t.deepEqual(run('[about.getMajorVersion(), about.getMinorVersion(), about.getApplicationPath()]'), [24, 1, '/opt/tb/harmony']);
  t.deepEqual(run('[System.getenv("AYON_HARMONY_PORT"), System.getenv("UNSET_VAR")]'), ['49200', '']);
  t.is(run('parseInt(System.getenv(["AYON_HARMONY_PORT"]))'), 49200);
  t.deepEqual(run('[view.type("View0"), view.group("View0"), view.type("View1")]'), ['Node View', 'Top', '']);
  run('MessageLog.trace("hello"); MessageLog.error("bad"); MessageBox.information("hi there"); MessageBox.warning(["w"])');
  t.deepEqual(logs, ['hello', '[error] bad']);
  t.deepEqual(boxes, ['information:hi there', 'warning:w']);
  t.is(run('specialFolders.userScripts'), '/home/artist/Toon Boom Animation/Toon Boom Harmony Premium/2400-scripts');
  t.is(run('specialFolders.resource'), '/opt/tb/harmony/resources');
  t.is(run('specialFolders.temp'), path.join(dir, 'tmp'));
  t.deepEqual(run('(function (c) { return [c.r, c.g, c.b, c.a, c instanceof ColorRGBA]; })(new ColorRGBA(0, 255, 0, 255))'), [0, 255, 0, 255, true]);
  t.true(run('node.setColor("Top/Write", new ColorRGBA(255, 0, 0, 255))'));
  t.false(run('node.setColor("Top/Write", "red")'));
  t.is(run('node.getColor("Top/Write").r'), 255);
});
