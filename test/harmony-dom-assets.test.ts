import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { SimScene, createHarmonyGlobals } from '../adapters/harmony/simulator/dom/index.ts';
import type { SimHost } from '../adapters/harmony/simulator/dom/index.ts';

function setup(t: { teardown(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmony-dom-assets-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const scene = SimScene.createDefault(path.join(dir, 'shot'));
  const host: SimHost = {
    env: {}, version: { major: 22, minor: 0 }, applicationPath: '/opt/harmony',
    log: () => {}, messageBox: () => {}, tempDir: path.join(dir, 'tmp'),
  };
  const engine = (s: SimScene) => {
    const ctx = vm.createContext({});
    Object.assign(ctx, createHarmonyGlobals(s, host, { context: ctx }));
    return (code: string): any => {
      const v = vm.runInContext(code, ctx);
      return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
    };
  };
  return { dir, scene, run: engine(scene), engine };
}

const PNG_1PX = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e1f4e70000000049454e44ae426082', 'hex');

test('columns and drawings are real files under elements/<ELEMENT>/ (AYON image loader flow)', (t) => {
  const { dir, scene, run } = setup(t);
  const src = path.join(dir, 'plate.0001.png');
  fs.writeFileSync(src, PNG_1PX);
  const out = run(`(function () {
    var name = "plate";
    var id = element.add(name, "BW", scene.numberOfUnitsZ(), "PNG", null);
    var col = name; for (var i = 1; column.type(col) !== ""; i++) col = name + "_" + i;
    column.add(col, "DRAWING");
    column.setElementIdOfDrawing(col, id);
    var read = node.add("Top", name, "READ", 0, 0, 0);
    node.linkAttr(read, "DRAWING.ELEMENT", col);
    Drawing.create(id, 1, true);
    var dst = Drawing.filename(id, "1");
    var ok = new PermanentFile(${JSON.stringify(src)}).copy(new PermanentFile(dst));
    for (var f = 1; f <= frame.numberOf(); f++) column.setEntry(col, 1, f, "1");
    Drawing.create(id, "2", false);
    return { id: id, col: col, dst: dst, ok: ok, timings: column.getDrawingTimings(col), elementId: node.getElementId(read),
             exp60: node.getTextAttr(read, 60, "DRAWING.ELEMENT"), exists: Drawing.isExists(id, "2") };
  })()`);
  t.is(out.id, 1);
  t.true(out.ok);
  t.is(out.dst, path.join(scene.projectDir, 'elements', 'plate', 'plate-1.png').split(path.sep).join('/'));
  t.deepEqual(fs.readFileSync(out.dst), PNG_1PX);
  t.deepEqual(out.timings, ['1', '2']);
  t.is(out.elementId, 1);
  t.is(out.exp60, '1');
  t.true(out.exists);
  // Drawing.create(..., false) writes an empty drawing in the element's format
  t.deepEqual(fs.readFileSync(path.join(scene.projectDir, 'elements', 'plate', 'plate-2.png')).subarray(0, 8), PNG_1PX.subarray(0, 8));
  // a TVG element stores .tvg files; a second element of the same name gets its own folder
  t.deepEqual(run('(function () { var a = element.add("plate", "COLOR", 12, "SCAN", "TVG"); Drawing.create(a, "1"); return [element.folder(a), Drawing.filename(a, "1").split("/").pop()]; })()'),
    ['plate.2', 'plate-1.tvg']);
  t.false(run('Drawing.create(1, "1")'), 'the drawing exists');
  t.false(run('column.add("plate", "SOUND")'), 'column names are unique');
  // deleteDrawingAt removes the drawing and its exposures; the file goes at the next save
  t.true(run('column.deleteDrawingAt("plate", 5)'));
  t.deepEqual(run('[column.getDrawingTimings("plate"), column.getEntry("plate", 1, 5)]'), [['2'], '']);
  t.true(fs.existsSync(path.join(scene.projectDir, 'elements', 'plate', 'plate-1.png')));
  t.true(run('scene.saveAll()'));
  t.false(fs.existsSync(path.join(scene.projectDir, 'elements', 'plate', 'plate-1.png')));
  t.true(fs.existsSync(path.join(scene.projectDir, 'elements', 'plate', 'plate-2.png')));
  // deleteNode(path, true, true) removes the column and the element (its folder at save)
  t.true(run('node.deleteNode(["Top/plate"], true, true)'));
  t.deepEqual(run('[column.type("plate"), element.numberOf()]'), ['', 1]);
  run('scene.saveAll()');
  t.false(fs.existsSync(path.join(scene.projectDir, 'elements', 'plate')));
});

test('sound columns import the file into audio/ and the soundtrack path points at a real file', (t) => {
  const { dir, scene, run } = setup(t);
  const wav = path.join(dir, 'dialog.wav');
  fs.writeFileSync(wav, Buffer.from('RIFF....WAVEfmt '));
  t.true(run(`column.add("audio", "SOUND") && column.importSound("audio", 1, ${JSON.stringify(wav)})`));
  t.false(run(`column.importSound("audio", 1, ${JSON.stringify(path.join(dir, 'missing.wav'))})`));
  t.false(run(`column.importSound("audio", 1, ${JSON.stringify(path.join(dir, 'x.txt'))})`));
  t.deepEqual(run('column.getColumnListOfType("SOUND")'), ['audio']);
  t.true(fs.existsSync(path.join(scene.projectDir, 'audio', 'dialog.wav')));
  const track = run('sound.getSoundtrackAll().path()');
  t.deepEqual(fs.readFileSync(track), fs.readFileSync(wav));
});

test('backdrops are identified by value; nodes() uses the rectangle on node coordinates', (t) => {
  const { run } = setup(t);
  run('node.add("Top", "inside", "PEG", 50, 50, 0); node.add("Top", "outside", "PEG", 500, 50, 0);');
  const bd = run('Backdrop.addBackdrop("Top", { position: { x: 0, y: 0, w: 300, h: 300 }, title: { text: "tpl", size: 14, font: "Arial" } })');
  t.deepEqual(bd.position, { x: 0, y: 0, w: 300, h: 300 });
  t.is(bd.title.text, 'tpl');
  t.is(typeof bd.color, 'number', 'defaults are filled in');
  run('Backdrop.addBackdrop("Top", { position: { x: 400, y: 0, w: 300, h: 300 }, title: { text: "other" } })');
  // a fresh object with the same values finds the same backdrop
  t.deepEqual(run('Backdrop.nodes({ position: { x: 0, y: 0, w: 300, h: 300 }, title: { text: "tpl", size: 14, font: "Arial" } })'),
    ['Top/Composite', 'Top/Write', 'Top/inside']);
  t.deepEqual(run('Backdrop.nodes(Backdrop.backdrops("Top")[1])'), ['Top/outside']);
  t.is(run('Backdrop.backdrops("Top")[1].group'), 'Top', 'returned backdrops name their group');
  // the same rectangle in another group is a different backdrop; its group decides which nodes it holds
  run('var g = node.add("Top", "G", "GROUP", 0, 0, 0); node.add(g, "deep", "PEG", 450, 20, 0); Backdrop.setBackdrops(g, [Backdrop.backdrops("Top")[1]]);');
  t.deepEqual(run('Backdrop.nodes(Backdrop.backdrops("Top/G")[0])'), ['Top/G/deep']);
  t.true(run('Backdrop.removeBackdrop(Backdrop.backdrops("Top/G")[0])'));
  t.is(run('Backdrop.backdrops("Top").length'), 2, 'the equal backdrop in Top stays');
  t.true(run('Backdrop.contains(Backdrop.backdrops("Top")[0], ["Top/inside"])'));
  t.false(run('Backdrop.contains(Backdrop.backdrops("Top")[0], "Top/outside")'));
  t.false(run('Backdrop.removeBackdrop({ position: { x: 0, y: 0, w: 300, h: 300 }, title: { text: "different" } })'));
  t.true(run('selection.addBackdropToSelection(Backdrop.backdrops("Top")[1])'));
  t.deepEqual(run('selection.selectedBackdrops().map(function (b) { return b.title.text; })'), ['other']);
  t.true(run('Backdrop.removeBackdrop(Backdrop.backdrops("Top")[0])'));
  t.deepEqual(run('Backdrop.backdrops("Top").map(function (b) { return b.title.text; })'), ['other']);
  // setBackdrops replaces all of them (AYON renames this way)
  t.true(run('var all = Backdrop.backdrops("Top"); all[0].title.text = "renamed"; Backdrop.setBackdrops("Top", all)'));
  t.deepEqual(run('Backdrop.backdrops("Top").map(function (b) { return b.title.text; })'), ['renamed']);
  t.true(run('Backdrop.removeBackdrop("Top", 0)'));
  t.is(run('Backdrop.backdrops("Top").length'), 0);
  t.is(run('Backdrop.addBackdrop("Top/Nope", {})'), undefined);
});

test('palettes: add, create, move, remove; locations; colours read from the .plt', (t) => {
  const { dir, scene, run } = setup(t);
  const ext = path.join(dir, 'lib', 'chars.plt');
  fs.mkdirSync(path.dirname(ext));
  fs.writeFileSync(ext, 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0a0b0c0d0e0f0001   0   0   0 255\nSolid    "Skin Tone"    0x0a0b0c0d0e0f0002   250 200 180 255\n');
  run(`var pl = PaletteObjectManager.getScenePaletteList(); var ext = pl.addPalette(${JSON.stringify(ext.slice(0, -4))}); var loc = pl.createPalette("local");`);
  t.is(run('pl.numPalettes'), 2);
  t.deepEqual(run('[ext.getName(), ext.getPath(), ext.nColors, ext.getColorByIndex(1).name, ext.getColorById("0x0a0b0c0d0e0f0002").colorData]'),
    ['chars', path.dirname(ext).split(path.sep).join('/'), 2, 'Skin Tone', { r: 250, g: 200, b: 180, a: 255 }]);
  const L = run('PaletteObjectManager.Constants.Location');
  t.deepEqual(run('[ext.location, loc.location]'), [L.EXTERNAL, L.SCENE]);
  t.true(fs.existsSync(path.join(scene.projectDir, 'palette-library', 'local.plt')));
  t.is(run(`pl.addPalette(${JSON.stringify(ext.slice(0, -4))}).id`), run('ext.id'), 'adding the same palette again returns it');
  t.true(run('pl.movePaletteUp(loc.id)'));
  t.false(run('pl.movePaletteUp(loc.id)'), 'already first');
  t.deepEqual(run('[pl.getPaletteByIndex(0).getName(), pl.getPaletteByIndex(1).getName(), pl.getPaletteById(ext.id).getName()]'), ['local', 'chars', 'chars']);
  t.true(run('pl.removePaletteById(ext.id)'));
  t.false(run('pl.removePaletteById(ext.id)'));
  t.is(run('pl.numPalettes'), 1);
  run('scene.saveAll()');
  t.regex(fs.readFileSync(path.join(scene.projectDir, 'PALETTE_LIST'), 'utf8'), /^ToonBoomAnimationInc PaletteList 1\npalette-library\/local\n$/);
});

test('copyPaste: a template made from the selection pastes back with unique names, columns and drawings', (t) => {
  const { dir, scene, run } = setup(t);
  run(`var id = element.add("char", "COLOR", 12, "PNG", "None"); column.add("char", "DRAWING"); column.setElementIdOfDrawing("char", id);
       var r = node.add("Top", "char", "READ", 10, 10, 0); node.linkAttr(r, "DRAWING.ELEMENT", "char"); Drawing.create(id, "1", false);
       column.setEntry("char", 1, 1, "1"); column.setEntry("char", 1, 2, "1");
       var p = node.add("Top", "char-P", "PEG", 10, -50, 0); node.link(p, 0, r, 0);
       var bd = Backdrop.addBackdrop("Top", { position: { x: 5, y: -100, w: 100, h: 200 }, title: { text: "charTpl" } });`);
  t.is(run(`copyPaste.createTemplateFromSelection("empty", ${JSON.stringify(path.join(dir, 'out'))})`), '', 'nothing selected');
  run('selection.clearSelection(); selection.addBackdropToSelection(bd); selection.addNodesToSelection(Backdrop.nodes(bd));');
  const tpl = run(`copyPaste.createTemplateFromSelection("charTpl.tpl", ${JSON.stringify(path.join(dir, 'out'))})`);
  t.is(tpl, path.join(dir, 'out', 'charTpl.tpl').split(path.sep).join('/'));
  t.true(fs.existsSync(path.join(tpl, 'scene.xstage')));
  t.true(fs.existsSync(path.join(tpl, 'elements', 'char', 'char-1.png')));

  run(`var opts = copyPaste.getCurrentPasteOptions(); opts.extendScene = true;
       var drag = copyPaste.copyFromTemplate(${JSON.stringify(tpl)}, 0, 999, copyPaste.getCurrentCreateOptions());`);
  t.true(run('copyPaste.pasteNewNodes(drag, "Top", opts)'));
  t.deepEqual(run('selection.selectedNodes()'), ['Top/char_1', 'Top/char-P_1']);
  t.deepEqual(run('selection.selectedBackdrops().map(function (b) { return b.title.text; })'), ['charTpl']);
  t.deepEqual(run('[node.srcNode("Top/char_1", 0), node.linkedColumn("Top/char_1", "DRAWING.ELEMENT"), node.getTextAttr("Top/char_1", 2, "DRAWING.ELEMENT")]'),
    ['Top/char-P_1', 'char_1', '1']);
  const pastedFile = run('Drawing.filename(node.getElementId("Top/char_1"), "1")');
  t.is(pastedFile, path.join(scene.projectDir, 'elements', 'char.2', 'char-1.png').split(path.sep).join('/'));
  t.true(fs.existsSync(pastedFile));
  t.true(run(`copyPaste.pasteTemplateIntoGroup(${JSON.stringify(tpl)}, "Top", 10)`));
  t.deepEqual(run('[node.getTextAttr("Top/char_2", 10, "DRAWING.ELEMENT"), node.getTextAttr("Top/char_2", 11, "DRAWING.ELEMENT"), node.getTextAttr("Top/char_2", 1, "DRAWING.ELEMENT")]'),
    ['1', '1', '']);
  t.is(run(`copyPaste.copyFromTemplate(${JSON.stringify(path.join(dir, 'nope.tpl'))}, 0, 0, null)`), null);
  t.false(run(`copyPaste.pasteTemplateIntoGroup(${JSON.stringify(path.join(dir, 'nope.tpl'))}, "Top", 1)`));
});

test('exporter.exportToQuicktime writes a placeholder .mov; a missing display node fails', (t) => {
  const { dir, run } = setup(t);
  const mov = path.join(dir, 'review', 'sh010.mov');
  t.true(run(`exporter.exportToQuicktime("openH264", -1, -1, true, -1, -1, ${JSON.stringify(mov)}, "Display", false, 0)`));
  const bytes = fs.readFileSync(mov);
  t.is(bytes.subarray(4, 8).toString('ascii'), 'ftyp');
  t.regex(bytes.toString('utf8'), /"firstFrame":1,"lastFrame":60/);
  t.false(run(`exporter.exportToQuicktime("openH264", -1, -1, true, -1, -1, ${JSON.stringify(mov)}, "NoDisplay", false, 0)`));
  t.false(run(`exporter.exportToQuicktime("openH264", 10, 5, true, -1, -1, ${JSON.stringify(mov)}, "Display", false, 0)`));
});
