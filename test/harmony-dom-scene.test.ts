import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import {
  SceneExistsError, SceneFormatError, SceneNotFoundError, SimScene, createHarmonyGlobals,
} from '../adapters/harmony/simulator/dom/index.ts';
import type { SimHost } from '../adapters/harmony/simulator/dom/index.ts';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmony-dom-scene-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function engine(scene: SimScene, dir: string) {
  const host: SimHost = {
    env: {}, version: { major: 22, minor: 0 }, applicationPath: '/opt/harmony',
    log: () => {}, messageBox: () => {}, tempDir: path.join(dir, 'tmp'),
  };
  const ctx = vm.createContext({});
  Object.assign(ctx, createHarmonyGlobals(scene, host, { context: ctx }));
  return (code: string): any => {
    const v = vm.runInContext(code, ctx);
    return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
  };
}

test('the default scene is Harmony\'s new scene, written as a project folder', (t) => {
  const dir = tempDir(t);
  const scene = SimScene.createDefault(path.join(dir, 'sh010'));
  t.is(scene.sceneName, 'sh010');
  t.is(scene.versionName, 'sh010');
  t.is(scene.xstagePath, path.join(dir, 'sh010', 'sh010.xstage'));
  t.false(scene.isDirty());
  for (const f of ['sh010.xstage', 'sh010.aux', 'scene.elementTable', 'scene.versionTable', 'PALETTE_LIST']) {
    t.true(fs.statSync(path.join(dir, 'sh010', f)).isFile(), f);
  }
  for (const d of ['elements', 'palette-library', 'frames', 'audio']) t.true(fs.statSync(path.join(dir, 'sh010', d)).isDirectory(), d);
  t.regex(fs.readFileSync(scene.xstagePath, 'utf8'), /^<\?xml version="1.0"[^>]*\?>\s*(<!--[\s\S]*?-->\s*)?<project /);

  const run = engine(scene, dir);
  t.deepEqual(run('node.subNodes("Top")'), ['Top/Composite', 'Top/Display', 'Top/Write']);
  t.deepEqual(run('[node.type("Top/Composite"), node.type("Top/Display"), node.type("Top/Write")]'), ['COMPOSITE', 'DISPLAY', 'WRITE']);
  t.deepEqual(run('[node.dstNode("Top/Composite", 0, 0), node.dstNode("Top/Composite", 0, 1), node.numberOfOutputLinks("Top/Composite", 0)]'),
    ['Top/Display', 'Top/Write', 2]);
  t.deepEqual(
    run('["DRAWING_NAME", "LEADING_ZEROS", "START", "DRAWING_TYPE"].map(function (a) { return node.getTextAttr("Top/Write", 1, a); })'),
    ['frames/final-', '3', '1', 'PNG4'],
  );
  t.true(run('node.getEnable("Top/Write")'));
  t.deepEqual(
    run('[scene.defaultResolutionX(), scene.defaultResolutionY(), scene.defaultResolutionFOV(), scene.getFrameRate(), frame.numberOf(), scene.numberOfUnitsZ(), scene.getStartFrame(), scene.getStopFrame()]'),
    [1920, 1080, 41.112, 24, 60, 12, 1, 60],
  );
  t.deepEqual(run('[scene.currentScene(), scene.currentVersionName(), scene.currentProjectPath()]'),
    ['sh010', 'sh010', path.join(dir, 'sh010').split(path.sep).join('/')]);
  t.throws(() => SimScene.createDefault(path.join(dir, 'sh010')), { instanceOf: SceneExistsError });
});

