/**
 * The hub process. Started detached by `dcc-kit hub start` (kit/hub/start.ts); exits with
 * EXIT_ALREADY_RUNNING when another live hub holds the lock.
 */
import { loadConfig, whereToChange } from '../config.ts';
import { AdapterRegistry, builtInAdapterNames, type Adapter } from '../adapter.ts';
import { Hub } from './server.ts';
import { RotatingLog } from './log.ts';
import { hubPaths, acquireHubLock, releaseHubLockSync, writeRuntime, removeRuntimeSync, readRuntime } from './runtime.ts';
import { EXIT_ALREADY_RUNNING, EXIT_PORT_TAKEN, probeHub } from './start.ts';
import { KIT_VERSION } from '../version.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { PROTOCOL_VERSION } from '../protocol/messages.ts';
import { removeOrphanedStaging } from '../publish/staging.ts';
import { applyHubScheduling } from '../scheduling.ts';
import { DccKitError } from '../errors.ts';
import { endProcess } from '../exit.ts';
import type { RuntimeInfo } from './runtime.ts';

/** Why the web page could not listen, naming the port and the key that sets it (and where it was set). */
function webListenProblem(err: NodeJS.ErrnoException, port: number, source: string | undefined): string {
  const fix = `${whereToChange('web.port', source)} (0 picks a free port), then restart the hub: dcc-kit hub stop && dcc-kit hub start`;
  if (err.code === 'EADDRINUSE') return `the web page's port ${port} (web.port) is taken by another program: free it, or ${fix}`;
  if (err.code === 'EACCES') return `the web page may not listen on port ${port} (web.port): permission denied; ${fix}`;
  return `the web page could not listen on port ${port} (web.port): ${err.message}; ${fix}`;
}

async function main(): Promise<number> {
  const { config, sources } = await loadConfig({ cwd: process.cwd(), env: process.env });
  const paths = hubPaths(config.home);
  if (!(await acquireHubLock(paths))) {
    console.log('another hub is already running');
    return EXIT_ALREADY_RUNNING;
  }
  const log = new RotatingLog(paths.logFile, { maxBytes: config.hub.logMaxBytes, files: config.hub.logFiles });
  log.info(await applyHubScheduling(config.hub.scheduling));
  const adapters = new AdapterRegistry(config.adapters);
  const hub = new Hub({
    port: config.hub.port,
    callTimeout: config.hub.callTimeout,
    pingInterval: config.hub.pingInterval,
    maxFrameBytes: config.hub.maxFrameBytes,
    adapters,
    log,
    config,
    home: config.home,
    socketPath: paths.socketFile,
  });
  // Adapters whose legacy (unauthenticated) mode is switched on must be ready before their client's first frame.
  for (const name of builtInAdapterNames()) {
    const section = (config as unknown as Record<string, { compat?: string } | undefined>)[name];
    if (section?.compat && section.compat !== 'none') {
      await adapters.get(name);
      log.warn(`${name}.compat is "${section.compat}": unauthenticated ${name} clients are accepted`);
    }
  }
  try {
    await hub.listen();
  } catch (err) {
    releaseHubLockSync(paths);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const info = await readRuntime(paths);
      if (info && info.port === config.hub.port && await probeHub(info)) return EXIT_ALREADY_RUNNING;
      const msg = `port ${config.hub.port} (hub.port) is already used by another program. Free it or set another hub.port in .dcckitrc (0 picks a free port)`;
      log.error(msg);
      console.error(msg);
      return EXIT_PORT_TAKEN;
    }
    throw err;
  }
  // The web page (web.enabled): in this process, on loopback; menu items and `dcc-kit ui` open it. Started before
  // the runtime file is written, so `hub start` and launches can say at once when its port is taken.
  let web: { close(): Promise<void> } | null = null;
  let webState: RuntimeInfo['web'];
  if (config.web.enabled) {
    try {
      const { WebServer } = await import('../web/server.ts');
      const { setActiveWebServer } = await import('../web/menu-open.ts');
      const server = new WebServer(hub);
      webState = { port: await server.listen({ port: config.web.port }) };
      setActiveWebServer(server);
      web = server;
    } catch (err) {
      const problem = webListenProblem(err as NodeJS.ErrnoException, config.web.port, sources['web.port']);
      webState = { error: problem };
      log.error(`web page not started: ${problem}`);
      // `dcc-kit ui` and the menu's items ask for the page's link: they are told why there is none.
      hub.toolRequests.set('web.url', () => { throw new DccKitError(problem, 'WEB_NOT_STARTED'); });
    }
  }
  await writeRuntime(paths, {
    pid: process.pid, port: hub.port, token: hub.token, version: KIT_VERSION, protocol: PROTOCOL_VERSION,
    startedAt: new Date().toISOString(), root: PACKAGE_ROOT,
    ...(hub.localSocket ? { socket: hub.localSocket } : {}),
    ...(webState ? { web: webState } : {}),
  });
  removeOrphanedStaging(paths.home).then((n) => { if (n) log.info(`removed ${n} publish staging folder(s) left by a hub that was killed`); },
    (err) => log.warn(`publish staging folders left by a killed hub not removed: ${(err as Error).message}`));
  // Built-in adapters get to tidy up after a killed hub (their modules import their heavy parts lazily).
  const started: Adapter[] = [];
  for (const name of builtInAdapterNames()) {
    const adapter = await adapters.find(name);
    if (!adapter?.onHubStart && !adapter?.onHubStop) continue;
    started.push(adapter);
    adapter.onHubStart?.(hub.services).catch((err) => log.warn(`${name}: start-up tidying failed: ${(err as Error).message}`));
  }

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    // Let background work finish (a workfile zip), bounded so a stop never hangs.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(started.map((a) => a.onHubStop?.(hub.services).catch(() => {}))),
      new Promise((r) => { bound = setTimeout(r, 60_000); }),
    ]);
    clearTimeout(bound);
    await web?.close().catch(() => {});
    await hub.stop(reason);
    removeRuntimeSync(paths);
    releaseHubLockSync(paths);
    log.info('hub stopped');
    // The log stays open (its appends are synchronous) for a stop that something still holds up.
    endProcess(0, { onForced: (held) => log.warn(`the hub was still held open 5 s after it stopped (${held.join(', ')}): exiting anyway`) });
  };
  hub.on('stop-requested', () => void stop('requested by a client'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('uncaughtException', (err) => log.error(`uncaught: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`));
  return -1;
}

main().then((code) => { if (code >= 0) endProcess(code); }, (err) => {
  console.error(`hub failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
