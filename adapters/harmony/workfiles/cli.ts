/** `dcc-kit workfile open | save | list`: Harmony workfiles from the shell. */
import fs from 'node:fs';
import path from 'node:path';
import type { CliCommand, CliContext } from '../../../kit/cli/types.ts';
import { parse, print, printJson, table } from '../../../kit/cli/args.ts';
import { createProgress, formatBytes, formatDuration } from '../../../kit/cli/progress.ts';
import { DccKitError, UsageError } from '../../../kit/errors.ts';
import { loadConfig } from '../../../kit/config.ts';
import { connectHub, type HubClient } from '../../../kit/hub/client.ts';
import { sessionInCwd } from '../cli-session.ts';
import { WorkfileSaveFailedError } from './errors.ts';
import type { SaveTicket } from './service.ts';
import { listWorkfiles } from './versions.ts';

const USAGE = `usage: dcc-kit workfile open <workfile.zip> [--fresh] [--force] [--simulate] [--timeout MS] [--json]
       dcc-kit workfile save [--version-up] [--to <file.zip>] [--force] [--session ID] [--follow-outside-links] [--no-wait] [--json]
       dcc-kit workfile list [folder] [--json]`;

const HELP = `${USAGE}

Harmony workfiles are zip archives of a Harmony project folder, named by harmony.workfiles.template
(default {name}_v{version:03}.zip).

open   Extracts the workfile into the work area (harmony.workfiles.workArea/<archive name without .zip>/)
       and starts Harmony on the .xstage inside, like dcc-kit launch harmony <workfile.zip>. An existing
       local copy is reused when it is newer than the archive (or unchanged since it was extracted or
       saved); --fresh extracts again (refused while that copy is open in Harmony). A damaged or hostile
       archive, or one larger than harmony.workfiles.maxExtractBytes, is refused and leaves nothing behind.
       A workfile whose local copy is open in another Harmony (session, user, host and pid are named) is
       refused: both would save over each other; --force opens it anyway.
       --simulate runs the bundled Harmony simulator.
save   Asks Harmony to save, snapshots the project folder and writes the archive in the background (to a
       temp file beside it, verified, then renamed: a crash never leaves a partial archive). It saves over
       the workfile the scene was opened from; --version-up saves as the next free version instead, and
       --to saves to the given archive (later saves go there too). Waits and shows progress until the
       archive is written, unless --no-wait (Harmony shows a message either way). Saves that arrive while
       an archive is being written are queued; only the newest waiting one is written. With several
       Harmony sessions, choose one with --session (see dcc-kit sessions). Symlinks in the project folder
       are followed (what they lead to is archived); a link leading outside the project folder refuses the
       save unless --follow-outside-links is given.
       A save is refused, and nothing is written, when another live Harmony session saves to the same
       archive (it is named: session, pid, folder/task/workfile, user, host) or when the archive changed on
       disk since this scene was opened from it or last saved it: --version-up keeps both, --force
       overwrites it anyway.
list   Lists the workfile versions in a folder (default: the current one), newest first, with size and date.

Started without a workfile, dcc-kit launch harmony opens the workfile of the current folder saved last (at
its highest version) when harmony.workfiles.openLatest is true; else, when the folder's context has a folder
and a task, that shot's workfile in the folder (named by harmony.workfiles.template, e.g.
{folder_name}_{task}_v{version:03}.zip), made as version 1 when there is none, from
harmony.workfiles.templateScene (a workfile .zip or project folder) or the simulator's new scene; otherwise a
new scene: the simulator gets a copy of its scene template, real Harmony makes its own new scene (save it
with: dcc-kit workfile save --to <file.zip>). open (and launch) of a .zip that does not exist makes it the
same way, the scene inside named after it.
Old local copies are removed by harmony.workfiles.keepLocalCopies and maxLocalAgeDays, never while open.
`;

const SAVE_REQUEST_TIMEOUT = 11 * 60_000;

export const workfileCommand: CliCommand = {
  name: 'workfile',
  summary: 'open, save (in the background) and list Harmony workfiles',
  help: HELP,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    switch (sub) {
      case 'open': return openCommand(ctx, rest);
      case 'save': return saveCommand(ctx, rest);
      case 'list': return listCommand(ctx, rest);
      default: throw new UsageError(sub ? `unknown workfile command "${sub}"\n${USAGE}` : USAGE);
    }
  },
};

