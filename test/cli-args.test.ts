import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { wouldDo } from '../kit/cli/install-command.ts';

test('a mistyped flag gets a did-you-mean, as config keys do; an unknown one still exits 2 with the usage', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const jsn = await sb.run(['sessions', '--jsn']);
  t.is(jsn.code, 2);
  t.regex(jsn.stderr, /Unknown option '--jsn' \(did you mean --json\?\)/);
  t.regex(jsn.stderr, /usage: dcc-kit sessions \[--json\]/);
  const dry = await sb.run(['install', 'harmony', '--dryrun']);
  t.regex(dry.stderr, /\(did you mean --dry-run\?\)/);
  const far = await sb.run(['config', '--frobnicate']);
  t.is(far.code, 2);
  t.notRegex(far.stderr, /did you mean/);
});

test('install --dry-run says what it would do, not what it did, and writes nothing', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const dir = path.join(sb.dir, 'scripts');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'TB_sceneOpened.js'), '// the studio script\n');
  const r = await sb.run(['install', 'harmony', '--scripts-dir', dir, '--dry-run']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^would do:\n/);
  t.regex(r.stdout, /would write +.*dcckit\.js/);
  t.regex(r.stdout, /would keep the existing script as \S+ and chain it \(runs first\)/);
  t.notRegex(r.stdout, /\bwritten\b/);
  t.deepEqual(fs.readdirSync(dir), ['TB_sceneOpened.js']);
  const json = await sb.json<{ actions: { action: string }[] }>(['install', 'harmony', '--scripts-dir', dir, '--dry-run', '--json']);
  t.true(json.actions.every((a) => a.action.startsWith('would ')), JSON.stringify(json.actions));
  const real = await sb.run(['install', 'harmony', '--scripts-dir', dir]);
  t.regex(real.stdout, /written +.*dcckit\.js/);
  t.is(wouldDo('removed'), 'would remove');
  t.is(wouldDo('restored from TB_sceneOpened.dcckit-chained.js'), 'would restore from TB_sceneOpened.dcckit-chained.js');
});

test('call --help says what --script returns and how to get a value back; the function form does return it', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const help = await sb.run(['call', '--help']);
  t.regex(help.stdout, /--script evaluates <source> in the DCC for its side effects and always prints null/);
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', '--simulate', '--json']);
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  const script = await sb.run(['call', 'harmony', '--script', 'scene.getFrameRate()']);
  t.is(script.stdout.trim(), 'null');
  const fn = await sb.run(['call', 'harmony', '(function () { return scene.getFrameRate(); })']);
  t.is(fn.code, 0, fn.stderr);
  t.regex(fn.stdout.trim(), /^\d+$/);
});
