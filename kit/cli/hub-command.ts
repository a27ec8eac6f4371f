import fs from 'node:fs';
import { PACKAGE_ROOT } from '../package-root.ts';
import { KIT_VERSION } from '../version.ts';
import fsp from 'node:fs/promises';
import type { CliCommand, CliContext } from './types.ts';
import { parse, print, printJson, table } from './args.ts';
import { UsageError } from '../errors.ts';
import { loadConfig } from '../config.ts';
import { hubPaths, readRuntime, isProcessAlive, sleep, type RuntimeInfo } from '../hub/runtime.ts';
import { ensureHub, probeHub } from '../hub/start.ts';
import { connectHub } from '../hub/client.ts';

const HELP = `usage: dcc-kit hub <start|status|stop|logs> [options]

  start [--json]          start the hub, or attach to the one already running; returns once it is ready
  status [--json]         pid, port, local socket, scheduling, installation (folder, version), uptime,
                          sessions and traffic of the running hub
                          (exit 1 when none runs)
  stop [--json]           stop the hub gracefully (pending calls are answered with an error)
  logs [-f] [-n LINES]    print the end of the hub log (<home>/logs/hub.log); -f follows it
`;

export const hubCommand: CliCommand = {
  name: 'hub',
  summary: 'start, inspect or stop the per-user hub',
  help: HELP,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    switch (sub) {
      case 'start': return start(ctx, rest);
      case 'status': return status(ctx, rest);
      case 'stop': return stop(ctx, rest);
      case 'logs': return logs(ctx, rest);
      default: throw new UsageError(sub ? `unknown hub command "${sub}"\n${HELP}` : HELP);
    }
  },
};

async function home(ctx: CliContext): Promise<string> {
  return (await loadConfig({ cwd: ctx.cwd, env: ctx.env })).config.home;
}

/** The hub runs but its web page does not (its port is taken...): said on stderr, the hub is still usable. */
export function warnWebProblem(ctx: Pick<CliContext, 'stderr'>, info: Pick<RuntimeInfo, 'web'>): void {
  if (info.web && 'error' in info.web) ctx.stderr.write(`dcc-kit: the hub runs, but without its web page: ${info.web.error}\n`);
}

async function start(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, 'dcc-kit hub start [--json]');
  const { info, started } = await ensureHub({ home: await home(ctx), env: ctx.env, cwd: ctx.cwd });
  if (values.json) printJson(ctx, { started, pid: info.pid, port: info.port, ...(info.web ? { web: info.web } : {}) });
  else print(ctx, `${started ? 'hub started' : 'attached to the running hub'}: pid ${info.pid}, 127.0.0.1:${info.port}`);
  warnWebProblem(ctx, info);
  return 0;
}