async function openCommand(ctx: CliContext, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    fresh: { type: 'boolean' }, force: { type: 'boolean' }, simulate: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' },
  }, USAGE);
  if (positionals.length !== 1) throw new UsageError(`workfile open takes one workfile\n${USAGE}`);
  const zip = path.resolve(ctx.cwd, positionals[0]!);
  if (!zip.toLowerCase().endsWith('.zip')) throw new UsageError(`${zip} is not a workfile (.zip); to open a scene folder or .xstage use dcc-kit launch harmony <scene>`);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout takes milliseconds above 0');
  const { launchDcc } = await import('../../../kit/cli/launch-command.ts');
  const progress = createProgress({ stream: ctx.stderr, interactive: ctx.interactive, label: 'extracting', unit: 'bytes' });
  let started = false;
  try {
    const out = await launchDcc(ctx, 'harmony', zip, {
      simulate: Boolean(values.simulate), fresh: Boolean(values.fresh), force: Boolean(values.force), timeout,
      onProgress: (p) => { started = true; progress.update(p.bytesDone, p.bytesTotal); },
    });
    if (started) progress.done('extracted');
    if (values.json) printJson(ctx, { workfile: zip, ...out });
    else print(ctx, `harmony is ready: session ${out.session.id}, pid ${out.pid}${out.session.scene ? `, scene ${out.session.scene}` : ''}\nworkfile: ${zip}\nlog: ${out.logFile}`);
    return 0;
  } catch (err) {
    if (started) progress.fail((err as Error).message.split('\n')[0]);
    throw err;
  }
}

interface OutcomeEvent {
  event: string;
  ids?: string[];
  dest?: string;
  phase?: string;
  bytesDone?: number;
  bytesTotal?: number;
  bytes?: number;
  bytesOut?: number;
  files?: number;
  ms?: number;
  error?: { code?: string; message?: string };
}

/** Collects workfile events from the moment of subscription, so a quick save's outcome is never missed. */
class SaveWatcher {
  private readonly seen: OutcomeEvent[] = [];
  private id: string | null = null;
  private settle: ((e: OutcomeEvent) => void) | null = null;
  private fail: ((e: Error) => void) | null = null;
  onProgress: ((e: OutcomeEvent) => void) | null = null;

  constructor(hub: HubClient) {
    hub.on('event', (data: OutcomeEvent) => {
      if (typeof data.event !== 'string' || !data.event.startsWith('workfile.')) return;
      if (this.id === null) { this.seen.push(data); return; }
      this.handle(data);
    });
    hub.on('close', (reason: string) => this.fail?.(new WorkfileSaveFailedError(
      `The connection to the hub closed (${reason}) before the archive was written. The destination holds either the previous `
      + 'archive or the complete new one, never a partial one; save again to be sure.', 'WORKFILE_HUB_LOST')));
  }

  private handle(e: OutcomeEvent): void {
    if (!this.id || !e.ids?.includes(this.id)) return;
    if (e.event === 'workfile.progress') this.onProgress?.(e);
    else if (e.event === 'workfile.saved' || e.event === 'workfile.failed') this.settle?.(e);
  }

  wait(id: string): Promise<OutcomeEvent> {
    return new Promise((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      this.id = id;
      for (const e of this.seen.splice(0)) this.handle(e);
    });
  }
}

