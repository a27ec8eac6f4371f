import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProductStore, parseProductRef, MANIFEST, StoreWriteError, VersionNotFoundError, ProductNotFoundError } from '../kit/store/index.ts';
import { PATIENCE_MS } from './support/patience.ts';

const CHILD = fileURLToPath(new URL('./fixtures/store/publish-child.ts', import.meta.url));

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-store-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function sources(dir: string, n: number, size = 4096): string[] {
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  return Array.from({ length: n }, (_, i) => {
    const file = path.join(dir, 'src', `frame.${String(1001 + i).padStart(4, '0')}.png`);
    fs.writeFileSync(file, Buffer.alloc(size + i, i + 1));
    return file;
  });
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function runChild(args: string[], opts: { uid?: number; gid?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, ...args], { timeout: PATIENCE_MS, ...opts }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

test('a published version holds copies whose manifest sizes and hashes match the files; the next publish gets the next number', async (t) => {
  const dir = tmp(t);
  const files = sources(dir, 6);
  const store = new ProductStore({ root: path.join(dir, 'store') });
  for (const expected of [1, 2]) {
    const v = await store.reserve({ folder: 'shots/sh010', product: 'renderMain', productType: 'render' });
    t.is(v.version, expected);
    await v.addFiles('png', 'png', files.map((f) => ({ source: f, path: `png/${path.basename(f)}` })), { frameStart: 1001, frameEnd: 1006 });
    const manifest = await v.commit({ source: '/work/sh010_v003.zip', context: { folder: 'shots/sh010' } });
    t.is(manifest.version, expected);
  }
  const latest = await store.resolve(parseProductRef('renderMain', 'shots/sh010'));
  t.is(latest.version, 2);
  t.is(latest.path, path.join(dir, 'store', 'shots/sh010/renderMain/v002'));
  const rep = latest.manifest.representations[0]!;
  t.like(rep, { name: 'png', ext: 'png', frameStart: 1001, frameEnd: 1006 });
  t.is(rep.files.length, 6);
  for (const f of rep.files) {
    const copy = path.join(latest.path, f.path);
    t.is(fs.statSync(copy).size, f.size);
    t.is(sha(copy), f.sha256);
    t.is(f.sha256, sha(path.join(dir, 'src', path.basename(f.path))));
  }
  t.like(latest.manifest, { product: 'renderMain', productType: 'render', folder: 'shots/sh010', source: '/work/sh010_v003.zip', host: os.hostname() });
  t.false(fs.existsSync(path.join(latest.path, '.dcckit-reserved')));
});

test('8 publisher processes at once get 8 distinct versions, all complete', async (t) => {
  const dir = tmp(t);
  const files = sources(dir, 4, 64 * 1024);
  const root = path.join(dir, 'store');
  const results = await Promise.all(Array.from({ length: 8 }, () => runChild([root, 'shots/sh020', 'comp', ...files])));
  for (const r of results) t.is(r.code, 0, r.stderr);
  const versions = results.map((r) => (JSON.parse(r.stdout) as { version: number }).version).sort((a, b) => a - b);
  t.deepEqual(versions, [1, 2, 3, 4, 5, 6, 7, 8]);
  const listed = await new ProductStore({ root }).listVersions('shots/sh020', 'comp');
  t.deepEqual(listed.map((v) => [v.version, v.complete]), versions.map((v) => [v, true]));
});

test('a publisher killed before its manifest leaves an incomplete version: never latest, resolve says so, prune removes it', async (t) => {
  const dir = tmp(t);
  const files = sources(dir, 3);
  const root = path.join(dir, 'store');
  t.is((await runChild([root, 'shots/sh030', 'bg', ...files])).code, 0);
  const child = spawn(process.execPath, [CHILD, root, 'shots/sh030', 'bg', ...files], { env: { ...process.env, PAUSE_AFTER_COPY: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const copied = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d; const m = /copied (.+)\n/.exec(out); if (m) resolve(m[1]!); });
    child.on('exit', (code) => reject(new Error(`child exited ${code} before copying`)));
  });
  const store = new ProductStore({ root });
  t.regex((await store.prune()).kept[0]!.reason, /still running/);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  t.false(fs.existsSync(path.join(copied, MANIFEST)));
  t.is((await store.latest('shots/sh030', 'bg'))!.version, 1);
  t.deepEqual((await store.listProducts())[0], { folder: 'shots/sh030', product: 'bg', productType: 'render', latest: 1, versions: 2, incomplete: 1, damaged: 0 });
  await t.throwsAsync(store.resolve({ folder: 'shots/sh030', product: 'bg', version: 2 }), { instanceOf: VersionNotFoundError, message: /incomplete/ });
  const dry = await store.prune({ dryRun: true });
  t.deepEqual(dry.removed.map((v) => v.version), [2]);
  t.true(fs.existsSync(copied));
  const pruned = await store.prune();
  t.deepEqual(pruned.removed.map((v) => v.version), [2]);
  t.false(fs.existsSync(copied));
  // The number is free again; the next publish is complete.
  t.is((await runChild([root, 'shots/sh030', 'bg', ...files])).code, 0);
  t.is((await store.latest('shots/sh030', 'bg'))!.version, 2);
});

test('a store folder the publisher may not write to is a clear error and leaves nothing behind', async (t) => {
  const dir = tmp(t);
  const files = sources(dir, 2);
  const root = path.join(dir, 'store');
  fs.mkdirSync(path.join(root, 'shots'), { recursive: true });
  fs.chmodSync(dir, 0o755);
  for (const f of files) fs.chmodSync(f, 0o644);
  fs.chmodSync(path.join(dir, 'src'), 0o755);
  if (process.getuid?.() === 0) {
    // Permission bits do not stop root: publish as an unprivileged user, as an artist would.
    const r = await runChild([root, 'shots/sh040', 'anim', ...files], { uid: 65534, gid: 65534 });
    t.is(r.code, 1);
    t.regex(r.stderr, /no write access to .*shots/);
    t.regex(r.stderr, /publish\.root/);
  } else {
    fs.chmodSync(path.join(root, 'shots'), 0o555);
    t.teardown(() => fs.chmodSync(path.join(root, 'shots'), 0o755));
    await t.throwsAsync(new ProductStore({ root }).reserve({ folder: 'shots/sh040', product: 'anim', productType: 'render' }), { instanceOf: StoreWriteError, message: /no write access/ });
  }
  t.deepEqual(fs.readdirSync(path.join(root, 'shots')), []);
});

test('resolve errors name what exists; refs and names are checked', async (t) => {
  const dir = tmp(t);
  const files = sources(dir, 1);
  const store = new ProductStore({ root: path.join(dir, 'store') });
  const v = await store.reserve({ folder: 'shots/sh050', product: 'plate', productType: 'plate' });
  await v.addFiles('exr', 'exr', [{ source: files[0]!, path: 'plate.exr' }]);
  await v.commit({ source: null, context: {} });
  await t.throwsAsync(store.resolve(parseProductRef('shots/sh050/plates@1')), { instanceOf: ProductNotFoundError, message: /no product shots\/sh050\/plates .*has: plate/ });
  await t.throwsAsync(store.resolve(parseProductRef('shots/sh050/plate@7')), { instanceOf: VersionNotFoundError, message: /no version 7 \(versions: 1\)/ });
  t.deepEqual(parseProductRef('plate@v1', 'shots/sh050'), { folder: 'shots/sh050', product: 'plate', version: 1 });
  t.throws(() => parseProductRef('plate'), { message: /names no folder/ });
  t.throws(() => parseProductRef('../x/plate@1'), { message: /not a valid folder/ });
  t.throws(() => parseProductRef('shots/sh050/plate@newest'), { message: /number or "latest"/ });
  await t.throwsAsync(v.addFiles('x', 'x', []), { message: /already committed/ });
  const w = await store.reserve({ folder: 'shots/sh050', product: 'plate', productType: 'plate' });
  await t.throwsAsync(w.addFiles('x', 'x', [{ source: files[0]!, path: '../escape' }]), { message: /plain relative path/ });
  await t.throwsAsync(w.addFiles('x', 'x', [{ source: path.join(dir, 'missing.png'), path: 'a.png' }]), { message: /cannot read .*missing\.png/ });
  await w.abort();
  t.false(fs.existsSync(w.dir));
});

test('a template with the product type in the path lists and resolves the same way', async (t) => {
  const dir = tmp(t);
  const files = sources(dir, 1);
  const store = new ProductStore({ root: path.join(dir, 'store'), template: '{folder}/publish/{productType}/{product}/v{version:04}' });
  for (let i = 0; i < 2; i++) {
    const v = await store.reserve({ folder: 'assets/char/bob', product: 'rig', productType: 'template' });
    await v.addFiles('tpl', 'zip', [{ source: files[0]!, path: 'rig.zip' }]);
    await v.commit({ source: null, context: {} });
  }
  t.true(fs.existsSync(path.join(dir, 'store/assets/char/bob/publish/template/rig/v0002/version.json')));
  t.is((await store.resolve(parseProductRef('assets/char/bob/rig'))).version, 2);
  t.like((await store.listProducts('assets'))[0], { folder: 'assets/char/bob', product: 'rig', latest: 2 });
});

test('a finished version whose manifest is damaged is listed as such: never latest or loaded, and prune never removes it', async (t) => {
  const dir = tmp(t);
  const files = sources(dir, 2);
  const root = path.join(dir, 'store');
  for (let i = 0; i < 4; i++) t.is((await runChild([root, 'shots/sh040', 'bg', ...files])).code, 0);
  const store = new ProductStore({ root });
  const manifestOf = (v: number) => path.join(store.versionPath('shots/sh040', 'bg', v), MANIFEST);
  fs.appendFileSync(manifestOf(2), 'junk');
  fs.writeFileSync(manifestOf(3), 'null');
  fs.writeFileSync(manifestOf(4), '{"schema":1}');
  // Old enough that prune would take an incomplete version of a publisher on another host.
  const old = new Date(Date.now() - 3 * 3600_000);
  for (const v of [2, 3, 4]) fs.utimesSync(store.versionPath('shots/sh040', 'bg', v), old, old);

  const versions = await store.listVersions('shots/sh040', 'bg');
  t.deepEqual(versions.map((v) => [v.version, v.complete, Boolean(v.damaged)]), [[1, true, false], [2, false, true], [3, false, true], [4, false, true]]);
  t.regex(versions[1]!.damaged!, /version\.json is not valid JSON/);
  t.regex(versions[2]!.damaged!, /not a JSON object/);
  t.regex(versions[3]!.damaged!, /"folder" is missing/);
  t.is((await store.latest('shots/sh040', 'bg'))!.version, 1, 'latest skips damaged versions');
  t.like((await store.listProducts())[0], { latest: 1, versions: 4, incomplete: 0, damaged: 3 });
  await t.throwsAsync(store.resolve({ folder: 'shots/sh040', product: 'bg', version: 2 }), { instanceOf: VersionNotFoundError, message: /version 2 is damaged: version\.json is not valid JSON.*Use another version/ });
  const pruned = await store.prune();
  t.deepEqual(pruned.removed, []);
  t.deepEqual(pruned.kept.map((k) => k.version.version).sort(), [2, 3, 4]);
  t.regex(pruned.kept[0]!.reason, /finished publish whose version\.json .*remove the folder by hand/);
  for (const v of [2, 3, 4]) t.true(fs.readdirSync(store.versionPath('shots/sh040', 'bg', v)).length >= 3, `v${v}'s files are still there`);
});