async function status(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, 'dcc-kit hub status [--json]');
  const paths = hubPaths(await home(ctx));
  const info = await readRuntime(paths);
  if (!info || !(await probeHub(info))) {
    const stale = info && !isProcessAlive(info.pid) ? ` (a stale runtime file of dead pid ${info.pid} will be replaced at the next start)` : '';
    if (values.json) printJson(ctx, { running: false });
    else print(ctx, `no hub is running${stale}. Start it with: dcc-kit hub start`);
    return 1;
  }
  const client = await connectHub({ port: info.port, token: info.token });
  try {
    const [stats, sessions] = await Promise.all([client.stats(), client.sessions()]);
    // A global dcc-kit can find a hub a checkout started (or the other way round): say whose hub it is.
    const installation = { root: info.root ?? null, version: info.version, sameAsThisCommand: info.root === undefined ? null : info.root === PACKAGE_ROOT && info.version === KIT_VERSION };
    if (values.json) {
      printJson(ctx, { running: true, ...stats, installation, ...(info.web ? { web: info.web } : {}), sessionList: sessions });
      return 0;
    }
    const whose = info.root === undefined ? `dcc-kit ${info.version} (an older hub: its folder is not recorded)`
      : `${info.root} (dcc-kit ${info.version})${installation.sameAsThisCommand ? '' : `; this command is ${PACKAGE_ROOT} (dcc-kit ${KIT_VERSION}), another installation`}`;
    print(ctx, table([
      ['pid', String(stats.pid)],
      ['port', `127.0.0.1:${stats.port}`],
      ['local socket', typeof stats.socket === 'string' ? `${stats.socket} (tools on this machine)` : 'none (tools use the port)'],
      ...(typeof stats.scheduling === 'string' ? [['scheduling', stats.scheduling === 'batch' ? 'batch (SCHED_BATCH: a woken hub does not preempt the DCC)' : stats.scheduling]] : []),
      ...(info.web ? [['web page', 'port' in info.web ? `http://127.0.0.1:${info.web.port}/ (open it with dcc-kit ui)` : `not served: ${info.web.error}`]] : []),
      ['version', String(stats.version)],
      ['installation', whose],
      ['uptime', `${Math.round(Number(stats.uptimeMs) / 1000)} s`],
      ['sessions', String(stats.sessions)],
      ['connections', `${stats.connections}${typeof stats.pages === 'number' && stats.pages > 0 ? ` (and ${stats.pages} open web page${stats.pages === 1 ? '' : 's'})` : ''}`],
      ['frames in/out', `${stats.framesIn} / ${stats.framesOut}`],
      ['bytes in/out', `${stats.bytesIn} / ${stats.bytesOut}`],
      ['runtime file', paths.runtimeFile],
      ['log', paths.logFile],
    ]).trimEnd());
    return 0;
  } finally {
    client.close();
  }
}

async function stop(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, 'dcc-kit hub stop [--json]');
  const paths = hubPaths(await home(ctx));
  const info = await readRuntime(paths);
  if (!info || !(await probeHub(info))) {
    if (values.json) printJson(ctx, { stopped: false, running: false });
    else print(ctx, 'no hub is running');
    return 0;
  }
  const client = await connectHub({ port: info.port, token: info.token });
  try {
    await client.stopHub();
  } finally {
    client.close();
  }
  // The hub first lets background work (a workfile zip) finish, for at most a minute.
  const deadline = Date.now() + 75_000;
  let told = false;
  while (isProcessAlive(info.pid) && Date.now() < deadline) {
    if (!told && !values.json && Date.now() > deadline - 70_000) {
      print(ctx, 'waiting for the hub to finish background work (a workfile save)...');
      told = true;
    }
    await sleep(25);
  }
  const stopped = !isProcessAlive(info.pid);
  if (values.json) printJson(ctx, { stopped, pid: info.pid });
  else print(ctx, stopped ? `hub stopped (pid ${info.pid})` : `hub pid ${info.pid} did not exit within 75 s (see dcc-kit hub logs)`);
  return stopped ? 0 : 1;
}

async function logs(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parse(argv, { follow: { type: 'boolean', short: 'f' }, lines: { type: 'string', short: 'n' } }, 'dcc-kit hub logs [-f] [-n LINES]');
  const lines = values.lines === undefined ? 50 : Number(values.lines);
  if (!Number.isInteger(lines) || lines < 0) throw new UsageError('-n takes a whole number of lines');
  const file = hubPaths(await home(ctx)).logFile;
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    print(ctx, `no hub log yet (${file})`);
    if (!values.follow) return 0;
    text = '';
  }
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  if (all.length && lines > 0) print(ctx, all.slice(-lines).join('\n'));
  if (!values.follow) return 0;
  let offset = Buffer.byteLength(text);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      let size: number;
      try { size = fs.statSync(file).size; } catch { return; }
      if (size < offset) offset = 0; // rotated
      if (size === offset) return;
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      offset = size;
      ctx.stdout.write(buf);
    }, 250);
    ctx.stdout.on('error', () => { clearInterval(timer); resolve(); });
  });
  return 0;
}