async function saveCommand(ctx: CliContext, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    'version-up': { type: 'boolean' }, to: { type: 'string' }, session: { type: 'string' }, 'no-wait': { type: 'boolean' }, json: { type: 'boolean' },
    'follow-outside-links': { type: 'boolean' }, force: { type: 'boolean' },
  }, USAGE);
  if (positionals.length) throw new UsageError(`workfile save takes no file argument (use --to <file.zip>)\n${USAGE}`);
  const to = typeof values.to === 'string' ? path.resolve(ctx.cwd, values.to) : undefined;
  if (to && !to.toLowerCase().endsWith('.zip')) throw new UsageError(`--to must name a .zip archive (got ${to})`);
  const wait = !values['no-wait'];
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  const hub = await connectHub({ home: config.home, env: ctx.env, callTimeout: config.hub.callTimeout });
  // Ctrl-C stops waiting, not the save: the hub goes on (Harmony saves, the archive is written). Say so.
  let asked: SaveTicket | null = null;
  const onInterrupt = () => {
    ctx.stderr.write(`\ninterrupted; the save continues in the hub${asked ? ` (${asked.dest}, save ${asked.id})` : ''}: Harmony shows a message when it is written — see \`dcc-kit hub logs\`\n`);
    hub.close();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const watcher = wait ? new SaveWatcher(hub) : null;
    if (wait) await hub.subscribe();
    const args: Record<string, unknown> = {};
    if (values['version-up']) args.versionUp = true;
    if (values['follow-outside-links']) args.followOutsideLinks = true;
    if (values.force) args.force = true;
    if (to) args.to = to;
    const session = await sessionInCwd(hub, config, typeof values.session === 'string' ? values.session : undefined);
    if (session) args.session = session;
    const ticket = await hub.adapter('harmony', 'workfile.save', args, { timeout: SAVE_REQUEST_TIMEOUT }) as SaveTicket;
    asked = ticket;
    if (!watcher) {
      if (values.json) printJson(ctx, { ...ticket, status: ticket.state });
      else print(ctx, `saving ${ticket.dest} in the background (save ${ticket.id}); Harmony shows a message when it is written`);
      return 0;
    }
    const progress = createProgress({ stream: ctx.stderr, interactive: ctx.interactive, label: `zip ${path.basename(ticket.dest)}`, unit: 'bytes' });
    watcher.onProgress = (e) => {
      if (e.phase === 'zip' || e.phase === 'verify') {
        progress.setLabel(`${e.phase} ${path.basename(ticket.dest)}`);
        progress.update(e.bytesDone ?? 0, e.bytesTotal);
      }
    };
    let outcome: OutcomeEvent;
    try {
      outcome = await watcher.wait(ticket.id);
    } catch (err) {
      progress.fail((err as Error).message.split('.')[0]);
      throw err;
    }
    if (outcome.event === 'workfile.failed') {
      progress.fail(outcome.error?.message?.split('\n')[0] ?? 'failed');
      throw new WorkfileSaveFailedError(`The workfile was not saved to ${outcome.dest ?? ticket.dest}: ${outcome.error?.message ?? 'unknown error'}`,
        outcome.error?.code ?? 'WORKFILE_SAVE_FAILED');
    }
    progress.done('written');
    const result = {
      ...ticket, status: 'saved', dest: outcome.dest ?? ticket.dest,
      bytes: outcome.bytes, bytesOut: outcome.bytesOut, files: outcome.files, ms: outcome.ms,
    };
    if (values.json) printJson(ctx, result);
    else print(ctx, `saved ${result.dest} (${formatBytes(outcome.bytesOut ?? 0)} from ${formatBytes(outcome.bytes ?? 0)}, ${formatDuration(outcome.ms ?? 0)})${ticket.overwrites ? ', replacing the previous archive' : ''}`);
    return 0;
  } finally {
    process.off('SIGINT', onInterrupt);
    hub.close();
  }
}

async function listCommand(ctx: CliContext, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, USAGE);
  if (positionals.length > 1) throw new UsageError(`workfile list takes one folder\n${USAGE}`);
  const dir = path.resolve(ctx.cwd, positionals[0] ?? '.');
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  const template = config.harmony.workfiles.template;
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) throw new DccKitError(`${dir} ${stat ? 'is not a folder' : 'does not exist'}: give the folder that holds the workfiles`, 'NOT_A_FOLDER');
  const versions = await listWorkfiles(dir, template);
  if (values.json) {
    printJson(ctx, versions.map((v) => ({ file: v.file, path: v.path, name: v.name, version: v.version, size: v.size, modified: new Date(v.mtimeMs).toISOString() })));
  } else if (versions.length === 0) {
    print(ctx, `no workfiles in ${dir} (names follow ${template})`);
  } else {
    const date = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
    print(ctx, table([['VERSION', 'SIZE', 'MODIFIED', 'FILE'], ...versions.map((v) => [String(v.version), formatBytes(v.size), date(v.mtimeMs), v.file])]).trimEnd());
  }
  return 0;
}
