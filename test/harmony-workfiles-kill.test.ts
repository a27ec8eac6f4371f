/**
 * Reliability of background saves: a real hub process (started like `dcc-kit hub start`) is SIGKILLed at
 * random moments while it zips a few-MB project, ten times. The archive must always be either the previous
 * valid one or the complete new one, and the hub that is started next removes the leftovers (temp archive
 * beside the destination, snapshot in the work area) before it handles workfiles.
 */
import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { connectHub, type HubClient } from '../kit/hub/client.ts';
import { hubPaths, isProcessAlive, readRuntime } from '../kit/hub/runtime.ts';
import { listZip, verifyZip, zipDirectory } from '../kit/archive/index.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { SimScene } from '../adapters/harmony/simulator/dom/index.ts';
import type { SaveTicket } from '../adapters/harmony/workfiles/service.ts';

const ROUNDS = 10;
const leftover = (names: string[]) => names.filter((n) => /\.dcckit-(tmp|old|reserved)-?/.test(n));

test('SIGKILL of the hub during background zips never leaves a partial archive; the next hub cleans up', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const home = sb.env.DCC_KIT_HOME!;
  const shots = path.join(sb.dir, 'shots');
  const project = path.join(sb.dir, 'src', 'sh070_anim_v001');
  SimScene.createDefault(project, 'sh070_anim_v001');
  for (let i = 0; i < 30; i++) await fsp.writeFile(path.join(project, 'elements', `d-${i}.tvg`), `stroke ${i} `.repeat(9_000));
  await fsp.writeFile(path.join(project, 'audio', 'take.wav'), crypto.randomBytes(2_500_000));
  await fsp.mkdir(shots);
  const zip = path.join(shots, 'sh070_anim_v001.zip');
  await zipDirectory(project, zip);

  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json']);
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  const copy = path.join(home, 'harmony', 'sh070_anim_v001');
  const workArea = path.join(home, 'harmony');

  const connect = async (): Promise<HubClient> => {
    const info = (await readRuntime(hubPaths(home)))!;
    const client = await connectHub({ port: info.port, token: info.token, connectTimeout: PATIENCE_MS });
    await client.subscribe();
    await client.session('harmony', { wait: 20_000 });
    return client;
  };
  const save = (client: HubClient) => client.adapter('harmony', 'workfile.save', {}, { timeout: 30_000 }) as Promise<SaveTicket>;
  const outcomeOf = (client: HubClient, id: string) => new Promise<string>((resolve) => {
    client.on('event', (e: { event: string; ids?: string[] }) => {
      if ((e.event === 'workfile.saved' || e.event === 'workfile.failed') && e.ids?.includes(id)) resolve(e.event);
    });
  });

  // One undisturbed save to learn how long a background zip (after the answer) takes here.
  let client = await connect();
  const first = await save(client);
  const t0 = performance.now();
  t.is(await outcomeOf(client, first.id), 'workfile.saved');
  const zipMs = performance.now() - t0;
  client.close();

  const seen = { previous: 0, replaced: 0, tempsAfterKill: 0 };
  for (let round = 1; round <= ROUNDS; round++) {
    client = await connect();
    const marker = `notes/round-${round}.txt`;
    await fsp.mkdir(path.join(copy, 'notes'), { recursive: true });
    await fsp.writeFile(path.join(copy, marker), `round ${round}`);
    const previous = await fsp.readFile(zip);
    const hubPid = (await readRuntime(hubPaths(home)))!.pid;
    await save(client);
    await new Promise((r) => setTimeout(r, Math.random() * zipMs * 1.1));
    process.kill(hubPid, 'SIGKILL');
    while (isProcessAlive(hubPid)) await new Promise((r) => setTimeout(r, 5));
    client.close();
    // The next hub starts at once, as the CLI starts it; the simulated Harmony reconnects to it by itself.
    // Only its first workfile request below may clean up, so what the kill left is looked at meanwhile.
    const restart = sb.run(['hub', 'start', '--json']);

    const now = await fsp.readFile(zip);
    if (now.equals(previous)) seen.previous++;
    else {
      await verifyZip(zip);
      t.true((await listZip(zip)).some((e) => e.name === marker), `round ${round}: a replaced archive holds this round's save`);
      seen.replaced++;
    }
    if (leftover([...fs.readdirSync(shots), ...fs.readdirSync(workArea)]).length) seen.tempsAfterKill++;

    const started = await restart;
    t.is(started.code, 0, started.stderr);
    client = await connect();
    await client.adapter('harmony', 'workfile.status', {});
    t.deepEqual(leftover(fs.readdirSync(shots)), [], `round ${round}: no temp archive beside the workfile`);
    t.deepEqual(leftover(fs.readdirSync(workArea)), [], `round ${round}: no snapshot left in the work area`);
    client.close();
  }
  t.log(`${ROUNDS} kills: archive kept ${seen.previous}, replaced ${seen.replaced}; temp files found after ${seen.tempsAfterKill} kills (zip takes ~${Math.round(zipMs)} ms)`);
  t.is(seen.previous + seen.replaced, ROUNDS);
  await verifyZip(zip);
});
