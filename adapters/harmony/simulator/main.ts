/**
 * dcc-kit-harmony-sim: a process that behaves like the Harmony executable for pipelines and CI.
 *
 *   dcc-kit-harmony-sim [scene.xstage | project-folder]        open a scene (none: a new default scene)
 *   dcc-kit-harmony-sim -batch -frames A B scene.xstage       render enabled WRITE nodes to PNG and exit
 *   dcc-kit-harmony-sim --check <script.js | folder>           list the Harmony calls the simulator does not model
 *
 * Simulator-only options: --version 21.1, --trigger "Load..." (after the hub session is up),
 * --exit-after-trigger, --answer ok|cancel|JSON (the next dialog's answer, repeatable), --fault split=N|coalesce=MS|delay=MS|drop-after=N|crash-after=N|crash-on=TEXT (repeatable).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { checkScripts, formatCheck } from './check.ts';
import { HarmonySimulator } from './engine.ts';
import type { DialogAnswer } from './engine-globals.ts';
import { batchRender, SceneNotFoundError } from './dom/index.ts';
import type { SocketFaults } from './qt.ts';
import { FrameDecoder } from '../../../kit/protocol/frame.ts';
import { endProcess } from '../../../kit/exit.ts';

export const SIM_HELP = `usage: dcc-kit-harmony-sim [scene.xstage | project-folder] [options]
       dcc-kit-harmony-sim -batch -frames FIRST LAST scene.xstage
       dcc-kit-harmony-sim --check <script.js | folder> [--json]

A headless stand-in for Toon Boom Harmony: opens the scene (none: a new untitled scene in a temp folder,
removed on exit), runs TB_sceneOpened.js (a new scene: TB_sceneCreated.js) from
TOONBOOM_GLOBAL_SCRIPT_LOCATION or the per-user <MM>00-scripts folder in a fresh script engine, says
which one ran (or why none did), and serves the scripts' sockets, timers and menus until it is killed.

options:
  -batch -frames A B     render frames A..B of every enabled WRITE node to PNG files, then exit
  -preRenderScript F     with -batch: run the script file F in the scene before rendering (not saved)
  -preRenderInlineScript S   with -batch: the same with the script text S
  --version X.Y          Harmony version to behave as (default: DCC_KIT_SIM_VERSION or 24.0)
  --trigger ITEM         trigger a script menu item (e.g. "Load..." or "dcc-kit/Load...") once the startup
                         script is connected to the hub (whatever the script: dcc-kit's, AYON's, a studio's)
  --exit-after-trigger   exit 0 once the triggered request has been answered (or, for a client whose
                         requests get no answer, such as AYON's, once the connection is quiet)
  --fault SPEC           split=N | coalesce=MS | delay=MS | drop-after=N | crash-after=N | crash-on=TEXT
  --answer A             answer the next dialog a script shows (repeatable, in order): ok, cancel, or JSON
                         {"ok": true, "values": {"<widget label>": "<text>"}}; unanswered dialogs are cancelled
  --check PATH           do not run: read the ES5 scripts in PATH (a .js file or a folder) and list, with
                         file:line, every use of a Harmony member the simulator models only partly, only
                         records (stub), does not model (NotSimulated) or that does not exist at all;
                         exit 0 when everything they call is modelled (partial uses are listed), 1 when
                         something is not or a file does not parse as ES5, 2 for usage errors; --json for data
  --help                 this help

What the simulator models, member by member: docs/SIMULATOR.md.
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

function parseAnswer(text: string): DialogAnswer {
  if (text === 'ok' || text === 'cancel') return { ok: text === 'ok' };
  let answer: unknown;
  try { answer = JSON.parse(text); } catch { answer = null; }
  const a = answer as DialogAnswer | null;
  if (!a || typeof a.ok !== 'boolean' || (a.values !== undefined && (typeof a.values !== 'object' || a.values === null))) {
    throw new Error(`--answer ${text}: expected ok, cancel, or {"ok": true|false, "values": {"<label>": "<text>"}}`);
  }
  return a;
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
  // Harmony's batch render runs these in the scene it renders, before rendering (nothing is saved).
  const preRender: { source: string; filename: string }[] = [];
  for (const flag of ['-preRenderScript', '-preRenderInlineScript']) {
    const at = rest.indexOf(flag);
    if (at < 0) continue;
    const value = rest[at + 1];
    if (value === undefined) {
      console.error(`${flag} takes ${flag === '-preRenderScript' ? 'a script file' : 'a script'}`);
      return 2;
    }
    rest.splice(at, 2);
    if (flag === '-preRenderInlineScript') preRender.push({ source: value, filename: flag });
    else {
      try {
        preRender.push({ source: fs.readFileSync(value, 'utf8'), filename: value });
      } catch (err) {
        console.error(`-preRenderScript ${value}: ${(err as Error).message}`);
        return 1;
      }
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest, allowPositionals: true, strict: true,
      options: {
        version: { type: 'string' }, trigger: { type: 'string' }, 'exit-after-trigger': { type: 'boolean' },
        fault: { type: 'string', multiple: true }, answer: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
        check: { type: 'string' }, json: { type: 'boolean' },
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
  let answers: DialogAnswer[];
  try {
    answers = (values.answer ?? []).map(parseAnswer);
  } catch (err) {
    console.error(`${(err as Error).message}\n${SIM_HELP}`);
    return 2;
  }

  if (values.check !== undefined) {
    if (positionals.length > 0 || batch) {
      console.error(`--check takes one script or folder and nothing else\n${SIM_HELP}`);
      return 2;
    }
    if (!fs.existsSync(values.check)) {
      console.error(`--check ${values.check}: no such file or folder`);
      return 2;
    }
    const result = checkScripts(values.check);
    const { text, code } = formatCheck(result);
    if (values.json) process.stdout.write(`${JSON.stringify({ ok: code === 0, files: result.files, findings: result.findings, errors: result.errors }, null, 2)}\n`);
    else console.log(text);
    return code;
  }

  if (batch) {
    if (!scenePath) {
      console.error('-batch needs a scene: dcc-kit-harmony-sim -batch -frames 1 10 scene.xstage');
      return 2;
    }
    try {
      const sceneFrames = frames ?? [1, 1];
      const { files } = await batchRender(scenePath, sceneFrames[0], sceneFrames[1], { log: (s) => console.log(s), preRender });
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
  sim.dialogAnswers.push(...answers);
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

  // Keep the process alive like a GUI application does, until an --exit-after-trigger ends it.
  const alive = setInterval(() => {}, 1 << 30);
  const exit = (code: number) => {
    sim.close();
    clearInterval(alive);
    endProcess(code);
  };
  const item = values.trigger;
  if (item) triggerWhenConnected(sim, item, values['exit-after-trigger'] === true, faultSetup.faults, exit);
  // No SIGTERM/SIGINT handlers: like Harmony, the simulator dies on them at once, even while a script loops
  // (a JavaScript handler could not run then). The next simulator removes the untitled scene's temp folder.
  return -1;
}

/** Quiet time after which a triggered request nobody answers counts as served (AYON's client gets no answers). */
const UNANSWERED_QUIET_MS = 1500;
/** How long a startup script that has not tried to connect from its hook gets to start trying. */
const NO_ATTEMPT_MS = 1000;
/** How long to wait for the startup script's connection before triggering anyway. */
const CONNECT_WAIT_MS = 10_000;

