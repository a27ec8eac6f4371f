import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RotatingLog } from '../kit/hub/log.ts';
import { AdapterRegistry, AdapterError } from '../kit/adapter.ts';

function tmp(t: { teardown(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-log-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the hub log rotates by size and keeps the configured number of files', (t) => {
  const dir = tmp(t);
  const file = path.join(dir, 'hub.log');
  const log = new RotatingLog(file, { maxBytes: 1000, files: 3 });
  for (let i = 0; i < 100; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
  log.close();
  const names = fs.readdirSync(dir).sort();
  t.deepEqual(names, ['hub.log', 'hub.log.1', 'hub.log.2']);
  for (const n of names) t.true(fs.statSync(path.join(dir, n)).size <= 1000);
  t.regex(fs.readFileSync(file, 'utf8'), /line 99 /);
  t.notRegex(fs.readFileSync(path.join(dir, 'hub.log.2'), 'utf8'), /line 0 /, 'the oldest lines are gone');
});

test('external adapters load from a module path; a malformed one and a missing package get clear errors', async (t) => {
  const dir = tmp(t);
  fs.writeFileSync(path.join(dir, 'good.mjs'), `export default { name: 'blender', displayName: 'Blender', defaultExecutables: () => ['blender'], endpoints: { 'menu.x': () => 1 } };`);
  fs.writeFileSync(path.join(dir, 'bad.mjs'), `export default { name: 'Bad Name', endpoints: { x: 1 } };`);
  const registry = new AdapterRegistry(['./good.mjs', 'dcckit-adapter-that-does-not-exist'], dir);
  const blender = await registry.get('blender');
  t.is(blender.displayName, 'Blender');
  await t.throwsAsync(new AdapterRegistry(['./bad.mjs'], dir).get('bad'), { instanceOf: AdapterError, message: /bad\.mjs" is not a valid dcc-kit adapter: name must be a lower-case identifier; displayName must be a string; defaultExecutables must be a function; endpoints\.x must be a function/ });
  await t.throwsAsync(new AdapterRegistry(['dcckit-adapter-that-does-not-exist'], dir).get('nuke'), { instanceOf: AdapterError, message: /"dcckit-adapter-that-does-not-exist".*is not installed: run npm install/ });
  await t.throwsAsync(new AdapterRegistry(['./missing.mjs'], dir).get('nuke'), { message: /missing\.mjs .*does not exist/ });
  await t.throwsAsync(new AdapterRegistry([], dir).get('maya'), { message: /no adapter named "maya" \(known: harmony, houdini, blender\)/ });
  const builtIn = await new AdapterRegistry([], dir).get('harmony');
  t.is(builtIn.name, 'harmony');
});
