import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { whereToChange, withTrueSources } from '../kit/config.ts';

test('an executable set by an environment variable is blamed on that variable; one set in a file names the file', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const byEnv = await sb.run(['launch', 'harmony'], { env: { DCC_KIT_HARMONY_EXECUTABLE: path.join(sb.dir, 'nope', 'HarmonyPremium') } });
  t.is(byEnv.code, 1);
  t.regex(byEnv.stderr, /change or unset the environment variable DCC_KIT_HARMONY_EXECUTABLE, which sets harmony\.executable/);
  t.notRegex(byEnv.stderr, /\.dcckitrc/);
  const shot = path.join(sb.dir, 'shot');
  fs.mkdirSync(shot);
  fs.writeFileSync(path.join(shot, '.dcckitrc'), `houdini:\n  executable: ${path.join(sb.dir, 'nope', 'houdini')}\n`);
  const byFile = await sb.run(['launch', 'houdini'], { cwd: shot });
  t.is(byFile.code, 1);
  t.true(byFile.stderr.includes(`change houdini.executable in ${path.join(shot, '.dcckitrc')}`), byFile.stderr);
});

test('a busy port set by DCC_KIT_PORT names DCC_KIT_PORT, not .dcckitrc', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const foreign = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  t.teardown(() => foreign.close());
  const port = String((foreign.address() as net.AddressInfo).port);
  const r = await sb.run(['hub', 'start'], { env: { DCC_KIT_PORT: port } });
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`port ${port} \\(hub\\.port\\) is already used by another program\\. Free it or change or unset the environment variable DCC_KIT_PORT, which sets hub\\.port`));
  t.notRegex(r.stderr, /\.dcckitrc/);
});

test('advice wording per source; a default keeps the .dcckitrc advice', async (t) => {
  t.is(whereToChange('hub.port', 'default'), 'set hub.port in .dcckitrc');
  t.is(whereToChange('hub.port', '/p/.dcckitrc'), 'change hub.port in /p/.dcckitrc');
  const msg = 'X not found (set harmony.executable in .dcckitrc)';
  t.is(await withTrueSources(msg, { cwd: '/', env: { HOME: '/nonexistent-home' } }), msg);
  t.is(await withTrueSources('no advice here', { env: {} }), 'no advice here');
});
