/**
 * AYON's Harmony client processes a second frame buffered in the same read only if it is longer than the
 * first (its B1 bug): an answer to one of its menu requests arriving together with a call frame could
 * strand the call. The hub never answers that client's requests, so only calls reach it, one at a time.
 * Reproduced with the project's AYON-style fixture under --fault coalesce.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectHub } from '../kit/hub/client.ts';
import { startHub, startSim, tempDir } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/ayon-harmony/', import.meta.url));
const kitHome = fs.mkdtempSync(path.join(os.tmpdir(), 'dcckit-ayon-stranded-'));
process.env.DCC_KIT_HOME = kitHome;
test.after.always(() => fs.rmSync(kitHome, { recursive: true, force: true }));

test('menu requests served while a tool keeps 4 calls in flight under coalesced reads strand no call', async (t) => {
  const dir = tempDir(t, 'dcckit-ayon-');
  const hub = await startHub(t, { config: { harmony: { compat: 'ayon' } }, callTimeout: 15_000 });
  const sim = startSim(t, {
    HOME: path.join(dir, 'home'), TOONBOOM_GLOBAL_SCRIPT_LOCATION: FIXTURE_DIR, AYON_HARMONY_PORT: String(hub.port), AYON_MENU_LABEL: 'AYON',
  }, { faults: { coalesceMs: 20 } }, dir);
  sim.open(null);
  // A stranded call waits until the next frame reaches the client, and none comes (each round waits for all
  // its calls): it fails at the hub's call timeout (15 s, a margin a loaded machine keeps), not at the tool's.
  const c = await connectHub({ port: hub.port, token: hub.token, connectTimeout: PATIENCE_MS, callTimeout: PATIENCE_MS });
  t.teardown(() => c.close());
  await c.session('harmony', { wait: PATIENCE_MS });

  let answered = 0;
  const failures: string[] = [];
  // Every 10th round, one call clicks a menu item from inside Harmony (as an artist does while the pipeline
  // works): the client's request reaches the hub just before that call's reply, so an answer to it would
  // be written right before the next call, and both would land in one read.
  const click = '(function () { QCoreApplication.instance().ayonClient.send({ module: "ayon_harmony.api.lib", method: "show", args: ["experimental_tools"] }); return 1; })';
  for (let round = 0; round < 60; round++) {
    const calls = Array.from({ length: 4 }, (_, i) => {
      const [fn, args] = round % 10 === 0 && i === 0 ? [click, undefined] : i % 2 ? ['node.subNodes', 'Top'] : ['(function (a) { return a; })', `r${round}c${i}`];
      return c.call('harmony', fn, args).then(() => { answered++; }, (err: Error) => { failures.push(err.message); });
    });
    await Promise.all(calls);
  }
  t.deepEqual(failures, []);
  t.is(answered, 240);
});
