import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { resolveContext } from '../kit/context.ts';
import { ConfigError } from '../kit/errors.ts';

function tree(t: { teardown(fn: () => unknown): void }) {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const root = path.join(box.dir, 'proj');
  const shot = path.join(root, 'seq010', 'sh010');
  fs.mkdirSync(shot, { recursive: true });
  fs.writeFileSync(path.join(root, '.dcckitrc'), 'context:\n  project: demo\n  fps: 25\n  resolution: [2048, 858]\n  frameStart: 1\n  frameEnd: 100\n');
  fs.writeFileSync(path.join(root, 'seq010', '.dcckitrc.json'), JSON.stringify({ context: { handleStart: 8, handleEnd: 8 } }));
  fs.writeFileSync(path.join(shot, '.dcckitrc'), 'context:\n  folder: shots/sh010\n  frameStart: 1001\n  frameEnd: 1048\n');
  fs.writeFileSync(path.join(box.env.HOME!, '.dcckitrc'), 'context:\n  task: comp\n  pixelAspect: 2\n');
  return { box, root, shot };
}

test('every config file from the folder up adds its context keys; the nearest wins per key; sources say which', async (t) => {
  const { box, root, shot } = tree(t);
  const r = await resolveContext({ cwd: shot, env: box.env, homeDir: box.env.HOME });
  t.deepEqual(r.context, {
    project: 'demo', folder: 'shots/sh010', task: 'comp', frameStart: 1001, frameEnd: 1048, handleStart: 8, handleEnd: 8,
    fps: 25, resolution: [2048, 858], pixelAspect: 2,
  });
  t.is(r.sources.project, path.join(root, '.dcckitrc'));
  t.is(r.sources.frameStart, path.join(shot, '.dcckitrc'));
  t.is(r.sources.handleStart, path.join(root, 'seq010', '.dcckitrc.json'));
  t.is(r.sources.task, path.join(box.env.HOME!, '.dcckitrc'));
  t.deepEqual(r.files, [path.join(box.env.HOME!, '.dcckitrc'), path.join(root, '.dcckitrc'), path.join(root, 'seq010', '.dcckitrc.json'), path.join(shot, '.dcckitrc')]);
  const up = await resolveContext({ cwd: root, env: box.env, homeDir: box.env.HOME, overrides: { folder: 'shots/sh099', task: 'anim' } });
  t.like(up.context, { folder: 'shots/sh099', task: 'anim', frameStart: 1, handleStart: 0 });
  t.like(up.sources, { folder: '--folder', task: '--task', handleStart: 'default' });
});

test('a bad context value names the file and the key; so does an inverted frame range and an unsafe folder', async (t) => {
  const { box, root, shot } = tree(t);
  fs.writeFileSync(path.join(root, 'seq010', '.dcckitrc.json'), JSON.stringify({ context: { fps: 'fast' } }));
  const bad = await t.throwsAsync(resolveContext({ cwd: shot, env: box.env, homeDir: box.env.HOME }), { instanceOf: ConfigError });
  t.regex(bad.message, /seq010\/\.dcckitrc\.json: context\.fps must be a number greater than 0/);
  fs.writeFileSync(path.join(root, 'seq010', '.dcckitrc.json'), JSON.stringify({ context: { resolution: [1920] } }));
  await t.throwsAsync(resolveContext({ cwd: shot, env: box.env, homeDir: box.env.HOME }), { message: /context\.resolution must be a pair of positive whole numbers/ });
  fs.writeFileSync(path.join(root, 'seq010', '.dcckitrc.json'), '{}');
  fs.writeFileSync(path.join(shot, '.dcckitrc'), 'context:\n  frameStart: 1048\n  frameEnd: 1001\n');
  await t.throwsAsync(resolveContext({ cwd: shot, env: box.env, homeDir: box.env.HOME }), { message: /sh010\/\.dcckitrc: context\.frameEnd \(1001\) is before context\.frameStart/ });
  fs.writeFileSync(path.join(shot, '.dcckitrc'), 'context:\n  folder: ../elsewhere\n');
  await t.throwsAsync(resolveContext({ cwd: shot, env: box.env, homeDir: box.env.HOME }), { message: /context\.folder must be a relative path/ });
});

test('dcc-kit context prints every key with its source, and --json the same data', async (t) => {
  const { box, shot } = tree(t);
  const text = await box.run(['context', '--task', 'lighting'], { cwd: shot });
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /^folder\s+shots\/sh010\s+.*sh010\/\.dcckitrc$/m);
  t.regex(text.stdout, /^task\s+lighting\s+--task$/m);
  const json = await box.json<{ context: { fps: number }; sources: Record<string, string> }>(['context', '--json'], { cwd: shot });
  t.is(json.context.fps, 25);
  t.is(json.sources.pixelAspect, path.join(box.env.HOME!, '.dcckitrc'));
  const usage = await box.run(['context', 'extra'], { cwd: shot });
  t.is(usage.code, 2);
});

test('dcc-kit products lists the store, a product\'s versions, and prunes', async (t) => {
  const { box, shot } = tree(t);
  const root = path.join(box.dir, 'store');
  fs.appendFileSync(path.join(box.env.HOME!, '.dcckitrc'), `publish:\n  root: ${root}\n`);
  const empty = await box.json<{ products: unknown[] }>(['products', '--json'], { cwd: shot });
  t.deepEqual(empty.products, []);
  const { ProductStore } = await import('../kit/store/index.ts');
  const store = new ProductStore({ root });
  const src = path.join(box.dir, 'a.png');
  fs.writeFileSync(src, 'png');
  const v = await store.reserve({ folder: 'shots/sh010', product: 'renderMain', productType: 'render' });
  await v.addFiles('png', 'png', [{ source: src, path: 'a.png' }]);
  await v.commit({ source: null, context: {} });
  const dead = path.join(root, 'shots/sh010/renderMain/v002');
  fs.mkdirSync(dead);
  fs.writeFileSync(path.join(dead, '.dcckit-reserved'), JSON.stringify({ pid: 2 ** 22 + 7, host: (await import('node:os')).hostname(), time: new Date().toISOString() }));
  const listed = await box.run(['products'], { cwd: shot });
  t.regex(listed.stdout, /shots\/sh010\/renderMain\s+render\s+v1\s+2\s+1 incomplete/);
  const versions = await box.run(['products', 'shots/sh010/renderMain'], { cwd: shot });
  t.regex(versions.stdout, /v2\s+INCOMPLETE/);
  const pruned = await box.json<{ removed: { version: number }[] }>(['products', 'prune', '--json'], { cwd: shot });
  t.deepEqual(pruned.removed.map((r) => r.version), [2]);
  t.false(fs.existsSync(dead));
});
