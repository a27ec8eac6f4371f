/**
 * dcc-kit-harmony-sim: a process that behaves like the Harmony executable for pipelines and CI.
 *
 *   dcc-kit-harmony-sim [scene.xstage | project-folder]        open a scene (none: a new default scene)
 *   dcc-kit-harmony-sim -batch -frames A B scene.xstage       render enabled WRITE nodes to PNG and exit
 *
 * Simulator-only options: --version 21.1, --trigger "Load..." (after the hub session is up),
 * --exit-after-trigger, --fault split=N|coalesce=MS|delay=MS|drop-after=N|crash-after=N|crash-on=TEXT (repeatable).
 */
import { parseArgs } from 'node:util';
import { HarmonySimulator } from './engine.ts';
import { batchRender, SceneNotFoundError } from './dom/index.ts';
import type { SocketFaults } from './qt.ts';

export const SIM_HELP = `usage: dcc-kit-harmony-sim [scene.xstage | project-folder] [options]
       dcc-kit-harmony-sim -batch -frames FIRST LAST scene.xstage

A headless stand-in for Toon Boom Harmony: opens the scene, runs TB_sceneOpened.js from
TOONBOOM_GLOBAL_SCRIPT_LOCATION and the per-user <MM>00-scripts folder in a fresh script engine,
and serves the scripts' sockets, timers and menus until it is killed.

options:
  -batch -frames A B     render frames A..B of every enabled WRITE node to PNG files, then exit
  --version X.Y          Harmony version to behave as (default: DCC_KIT_SIM_VERSION or 24.0)
  --trigger ITEM         trigger a script menu item (e.g. "Load..." or "dcc-kit/Load...") once connected
  --exit-after-trigger   exit 0 after the triggered item has been handled
  --fault SPEC           split=N | coalesce=MS | delay=MS | drop-after=N | crash-after=N | crash-on=TEXT
  --help                 this help
`;

function parseFaults(specs: string[]): { faults: SocketFaults; crashAfter?: number; crashOn?: string } {
  const faults: SocketFaults = {};
  let crashAfter: number | undefined;
  let crashOn: string | undefined;
  for (const spec of specs) {
    const [key, raw] = spec.split('=');
    if (key === 'crash-on') {
      if (!raw) throw new Error('--fault crash-on=TEXT: crash when incoming bytes contain TEXT');
      crashOn = spec.slice('crash-on='.length);
      continue;
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--fault ${spec}: expected KEY=NUMBER`);
    if (key === 'split') faults.splitIncoming = n;
    else if (key === 'coalesce') faults.coalesceMs = n;
    else if (key === 'delay') faults.delayMs = n;
    else if (key === 'drop-after') faults.dropAfterChunks = n;
    else if (key === 'crash-after') crashAfter = n;
    else throw new Error(`--fault ${spec}: unknown fault (split, coalesce, delay, drop-after, crash-after, crash-on)`);
  }
  return { faults, crashAfter, crashOn };
}

export async function simMain(argv: string[]): Promise<number> {
  // Harmony's own single-dash flags first.
  const batch = argv.includes('-batch');
  const rest = argv.filter((a) => a !== '-batch');
  let frames: [number, number] | null = null;
  const fi = rest.indexOf('-frames');
  if (fi >= 0) {
    frames = [Number(rest[fi + 1]), Number(rest[fi + 2])];
    rest.splice(fi, 3);
    if (!frames.every(Number.isInteger)) {
      console.error('-frames takes two whole numbers: -frames FIRST LAST');
      return 2;
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest, allowPositionals: true, strict: true,
      options: {
        version: { type: 'string' }, trigger: { type: 'string' }, 'exit-after-trigger': { type: 'boolean' },
        fault: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${SIM_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(SIM_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    console.error(`one scene at a time (got ${positionals.length})\n${SIM_HELP}`);
    return 2;
  }
  const scenePath = positionals[0] ?? null;

  if (batch) {
    if (!scenePath) {
      console.error('-batch needs a scene: dcc-kit-harmony-sim -batch -frames 1 10 scene.xstage');
      return 2;
    }
    try {
      const sceneFrames = frames ?? [1, 1];
      const { files } = await batchRender(scenePath, sceneFrames[0], sceneFrames[1], { log: (s) => console.log(s) });
      console.log(`Rendered ${files.length} frame(s).`);
      return 0;
    } catch (err) {
      console.error(`Harmony batch render failed: ${(err as Error).message}`);
      return 1;
    }
  }

  let faultSetup;
  try {
    faultSetup = parseFaults(values.fault ?? []);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const { crashAfter, crashOn } = faultSetup;
  if (crashAfter !== undefined || crashOn !== undefined) {
    let seen = 0;
    faultSetup.faults.onIncoming = (bytes) => {
      seen++;
      if ((crashAfter !== undefined && seen > crashAfter) || (crashOn !== undefined && bytes.includes(crashOn))) {
        console.log('[simulator] crashing as asked by --fault');
        process.exit(134);
      }
    };
  }
  const sim = new HarmonySimulator({
    env: process.env,
    version: values.version,
    gui: true,
    faults: faultSetup.faults,
    log: (line) => console.log(line),
  });
  try {
    sim.open(scenePath);
  } catch (err) {
    if (err instanceof SceneNotFoundError) {
      console.error(`Harmony: ${(err as Error).message}`);
      return 1;
    }
    throw err;
  }
  console.log(`[simulator] Harmony ${sim.version.major}.${sim.version.minor} (simulated), pid ${process.pid}, scene ${sim.scene?.xstagePath}`);

  const exit = (code: number) => { sim.close(); process.exit(code); };
  const item = values.trigger;
  if (item) {
    const fire = () => {
      if (!sim.triggerMenu(item)) {
        console.error(`--trigger: no menu item "${item}" (menus: ${JSON.stringify(sim.app.scriptMenus())})${sim.ranHook ? '' : ' (no startup script ran: see above)'}`);
        exit(2);
      }
      if (values['exit-after-trigger']) {
        // Done once the triggered request was answered (what it shows is shown by then), or, for a client
        // whose requests get no answer (AYON's), once the line has been quiet for a while.
        let quiet: NodeJS.Timeout;
        const settle = (ms: number) => { clearTimeout(quiet); quiet = setTimeout(() => exit(0), ms); };
        sim.on('socket', (what: string) => { if (what === 'read') settle(150); });
        settle(1500);
      }
    };
    // Fire once the script is connected to the hub, whatever the script: it has written its first frame
    // Without any connection, give up after 10 s.
    let fired = false;
    const once = () => { if (!fired) { fired = true; fire(); } };
    // (a hello), and the hub answered it or, for a client the hub does not answer, a moment passed.
    let wrote = false;
    const onSocket = (what: string) => {
      if (what === 'write' && !wrote) {
        wrote = true;
        setTimeout(once, 300);
      } else if (what === 'read' && wrote) {
        sim.off('socket', onSocket);
        setTimeout(once, 20);
      }
    };
    sim.on('socket', onSocket);
    // No startup script ran: nothing will connect, say so now.
    if (sim.ranHook === null) once();
    else setTimeout(() => { sim.off('socket', onSocket); once(); }, 10_000).unref();
  }
  process.on('SIGTERM', () => exit(0));
  process.on('SIGINT', () => exit(0));
  // Keep the process alive like a GUI application does.
  setInterval(() => {}, 1 << 30);
  return -1;
}
