import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { BatchRenderError, SceneNotFoundError, SimScene, batchRender, createHarmonyGlobals } from '../adapters/harmony/simulator/dom/index.ts';

function setup(t: { teardown(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmony-dom-render-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const scene = SimScene.createDefault(path.join(dir, 'shot'));
  const ctx = vm.createContext({});
  Object.assign(ctx, createHarmonyGlobals(scene, {
    env: {}, version: { major: 22, minor: 0 }, applicationPath: '/opt/harmony', log: () => {}, messageBox: () => {},
  }, { context: ctx }));
  const run = (code: string): unknown => vm.runInContext(code, ctx);
  return { dir, scene, run };
}

/** Parses a PNG: checks the signature and every chunk's CRC, returns the IHDR fields and the inflated size. */
function readPng(file: string) {
  const b = fs.readFileSync(file);
  if (!b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('bad signature');
  let off = 8;
  let ihdr: { width: number; height: number; depth: number; colorType: number } | undefined;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (off < b.length) {
    const len = b.readUInt32BE(off);
    const type = b.subarray(off + 4, off + 8).toString('ascii');
    const data = b.subarray(off + 8, off + 8 + len);
    if (zlib.crc32(b.subarray(off + 4, off + 8 + len)) !== b.readUInt32BE(off + 8 + len)) throw new Error(`bad CRC in ${type}`);
    types.push(type);
    if (type === 'IHDR') ihdr = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8]!, colorType: data[9]! };
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  return { ihdr: ihdr!, types, raw: zlib.inflateSync(Buffer.concat(idat)) };
}

test('batchRender writes one valid PNG per frame, at the scene resolution, for each enabled WRITE node', async (t) => {
  const { scene, run } = setup(t);
  run(`scene.setDefaultResolution(320, 180, 41.112);
       var w = node.add("Top", "renderMain", "WRITE", 0, 0, 0);
       node.link("Top/Composite", 0, w, 0, false, true);
       node.setTextAttr(w, "DRAWING_TYPE", 1, "PNG");
       node.setTextAttr(w, "DRAWING_NAME", 1, "render/renderMain/renderMain.");
       var off = node.add("Top", "disabled", "WRITE", 0, 0, 0);
       node.setTextAttr(off, "DRAWING_NAME", 1, "render/disabled/disabled.");
       node.setEnable(off, false);
       var g = node.add("Top", "G", "GROUP", 0, 0, 0);
       var inner = node.add(g, "innerWrite", "WRITE", 0, 0, 0);
       node.setTextAttr(inner, "DRAWING_NAME", 1, "render/inner/inner.");
       node.setEnable(g, false);
       scene.saveAll();`);
  const logs: string[] = [];
  const { files } = await batchRender(scene.xstagePath, 2, 4, { log: (s) => logs.push(s) });
  const dir = scene.projectDir;
  t.deepEqual(files.map((f) => path.relative(dir, f)).sort(), [
    'frames/final-0002.png', 'frames/final-0003.png', 'frames/final-0004.png',
    'render/renderMain/renderMain.0002.png', 'render/renderMain/renderMain.0003.png', 'render/renderMain/renderMain.0004.png',
  ].map((p) => p.split('/').join(path.sep)));
  t.false(fs.existsSync(path.join(dir, 'render', 'disabled')), 'a disabled WRITE node renders nothing');
  t.false(fs.existsSync(path.join(dir, 'render', 'inner')), 'nor does one inside a disabled group');
  for (const f of files) {
    const png = readPng(f);
    t.is(png.ihdr.width, 320);
    t.is(png.ihdr.height, 180);
    t.is(png.ihdr.depth, 8);
    const channels = f.includes('final-') ? 4 : 3;
    t.is(png.ihdr.colorType, channels === 4 ? 6 : 2, 'PNG4 is RGBA, PNG is RGB');
    t.is(png.raw.length, (320 * channels + 1) * 180);
    t.deepEqual([png.types[0], png.types.at(-1)], ['IHDR', 'IEND']);
  }
  t.notDeepEqual(readPng(files[0]!).raw, readPng(files.at(-1)!).raw, 'frames differ');
  t.true(logs.some((l) => l.includes('renderMain: frame 3')));
});

test('the default scene renders frames/final-NNNN.png at 1920x1080', async (t) => {
  const { scene } = setup(t);
  const { files } = await batchRender(scene.projectDir, 1, 1);
  t.deepEqual(files, [path.join(scene.projectDir, 'frames', 'final-0001.png')]);
  const png = readPng(files[0]!);
  t.deepEqual([png.ihdr.width, png.ihdr.height], [1920, 1080]);
});

test('TGA write nodes, START offsets and LEADING_ZEROS shape the file names', async (t) => {
  const { scene, dir, run } = setup(t);
  const abs = path.join(dir, 'abs', 'out_');
  run(`scene.setDefaultResolution(16, 8, 41.112); node.setEnable("Top/Write", false);
       var w = node.add("Top", "tga", "WRITE", 0, 0, 0);
       node.setTextAttr(w, "DRAWING_TYPE", 1, "TGA4"); node.setTextAttr(w, "LEADING_ZEROS", 1, "1");
       node.setTextAttr(w, "START", 1, "101"); node.setTextAttr(w, "DRAWING_NAME", 1, ${JSON.stringify(abs)});
       scene.saveAll();`);
  const { files } = await batchRender(scene.projectDir, 1, 2);
  t.deepEqual(files, [`${abs}101.tga`, `${abs}102.tga`]);
  const tga = fs.readFileSync(files[0]!);
  t.deepEqual([tga[2], tga.readUInt16LE(12), tga.readUInt16LE(14), tga[16]], [2, 16, 8, 32]);
  t.is(tga.length, 18 + 16 * 8 * 4);
});

test('batchRender refuses bad ranges, unsupported formats and missing scenes with clear errors', async (t) => {
  const { scene, dir, run } = setup(t);
  await t.throwsAsync(batchRender(scene.projectDir, 0, 3), { instanceOf: BatchRenderError, message: /frames 1-60/ });
  await t.throwsAsync(batchRender(scene.projectDir, 5, 2), { instanceOf: BatchRenderError });
  await t.throwsAsync(batchRender(scene.projectDir, 1, 61), { instanceOf: BatchRenderError });
  run('node.setTextAttr("Top/Write", "DRAWING_TYPE", 1, "JPG"); scene.saveAll();');
  const err = await t.throwsAsync(batchRender(scene.projectDir, 1, 1), { instanceOf: BatchRenderError });
  t.regex(err.message, /Top\/Write renders JPG/);
  t.false(fs.existsSync(path.join(scene.projectDir, 'frames', 'final-0001.jpg')));
  const missing = await t.throwsAsync(batchRender(path.join(dir, 'no', 'such.xstage'), 1, 1), { instanceOf: SceneNotFoundError });
  t.regex(missing.message, /does not exist/);
});
