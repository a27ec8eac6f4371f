import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox, BIN, ROOT } from './support/cli.ts';
import { connectHub } from '../kit/hub/client.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { HoudiniSession } from '../adapters/houdini/index.ts';
import { FAKE_HOUDINI, closeClient, isAlive, killLater, until } from './fixtures/houdini/support.ts';
import { PATIENCE_MS } from './support/patience.ts';

const PACKAGES_FWD = path.join(ROOT, 'startup-scripts', 'houdini', 'packages').replace(/\\/g, '/');
const EXE = { DCC_KIT_HOUDINI_EXECUTABLE: FAKE_HOUDINI };

/** A hython script that serves the hub until a python.exec sets builtins.stop_serving, then exits 3. */
const SERVE = `import builtins, sys, threading
import dcckit_houdini
builtins.stop_serving = threading.Event()
print("serving", flush=True)
dcckit_houdini.serve_forever(until=builtins.stop_serving, poll_interval=0.02)
print("done serving")
sys.exit(3)
`;

test('houdini-batch runs a script in hython next to houdini.executable, streams its output and passes its exit code', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const script = path.join(sb.dir, 'job.py');
  fs.writeFileSync(script, `import json, os, sys
import dcckit_houdini  # on sys.path: pythonrc.py ran from the kit's package
print(json.dumps(sys.argv[1:]))
print("package dir " + os.environ["HOUDINI_PACKAGE_DIR"].split(os.pathsep)[0])
print("hub port set", bool(os.environ.get("DCC_KIT_PORT")))
print("to stderr", file=sys.stderr)
sys.exit(7)
`);
  const r = await sb.run(['houdini-batch', script, 'a b', '--frames', '1-10'], { env: EXE });
  t.is(r.code, 7, r.stderr);
  t.true(r.stdout.startsWith('["a b", "--frames", "1-10"]\n'), r.stdout);
  t.regex(r.stdout, new RegExp(`^package dir ${PACKAGES_FWD.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  t.regex(r.stdout, /^hub port set True$/m);
  t.regex(r.stderr, /^to stderr$/m);

  const code = await sb.run(['houdini-batch', '--no-hub', '-c', 'import sys; print("inline", sys.argv[1:]); sys.exit(0)', 'x'], { env: EXE });
  t.is(code.code, 0, code.stderr);
  t.regex(code.stdout, /^inline \['x'\]$/m);

  const raised = await sb.run(['houdini-batch', '-c', 'raise RuntimeError("render failed")'], { env: EXE });
  t.is(raised.code, 1);
  t.regex(raised.stderr, /RuntimeError: render failed/);

  const slow = await sb.run(['houdini-batch', '--no-hub', '--timeout', '800', '-c', 'import time; time.sleep(30)'], { env: EXE });
  t.is(slow.code, 1);
  t.regex(slow.stderr, /hython did not finish within 800 ms and was stopped \(--timeout\)/);
});

test('a hython script can serve the hub with serve_forever; HoudiniSession drives it and its exit code comes back', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const script = path.join(sb.dir, 'serve.py');
  fs.writeFileSync(script, SERVE);
  const cli = spawn(process.execPath, [BIN, 'houdini-batch', script], { env: { ...sb.env, ...EXE }, stdio: ['ignore', 'pipe', 'pipe'] });
  killLater(t, cli.pid);
  let stdout = '';
  cli.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));

  const home = sb.env.DCC_KIT_HOME!;
  await until(() => fs.existsSync(hubPaths(home).runtimeFile), PATIENCE_MS, 'the hub to start');
  const client = await connectHub({ home, env: sb.env });
  t.teardown(() => closeClient(client));
  const houdini = await HoudiniSession.connect(client, { wait: PATIENCE_MS });
  killLater(t, houdini.pid ?? undefined);
  await houdini.exec('frames = list(range(1, 4))');
  t.deepEqual(await houdini.eval('[f * 2 for f in frames]'), [2, 4, 6]);
  t.deepEqual((await houdini.hipInfo()).frameRange, [1, 240]);
  await houdini.exec('import builtins\nbuiltins.stop_serving.set()').catch((err: Error) => {
    if (!/connection lost|not connected/.test(err.message)) throw err; // hython may exit before its reply
  });
  t.is(await exited, 3);
  t.regex(stdout, /^serving\ndone serving\n$/);
});

test('Ctrl-C stops hython and everything it started; a missing script or hython is a clear error', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const script = path.join(sb.dir, 'serve.py');
  fs.writeFileSync(script, `import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print("child", child.pid, flush=True)
${SERVE}`);
  const cli = spawn(process.execPath, [BIN, 'houdini-batch', script], { env: { ...sb.env, ...EXE }, stdio: ['ignore', 'pipe', 'pipe'] });
  killLater(t, cli.pid);
  let stdout = '';
  let stderr = '';
  cli.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  cli.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
  let gone = false;
  cli.on('exit', () => { gone = true; });
  await until(() => /^serving$/m.test(stdout) || gone, PATIENCE_MS, 'the script to serve');
  t.false(gone, `houdini-batch exited before the script served: ${stderr}`);
  const grandchild = Number(/^child (\d+)$/m.exec(stdout)![1]);
  killLater(t, grandchild);
  const client = await connectHub({ home: sb.env.DCC_KIT_HOME!, env: sb.env });
  t.teardown(() => closeClient(client));
  const houdini = await HoudiniSession.connect(client, { wait: PATIENCE_MS });
  const hython = houdini.pid!;
  killLater(t, hython);
  t.true(isAlive(hython) && isAlive(grandchild));

  cli.kill('SIGINT');
  t.is(await exited, 130);
  t.regex(stderr, /interrupted; hython and the processes it started were stopped/);
  await until(() => !isAlive(hython) && !isAlive(grandchild), PATIENCE_MS, 'hython and its child to be gone');

  const missing = await sb.run(['houdini-batch', path.join(sb.dir, 'nope.py')], { env: EXE });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /script not found: .*nope\.py/);
  const lonely = path.join(sb.dir, 'hfs', 'bin', 'houdini');
  fs.mkdirSync(path.dirname(lonely), { recursive: true });
  fs.copyFileSync(FAKE_HOUDINI, lonely);
  fs.chmodSync(lonely, 0o755);
  const noHython = await sb.run(['houdini-batch', script], { env: { DCC_KIT_HOUDINI_EXECUTABLE: lonely } });
  t.is(noHython.code, 1);
  t.regex(noHython.stderr, /hython executable not found: tried .*hfs[\\/]bin[\\/]hython \(set houdini\.hython in \.dcckitrc, it is looked for beside houdini\.executable/);
  const usage = await sb.run(['houdini-batch', '--frames', '1', script], { env: EXE });
  t.is(usage.code, 2);
  t.regex(usage.stderr, /unknown option --frames \(options for the script go after it\)/);
});