/**
 * --trigger: fires the menu item once the startup script is connected to the hub, whatever the script:
 * its socket wrote its first frame (a hello, dcc-kit's or AYON's) and the hub answered it, or, for a client
 * the hub does not answer, did not close it. The hub reads a connection's frames in order, so the menu's
 * request can never overtake the hello. With --exit-after-trigger, exits once the request the item sent
 * was answered (after the script handled the answer), or after a quiet moment when no answer comes.
 */
function triggerWhenConnected(sim: HarmonySimulator, item: string, exitAfter: boolean, faults: SocketFaults, exit: (code: number) => void): void {
  // The frames each way, to see the hello, the triggered request and its answer (bad bytes: stop looking).
  const decoders = { write: new FrameDecoder(), read: new FrameDecoder() };
  const framesOf = (what: 'write' | 'read', bytes: Buffer): Record<string, unknown>[] => {
    try {
      return decoders[what].push(bytes) as Record<string, unknown>[];
    } catch {
      decoders[what] = new FrameDecoder();
      return [];
    }
  };
  let state: 'waiting' | 'triggered' | 'done' = 'waiting';
  let requestId: unknown;
  let quiet: NodeJS.Timeout | undefined;
  // Time for an answer already read to reach the script through the simulated socket's faults.
  const drainMs = 50 + (faults.coalesceMs ?? 0) + (faults.delayMs ?? 0);

  const finish = (why: string) => {
    if (state === 'done') return;
    state = 'done';
    console.log(`[simulator] ${why}; exiting (--exit-after-trigger)`);
    setTimeout(() => exit(0), drainMs);
  };
  const fire = (why: string) => {
    if (state !== 'waiting') return;
    state = 'triggered';
    console.log(`[simulator] ${why}: triggering "${item}"`);
    // An item that answers by itself (e.g. says the hub is not reachable) is done once it said so.
    if (exitAfter) sim.on('message', () => { if (requestId === undefined) finish('the triggered item showed a message without sending a request'); });
    if (!sim.triggerMenu(item)) {
      console.error(`--trigger: no menu item "${item}" (menus: ${JSON.stringify(sim.app.scriptMenus())})${sim.ranHook ? '' : ' (no startup script ran: see above)'}`);
      exit(2);
      return;
    }
    if (exitAfter) rearmQuiet();
  };
  const rearmQuiet = () => {
    clearTimeout(quiet);
    quiet = setTimeout(() => finish(requestId === undefined
      ? `the triggered item sent nothing for ${UNANSWERED_QUIET_MS} ms`
      : `no answer to the triggered request (the hub does not answer this client's requests) and the connection was quiet for ${UNANSWERED_QUIET_MS} ms`), UNANSWERED_QUIET_MS);
  };

  let firstWrite = false;
  let helloTimer: NodeJS.Timeout | undefined;
  let noAttempt: NodeJS.Timeout | undefined;
  sim.on('socket', (what: 'connecting' | 'write' | 'read' | 'error', bytes: Buffer) => {
    if (what === 'connecting') { clearTimeout(noAttempt); return; }
    if (what === 'error') {
      if (state === 'waiting' && !firstWrite) fire(`the startup script could not connect to the hub (${bytes.toString()})`);
      return;
    }
    const frames = framesOf(what, bytes);
    if (state === 'waiting') {
      if (what === 'write' && !firstWrite && frames.length) {
        firstWrite = true;
        // A client the hub answers gets its answer within moments; one it does not answer is connected as is.
        helloTimer = setTimeout(() => fire('the startup script connected to the hub (its first frame got no answer, as a client in compatibility mode)'), 300);
      } else if (what === 'read' && firstWrite) {
        clearTimeout(helloTimer);
        setTimeout(() => fire('the startup script connected to the hub'), drainMs);
      }
      return;
    }
    if (state !== 'triggered' || !exitAfter) return;
    rearmQuiet();
    for (const f of frames) {
      if (what === 'write' && requestId === undefined && f.reply !== true && f.message_id !== undefined && (f.request !== undefined || f.module !== undefined || f.method !== undefined)) {
        requestId = f.message_id;
      } else if (what === 'read' && requestId !== undefined && f.reply === true && f.message_id === requestId) {
        finish('the triggered request was answered');
      }
    }
  });
  if (sim.ranHook === null) {
    // No startup script ran (the simulator said why): nothing will connect.
    fire('no startup script ran');
    return;
  }
  // Startup scripts connect from their hook; one that did not (no hub to find: it said why) gets a moment.
  if (sim.connectAttempts === 0) noAttempt = setTimeout(() => fire(`the startup script opened no connection to the hub within ${NO_ATTEMPT_MS} ms`), NO_ATTEMPT_MS);
  setTimeout(() => fire(`no connection from the startup script within ${CONNECT_WAIT_MS / 1000} s`), CONNECT_WAIT_MS).unref();
}