test('save then open round-trips nodes, links, attrs, columns, elements, backdrops, palettes, metadata, settings', (t) => {
  const dir = tempDir(t);
  const scene = SimScene.createDefault(path.join(dir, 'ep01_sh020'));
  const plt = path.join(dir, 'shared', 'chars.plt');
  fs.mkdirSync(path.dirname(plt), { recursive: true });
  fs.writeFileSync(plt, 'ToonBoomAnimationInc PaletteFile 2\nSolid    Black    0x0a0b0c0d0e0f0001   0   0   0 255\n');
  const run = engine(scene, dir);
  run(`
    var g = node.add("Top", "Rig", "GROUP", 10, 20, 0);
    var peg = node.add(g, "Peg", "PEG", 1, 2, 3);
    var read = node.add("Top", "bg", "READ", 300, 40, 0);
    node.setColor(read, new ColorRGBA(0, 255, 0, 255));
    node.setEnable("Top/Display", false);
    node.link(read, 0, "Top/Composite", 0);
    node.createDynamicAttr(read, "STRING", "uuid", "uuid", false);
    node.setTextAttr(read, "uuid", 1, "abc-123");
    node.setTextAttr("Top/Write", "DRAWING_NAME", 1, "render/main/main.");
    var id = element.add("bg", "COLOR", 12, "PNG", "None");
    column.add("bgcol", "DRAWING");
    column.setElementIdOfDrawing("bgcol", id);
    node.linkAttr(read, "DRAWING.ELEMENT", "bgcol");
    Drawing.create(id, "1", false);
    Drawing.create(id, "2", false);
    column.setEntry("bgcol", 1, 1, "1");
    column.setEntry("bgcol", 1, 2, "2");
    column.add("pegx", "BEZIER");
    node.linkAttr(peg, "POSITION.X", "pegx");
    node.setTextAttr(peg, "POSITION.X", 1, "0");
    node.setTextAttr(peg, "POSITION.X", 11, "10");
    Backdrop.addBackdrop("Top", { position: { x: 250, y: 0, w: 100, h: 100 }, title: { text: "BG", size: 14, font: "Arial" } });
    PaletteObjectManager.getScenePaletteList().createPalette("scenePal");
    PaletteObjectManager.getScenePaletteList().addPalette(${JSON.stringify(plt.slice(0, -4))});
    scene.setMetadata({ name: "ayon", type: "string", creator: "AYON", version: "1.0", value: JSON.stringify({ "Top/Write": { id: "x" } }) });
    scene.setFrameRate(25);
    scene.setDefaultResolution(1280, 720, 41.112);
    frame.insert(60, 40);
    scene.setStopFrame(100);
  `);
  t.true(scene.isDirty());
  t.true(run('scene.saveAll()'));
  t.false(scene.isDirty());

  const reopened = SimScene.open(path.join(dir, 'ep01_sh020'));
  t.deepEqual(reopened.snapshot(), scene.snapshot());
  t.false(reopened.isDirty());
  const again = engine(reopened, dir);
  t.deepEqual(again('node.subNodes("Top/Rig")'), ['Top/Rig/Peg']);
  t.deepEqual(again('[node.coordX("Top/Rig/Peg"), node.coordY("Top/Rig/Peg"), node.coordZ("Top/Rig/Peg")]'), [1, 2, 3]);
  t.is(again('node.srcNode("Top/Composite", 0)'), 'Top/bg');
  t.deepEqual(again('(function (c) { return [c.r, c.g, c.b, c.a]; })(node.getColor("Top/bg"))'), [0, 255, 0, 255]);
  t.false(again('node.getEnable("Top/Display")'));
  t.is(again('node.getTextAttr("Top/bg", 1, "uuid")'), 'abc-123');
  t.is(again('node.getTextAttr("Top/Write", 1, "DRAWING_NAME")'), 'render/main/main.');
  t.deepEqual(again('[1, 2, 3].map(function (f) { return node.getTextAttr("Top/bg", f, "DRAWING.ELEMENT"); })'), ['1', '2', '']);
  t.is(again('node.getTextAttr("Top/Rig/Peg", 6, "POSITION.X")'), '5');
  t.is(again('Backdrop.backdrops("Top")[0].title.text'), 'BG');
  t.deepEqual(again('scene.metadata("ayon")'), {
    name: 'ayon', type: 'string', creator: 'AYON', version: '1.0', value: JSON.stringify({ 'Top/Write': { id: 'x' } }),
  });
  t.deepEqual(again('[scene.getFrameRate(), scene.defaultResolutionX(), scene.defaultResolutionY(), frame.numberOf(), scene.getStopFrame()]'),
    [25, 1280, 720, 100, 100]);
  const pal = again('(function (l) { var o = []; for (var i = 0; i < l.numPalettes; i++) o.push(l.getPaletteByIndex(i).getName()); return o; })(PaletteObjectManager.getScenePaletteList())');
  t.deepEqual(pal, ['scenePal', 'chars']);
  t.true(fs.existsSync(path.join(dir, 'ep01_sh020', 'elements', 'bg', 'bg-2.png')));
});

test('palette ids are regenerated each time the scene is opened', (t) => {
  const dir = tempDir(t);
  const scene = SimScene.createDefault(path.join(dir, 'pal'));
  const run = engine(scene, dir);
  const id1 = run('PaletteObjectManager.getScenePaletteList().createPalette("p").id');
  t.is(run('PaletteObjectManager.getScenePaletteList().getPaletteByIndex(0).id'), id1);
  scene.saveAll();
  const id2 = engine(SimScene.open(scene.xstagePath), dir)('PaletteObjectManager.getScenePaletteList().getPaletteByIndex(0).id');
  t.is(typeof id2, 'string');
  t.not(id2, id1);
});

