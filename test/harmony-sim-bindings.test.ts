/**
 * The bindings and behaviours OpenHarmony (and other libraries written for Harmony) rely on, tested on their
 * own so CI proves them without OpenHarmony: Qt's QDir/QFile/QFileInfo/QTextStream/QProcess, System,
 * MessageLog, preferences (with the installation's prefs.xml), view, Action, fileMapper, specialFolders,
 * about, the attribute tree, drawing keys and palette locations.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { startSim, tempDir } from './support/harmony.ts';
import type { HarmonySimulator } from '../adapters/harmony/simulator/engine.ts';

function sim(t: Parameters<typeof tempDir>[0]): { s: HarmonySimulator; dir: string; lines: string[] } {
  const dir = tempDir(t);
  const lines: string[] = [];
  const s = startSim(t, { HOME: dir, TOONBOOM_GLOBAL_SCRIPT_LOCATION: path.join(dir, 'none'), STUDIO: 'acme' }, { log: (l) => lines.push(l), gui: false }, dir);
  s.open(null);
  return { s, dir, lines };
}

test('QDir: the Filters and SortFlags flag types are callable, entryList filters and sorts, paths use /', (t) => {
  const { s, dir } = sim(t);
  fs.mkdirSync(path.join(dir, 'lib', 'sub'), { recursive: true });
  for (const f of ['b.js', 'a.js', 'c.txt', '.hidden.js']) fs.writeFileSync(path.join(dir, 'lib', f), '');
  const out = s.evaluate(`(function (root) {
    var d = new QDir(root);
    d.setNameFilters(["*.js"]);
    d.setFilter(QDir.Files);
    var folders = new QDir(root);
    folders.setFilter(QDir.Filters(QDir.Dirs | QDir.NoDotAndDotDot));
    return { files: d.entryList(), folders: folders.entryList(), flags: QDir.Filters(QDir.Dirs | QDir.NoDotAndDotDot), sort: QDir.SortFlags(QDir.Name | QDir.Reversed),
      made: d.mkpath(root + "/x/y"), exists: new QDir(root + "/x/y").exists() };
  })(${JSON.stringify(path.join(dir, 'lib'))})`);
  t.deepEqual(out, { files: ['a.js', 'b.js'], folders: ['sub'], flags: 0x6001, sort: 0x08, made: true, exists: true });
});

test('QFile, QFileInfo and QTextStream read and write real files as Qt does', (t) => {
  const { s, dir } = sim(t);
  const file = path.join(dir, 'notes.tar.gz');
  fs.writeFileSync(file, 'one\ntwo\r\nthree');
  const out = s.evaluate(`(function (file, dir) {
    var info = new QFileInfo(file);
    var f = new QFile(file);
    f.open(QIODevice.ReadOnly);
    var first = f.readLine().toString();
    var stream = new QTextStream(f);
    var rest = [stream.readLine(), stream.readLine(), stream.atEnd()];
    f.close();
    var copied = QFile.copy(file, dir + "/copy.txt");
    return { name: info.fileName(), base: info.baseName(), completeBase: info.completeBaseName(), suffix: info.suffix(), completeSuffix: info.completeSuffix(),
      isFile: info.isFile(), isDir: new QFileInfo(dir).isDir(), size: info.size(), abs: info.absolutePath(), first: first, rest: rest,
      copied: copied, copiedAgain: QFile.copy(file, dir + "/copy.txt"), bytes: new QTextStream(new QByteArray("a\\nb")).readAll(),
      missing: new QFileInfo(dir + "/nope").exists() };
  })(${JSON.stringify(file)}, ${JSON.stringify(dir)})`);
  t.deepEqual(out, {
    name: 'notes.tar.gz', base: 'notes', completeBase: 'notes.tar', suffix: 'gz', completeSuffix: 'tar.gz', isFile: true, isDir: true, size: 14,
    abs: dir, first: 'one\n', rest: ['two', 'three', true], copied: true, copiedAgain: false, bytes: 'a\nb', missing: false,
  });
});

test('QProcess runs a real program: blocking (start, waitForFinished, readAllStandardOutput) and with signals', async (t) => {
  const { s } = sim(t);
  const node = JSON.stringify(process.execPath);
  const blocking = s.evaluate(`(function () {
    var p = new QProcess();
    p.start(${node}, ["-e", "process.stdout.write('out'); process.stderr.write('err'); process.exit(3)"]);
    p.waitForFinished(-1);
    return { out: new QTextStream(p.readAllStandardOutput()).readAll(), err: p.readAllStandardError().toString(), code: p.exitCode() };
  })()`);
  t.deepEqual(blocking, { out: 'out', err: 'err', code: 3 });
  s.evaluate(`var signalled = null; (function () {
    var p = new QProcess();
    p.setProcessChannelMode(QProcess.MergedChannels);
    p["finished(int)"].connect(function (code) { signalled = { code: code, all: p.readAllStandardOutput().toString() }; });
    p.start(${node}, ["-e", "process.stdout.write('a'); process.stderr.write('b')"]);
  })()`);
  t.is(s.evaluate('signalled'), null, 'finished is emitted after the script returns, as Qt emits signals from the event loop');
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(s.evaluate('signalled'), { code: 0, all: 'ab' });
  t.true(s.evaluate('(function(){ var p = new QProcess(); p.start("/no/such/program", []); return p.waitForFinished(-1); })()') === false);
});

test('System, MessageLog, about, specialFolders and fileMapper answer as documented', (t) => {
  const { s, lines } = sim(t);
  const out = s.evaluate(`(function () {
    MessageLog.clearLog();
    MessageLog.trace("hello");
    MessageLog.setDebug(true);
    System.println("printed");
    return { env: System.getenv("STUDIO"), missing: System.getenv("NOPE_NOT_SET"), log: MessageLog.getLog(), debug: MessageLog.isDebug(),
      major: about.getMajorVersion(), harmony: about.isHarmony(), demo: about.isDemoVersion(), prop: about.majorVersion,
      folders: [typeof specialFolders.resource, typeof specialFolders.userConfig, typeof specialFolders.templateLibrary, specialFolders.temp.indexOf("\\\\")],
      native: fileMapper.toNativePath("/a/b"), url: fileMapper.fileURLToPath("file:///a/b%20c") };
  })()`);
  t.deepEqual(out, {
    env: 'acme', missing: '', log: 'hello', debug: true, major: 24, harmony: true, demo: false, prop: 24,
    folders: ['string', 'string', 'string', -1], native: '/a/b', url: '/a/b c',
  });
  t.true(lines.includes('printed'));
});

test('preferences: Harmony\'s defaults for the preferences it has, listed in the installation\'s prefs.xml; session values win', (t) => {
  const { s } = sim(t);
  const out = s.evaluate(`(function () {
    var before = preferences.getBool("ELEMENT_CAN_BE_ANIMATED_DEFAULT_VALUE", true);
    preferences.setBool("ELEMENT_CAN_BE_ANIMATED_DEFAULT_VALUE", true);
    var f = new File(specialFolders.resource + "/prefs.xml");
    f.open(FileAccess.ReadOnly);
    var xml = f.read();
    f.close();
    return { before: before, after: preferences.getBool("ELEMENT_CAN_BE_ANIMATED_DEFAULT_VALUE", false), unknown: preferences.getInt("STUDIO_THING", 7),
      byFrame: preferences.getBool("XSHEET_NAME_BY_FRAME"), listed: /<bool id="XSHEET_NAME_BY_FRAME"[^>]*value="true"/.test(xml) };
  })()`);
  t.deepEqual(out, { before: false, after: true, unknown: 7, byFrame: true, listed: true });
});

test('view and Action: one Node View on Top; saving through an action saves the scene', (t) => {
  const { s } = sim(t);
  s.evaluate('node.add("Top", "Extra", "PEG", 0, 0, 0)');
  const out = s.evaluate(`(function () {
    var views = [];
    for (var i = 0; i < 3; i++) views.push(view.type("View" + i));
    var dirty = scene.isDirty();
    Action.perform("onActionSave()");
    return { views: views, group: view.group("View0"), current: view.currentView(), dirty: dirty, after: scene.isDirty(), valid: Action.validate("onActionSave()").isValid };
  })()`);
  t.deepEqual(out, { views: ['Node View', '', ''], group: 'Top', current: 'View0', dirty: true, after: false, valid: true });
});

test('attributes form Harmony\'s tree: compound POSITION_3D / DRAWING attributes hold their leaves', (t) => {
  const { s } = sim(t);
  s.evaluate('node.add("Top", "Char", "READ", 0, 0, 0)');
  const out = s.evaluate(`(function () {
    var top = node.getAttrList("Top/Char", 1).map(function (a) { return a.keyword(); });
    var offset = node.getAttr("Top/Char", 1, "OFFSET");
    offset.setValue({ x: 1.5, y: -2, z: 0 });
    var subs = offset.getSubAttributes().map(function (a) { return a.fullKeyword(); });
    var element = node.getAttrList("Top/Char", 1, "DRAWING").map(function (a) { return [a.keyword(), a.typeName(), a.hasSubAttributes()]; });
    return { top: top, type: offset.typeName(), subs: subs, pos: offset.pos3dValueAt(1), x: node.getTextAttr("Top/Char", 1, "OFFSET.X"), element: element,
      scale: node.getAttr("Top/Char", 1, "SCALE").typeName(), invalid: node.getAttr("Top/Char", 1, "NOPE").isValid() };
  })()`);
  t.deepEqual(out, {
    top: ['DRAWING', 'CAN_ANIMATE', 'READ_TRANSPARENCY', 'OPACITY', 'ALIGNMENT_RULE', 'applyMatteToColor', 'ENABLE_3D', 'OFFSET', 'SCALE', 'ROTATION'],
    type: 'POSITION_3D', subs: ['OFFSET.X', 'OFFSET.Y', 'OFFSET.Z'], pos: { x: 1.5, y: -2, z: 0 }, x: '1.5',
    element: [['ELEMENT', 'ELEMENT', true]], scale: 'SCALE_3D', invalid: false,
  });
});

test('Drawing.Key and palette storage locations', (t) => {
  const { s, dir } = sim(t);
  const out = s.evaluate(`(function () {
    var id = element.add("Char", "COLOR", 12, "SCAN", "TVG");
    Drawing.create(id, "1", false);
    var list = PaletteObjectManager.getScenePaletteList();
    var L = PaletteObjectManager.Constants.Location;
    var p = list.createPaletteAtLocation(L.SCENE, 0, "Studio", 0);
    var inElement = list.createPaletteAtLocation(L.ELEMENT, id, "CharColours", 1);
    return { key: Drawing.Key({ elementId: id, exposure: "1" }), missing: Drawing.Key({ elementId: id, exposure: "9" }).isValid,
      palette: [p.getName(), p.isValid()], element: inElement.getPath().split("/").slice(-3).join("/"), count: list.numPalettes,
      folder: PaletteObjectManager.Locator.folderForLocation(L.SCENE), env: PaletteObjectManager.Locator.folderForLocation(L.ENVIRONMENT),
      current: PaletteManager.getCurrentPaletteName() };
  })()`);
  t.deepEqual(out, {
    key: { elementId: 1, exposure: '1', isValid: true }, missing: false, palette: ['Studio', true], element: 'elements/Char/palette-library', count: 2,
    folder: path.join(dir, 'untitled', 'palette-library'), env: '', current: 'Studio',
  });
  t.true(fs.existsSync(path.join(dir, 'untitled', 'palette-library', 'Studio.plt')));
});

test('dialogs: nobody answers in the simulator, so QMessageBox gives its default button and Harmony\'s Dialog is cancelled (and says so)', (t) => {
  const { s, lines } = sim(t);
  const out = s.evaluate(`(function () {
    var box = new QMessageBox(false, "Title", "Text", QMessageBox.Ok);
    var d = new Dialog();
    d.title = "Publish";
    var label = new Label();
    label.text = "Publish now?";
    d.add(label);
    return { box: box.exec() === QMessageBox.Ok, text: box.text, question: QMessageBox.question(null, "Q", "Sure?", QMessageBox.Yes | QMessageBox.No) === QMessageBox.Yes,
      dialog: d.exec(), widgetIsQWidget: box instanceof QWidget };
  })()`);
  t.deepEqual(out, { box: true, text: 'Text', question: true, dialog: false, widgetIsQWidget: true });
  t.true(lines.includes('[Dialog] Publish: Publish now? (no user in the simulator: cancelled)'));
});

test('dialogs a test answers: the values land in the widgets of those labels, OK and Cancel as given, in order; an answer naming a widget the dialog lacks is an error', (t) => {
  const { s, lines } = sim(t);
  s.dialogAnswers.push({ ok: true, values: { Comment: 'take 2', Farm: true, Quality: 'High', Frames: 12 } }, { ok: false }, { ok: true, values: { Nope: 'x' } });
  const show = `(function () {
    var d = new Dialog();
    d.title = "Publish";
    var comment = new LineEdit(); comment.label = "Comment"; d.add(comment);
    var farm = new CheckBox(); farm.label = "Farm"; d.add(farm);
    var quality = new ComboBox(); quality.label = "Quality"; quality.itemList = ["Low", "High"]; d.add(quality);
    var frames = new SpinBox(); frames.label = "Frames"; d.add(frames);
    return { ok: d.exec(), comment: comment.text, farm: farm.checked, quality: quality.currentItem, frames: frames.value };
  })()`;
  t.deepEqual(s.evaluate(show), { ok: true, comment: 'take 2', farm: true, quality: 'High', frames: 12 });
  t.like(s.evaluate(show), { ok: false, comment: '' });
  t.throws(() => s.evaluate(show), { message: /the test's answer to the dialog "Publish" names a widget "Nope" it does not have \(it has: "Comment", "Farm", "Quality", "Frames"\)/ });
  t.like(s.evaluate(show), { ok: false }, 'no answer left: cancelled');
  t.deepEqual(s.dialogs.map((d) => d.answer?.ok ?? null), [true, false, true, null]);
  t.deepEqual(s.dialogs[0]!.widgets, [{ kind: 'LineEdit', label: 'Comment' }, { kind: 'CheckBox', label: 'Farm' }, { kind: 'ComboBox', label: 'Quality' }, { kind: 'SpinBox', label: 'Frames' }]);
  t.true(lines.includes('[Dialog] Publish: answered OK'));
  t.true(lines.includes('[Dialog] Publish: answered Cancel'));
});

test('func reads and writes a function column\'s points; the simulated install\'s TB_orderNetworkUp.js lays nodes out', (t) => {
  const { s } = sim(t);
  const out = s.evaluate(`(function () {
    column.add("px", "BEZIER");
    func.setBezierPoint("px", 1, 10, 0, 0, 0, 0, false, "SMOOTH");
    func.setBezierPoint("px", 5, 20, 0, 0, 0, 0, false, "SMOOTH");
    var peg = node.add("Top", "P", "PEG", 0, 0, 0);
    node.linkAttr(peg, "POSITION.X", "px");
    var read = node.add("Top", "D", "READ", 0, 0, 0);
    node.link(peg, 0, read, 0);
    include(specialFolders.resource + "/scripts/TB_orderNetworkUp.js");
    TB_orderNetworkUpBatchFromList([peg, read]);
    return { n: func.numberOfPoints("px"), points: [[func.pointX("px", 0), func.pointY("px", 0)], [func.pointX("px", 1), func.pointY("px", 1)]],
      at3: node.getTextAttr(peg, 3, "POSITION.X"), notCurve: func.numberOfPoints("nope"), pegAbove: node.coordY(peg) < node.coordY(read) };
  })()`);
  t.deepEqual(out, { n: 2, points: [[1, 10], [5, 20]], at3: '15', notCurve: 0, pegAbove: true });
});

test('compositionOrder lists the timeline layers from the display: composite inputs in port order, parents before children', (t) => {
  const { s } = sim(t);
  const out = s.evaluate(`(function () {
    var peg = node.add("Top", "CharPeg", "PEG", 0, 0, 0);
    var body = node.add("Top", "Body", "READ", 0, 0, 0);
    var bg = node.add("Top", "BG", "READ", 0, 0, 0);
    node.link(peg, 0, body, 0);
    node.link(body, 0, "Top/Composite", 0, false, true);
    node.link(bg, 0, "Top/Composite", 1, false, true);
    return compositionOrder.buildCompositionOrderForDisplay("Top/Display").map(function (c) { return [c.node, c.depth(), c.numChildren()]; });
  })()`);
  t.deepEqual(out, [['Top/CharPeg', 0, 1], ['Top/Body', 1, 0], ['Top/BG', 0, 0]]);
  t.deepEqual(s.evaluate('compositionOrder.buildDefaultCompositionOrder().length'), 3);
});

test('groups get their multiport modules on request; node.add with no type reserves Harmony\'s name for a node', (t) => {
  const { s } = sim(t);
  const out = s.evaluate(`(function () {
    var g = node.add("Top", "Props", "GROUP", 0, 0, 0);
    var mpi = node.getGroupInputModule(g, "Multiport-In", 0, 0, 0);
    var again = node.getGroupInputModule(g, "Other", 0, 0, 0);
    var probe = node.add("Top", "Composite", "", 0, 0, 0);
    var removed = node.deleteNode(probe);
    return { mpi: mpi, again: again, mpo: node.getGroupOutputModule(g, "", 0, 0, 0), probe: probe, removed: removed, top: node.getGroupInputModule("Top", "", 0, 0, 0) };
  })()`);
  t.deepEqual(out, { mpi: 'Top/Props/Multiport-In', again: 'Top/Props/Multiport-In', mpo: 'Top/Props/Multi-Port-Out', probe: 'Top/Composite_1', removed: true, top: '' });
});
