/**
 * `npm run demo`: the whole round trip on a fresh machine. Starts the hub, launches Harmony (the bundled
 * simulator when no Harmony executable is configured or installed), calls into the session, and cleans up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../kit/config.ts';
import { launchDcc } from '../../kit/cli/launch-command.ts';
import { connectHub } from '../../kit/hub/client.ts';
import { resolveExecutable } from '../../kit/launch.ts';
import { HarmonySession } from './session.ts';
import { defaultHarmonyExecutables } from './paths.ts';

async function main(): Promise<number> {
  const ctx = { cwd: process.cwd(), env: process.env };
  const { config } = await loadConfig(ctx);
  let simulate = config.harmony.executable === 'simulator';
  if (!simulate) {
    try {
      await resolveExecutable({ configured: config.harmony.executable, candidates: defaultHarmonyExecutables(process.platform, process.env), key: 'harmony.executable', displayName: 'Harmony', env: process.env });
    } catch {
      simulate = true;
      console.log('No Harmony is configured or installed here: using the bundled Harmony simulator.');
    }
  }
  console.log('1. Launching Harmony and waiting for its startup script to connect...');
  const launched = await launchDcc(ctx, 'harmony', process.argv[2] ?? null, { simulate, config });
  console.log(`   session ${launched.session.id} (pid ${launched.pid}, Harmony ${launched.session.version}); hub ${launched.hub.started ? 'started' : 'attached'} on 127.0.0.1:${launched.hub.port}`);
  const hub = await connectHub({ port: launched.hub.port, home: config.home });
  try {
    const h = new HarmonySession(await hub.session(launched.session.id));
    console.log('2. node.subNodes("Top") ->', JSON.stringify(await h.call('node.subNodes', 'Top')));
    const added = await h.run(function addRead(args: { name: string }) {
      return node.add('Top', args.name, 'READ', 0, 0, 0);
    }, { name: 'demo_read' });
    console.log('3. an inline ES5 function added a node ->', added);
    const settings = await h.run(function sceneSettings() {
      return { fps: scene.getFrameRate(), frames: frame.numberOf(), width: scene.defaultResolutionX(), height: scene.defaultResolutionY() };
    });
    console.log('4. scene settings ->', JSON.stringify(settings));
    console.log('5. scene.saveAll() ->', await h.saveAll(), 'in', await h.scenePath());
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await h.call('scene.currentScene');
    console.log(`6. 200 sequential calls took ${(performance.now() - t0).toFixed(0)} ms (AYON's integration polls at 100 ms per call)`);
    const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcc-kit-demo-')), 'demo_v001.zip');
    await hub.subscribe();
    const outcome = new Promise<Record<string, unknown>>((resolve) => hub.on('event', (e: Record<string, unknown>) => {
      if (e.event === 'workfile.saved' || e.event === 'workfile.failed') resolve(e);
    }));
    const ticket = await hub.adapter('harmony', 'workfile.save', { session: h.id, to: dest }) as { snapshot: { ms: number } };
    console.log(`7. workfile save: Harmony saved and the project was snapshotted in ${ticket.snapshot.ms.toFixed(0)} ms; zipping in the background...`);
    const done = await outcome;
    console.log(`   ${done.event === 'workfile.saved' ? `written atomically: ${dest}` : `failed: ${JSON.stringify(done)}`}`);
  } finally {
    hub.close();
    if (simulate) process.kill(launched.pid, 'SIGTERM');
  }
  console.log(simulate ? 'Done: the simulated Harmony was closed; the hub keeps running (dcc-kit hub stop).' : 'Done: Harmony stays open.');
  return 0;
}

declare const node: { add(group: string, name: string, type: string, x: number, y: number, z: number): string };
declare const scene: { getFrameRate(): number; defaultResolutionX(): number; defaultResolutionY(): number };
declare const frame: { numberOf(): number };

main().then((code) => process.exit(code), (err) => {
  console.error(`demo failed: ${(err as Error).message}`);
  process.exit(1);
});