test('saveAs writes a new project folder named after the folder and switches to it', (t) => {
  const dir = tempDir(t);
  const scene = SimScene.createDefault(path.join(dir, 'work'));
  const run = engine(scene, dir);
  run('var id = element.add("A", "BW", 12, "SCAN", "TVG"); Drawing.create(id, "1", false); node.add("Top", "extra", "PEG", 0, 0, 0);');
  const target = path.join(dir, 'cache', 'sh030_v002');
  t.true(run(`scene.saveAs([${JSON.stringify(target)}])`));
  t.is(scene.projectDir, target);
  t.is(scene.xstagePath, path.join(target, 'sh030_v002.xstage'));
  t.deepEqual(run('[scene.currentScene(), scene.currentVersionName()]'), ['sh030_v002', 'sh030_v002']);
  t.false(scene.isDirty());
  t.true(fs.existsSync(path.join(target, 'elements', 'A', 'A-1.tvg')));
  t.true(fs.existsSync(path.join(target, 'sh030_v002.aux')));
  t.deepEqual(engine(SimScene.open(target), dir)('node.subNodes("Top")'), ['Top/Composite', 'Top/Display', 'Top/Write', 'Top/extra']);
  // the original folder still holds the scene as it was last saved
  t.deepEqual(engine(SimScene.open(path.join(dir, 'work')), dir)('node.subNodes("Top")'), ['Top/Composite', 'Top/Display', 'Top/Write']);
  // saving onto a folder that is not empty fails with false, and nothing changes
  t.false(run(`scene.saveAs(${JSON.stringify(path.join(dir, 'work'))})`));
  t.is(scene.projectDir, target);
});

test('every mutation sets the dirty flag; reads, selection and the current frame do not', (t) => {
  const dir = tempDir(t);
  const scene = SimScene.createDefault(path.join(dir, 'd'));
  const run = engine(scene, dir);
  run('node.subNodes("Top"); node.getTextAttr("Top/Write", 1, "START"); selection.addNodeToSelection("Top/Write"); frame.setCurrent(5); scene.metadata("x")');
  t.false(scene.isDirty());
  const mutations = [
    'node.setCoord("Top/Write", 5, 5)', 'node.setEnable("Top/Write", false)', 'node.unlink("Top/Write", 0)',
    'node.setTextAttr("Top/Write", "START", 1, "2")', 'column.add("c", "DRAWING")', 'scene.setMetadata({name: "m", value: "v"})',
    'Backdrop.addBackdrop("Top", {})', 'frame.insert(0, 1)', 'scene.setFrameRate(30)', 'node.rename("Top/Display", "Disp")',
  ];
  for (const m of mutations) {
    t.true(run('scene.saveAll()'));
    run(m);
    t.true(scene.isDirty(), m);
  }
});

test('cancelUndoRedoAccum reverts the changes made since beginUndoRedoAccum', (t) => {
  const dir = tempDir(t);
  const scene = SimScene.createDefault(path.join(dir, 'u'));
  const run = engine(scene, dir);
  run('scene.beginUndoRedoAccum("x"); node.add("Top", "tmp", "PEG", 0, 0, 0); node.deleteNode("Top/Display"); scene.cancelUndoRedoAccum();');
  t.deepEqual(run('node.subNodes("Top")'), ['Top/Composite', 'Top/Display', 'Top/Write']);
  run('scene.beginUndoRedoAccum("y"); node.add("Top", "kept", "PEG", 0, 0, 0); scene.endUndoRedoAccum();');
  t.is(run('node.getName("Top/kept")'), 'kept');
});

test('opening a missing or foreign scene throws a typed, clear error', (t) => {
  const dir = tempDir(t);
  const missing = t.throws(() => SimScene.open(path.join(dir, 'nope')), { instanceOf: SceneNotFoundError });
  t.regex(missing.message, /does not exist/);
  t.regex(missing.message, /\.xstage/);
  fs.mkdirSync(path.join(dir, 'empty'));
  t.throws(() => SimScene.open(path.join(dir, 'empty')), { instanceOf: SceneNotFoundError, message: /no \.xstage/ });
  fs.mkdirSync(path.join(dir, 'real'));
  fs.writeFileSync(path.join(dir, 'real', 'real.xstage'), '<?xml version="1.0"?>\n<project version="2200"><scenes/></project>\n');
  const foreign = t.throws(() => SimScene.open(path.join(dir, 'real')), { instanceOf: SceneFormatError });
  t.regex(foreign.message, /Toon Boom Harmony itself/);
  t.true(foreign instanceof SceneNotFoundError);
  fs.writeFileSync(path.join(dir, 'real', 'real.xstage'), 'garbage');
  t.throws(() => SimScene.open(path.join(dir, 'real', 'real.xstage')), { instanceOf: SceneFormatError, message: /not an \.xstage XML/ });
});
