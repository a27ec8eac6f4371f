import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import * as acorn from 'acorn';
import { HARMONY_SCRIPTS_DIR } from '../adapters/harmony/paths.ts';
import { assertES5 } from '../adapters/harmony/session.ts';

function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? jsFiles(p) : e.name.endsWith('.js') ? [p] : [];
  });
}

const FORBIDDEN_GLOBALS = /\b(Promise|Map|Set|WeakMap|Symbol|Proxy|Reflect)\b\s*[.(]/;

test('every Harmony startup script parses as ES5 and uses no ES2015 built-ins', (t) => {
  const files = jsFiles(HARMONY_SCRIPTS_DIR);
  t.true(files.length >= 3, `found ${files.join(', ')}`);
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    t.notThrows(() => acorn.parse(source, { ecmaVersion: 5, sourceType: 'script' }), path.basename(file));
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    t.false(FORBIDDEN_GLOBALS.test(code), `${path.basename(file)} uses an ES2015 built-in`);
  }
});

test('the Harmony-side ES5 the repository ships beside the startup scripts parses as ES5 too (the example studio, the AYON-style fixture)', (t) => {
  const root = path.resolve(HARMONY_SCRIPTS_DIR, '..', '..');
  const files = [...jsFiles(path.join(root, 'examples', 'studio-pipeline', 'harmony')), ...jsFiles(path.join(root, 'test', 'fixtures', 'studio-harmony'))];
  t.true(files.length >= 2, `found ${files.join(', ')}`);
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    t.notThrows(() => acorn.parse(source, { ecmaVersion: 5, sourceType: 'script' }), path.relative(root, file));
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    t.false(FORBIDDEN_GLOBALS.test(code), `${path.relative(root, file)} uses an ES2015 built-in`);
  }
});

test('the ES5 check rejects what Qt Script cannot run', (t) => {
  for (const source of ['let x = 1;', 'var f = (a) => a;', 'class A {}', 'var s = `t`;', 'const y = 2;']) {
    t.throws(() => assertES5(source, 'snippet'), { message: /not ES5/ }, source);
  }
  t.notThrows(() => assertES5('var f = function (a) { return a; };', 'snippet'));
});
