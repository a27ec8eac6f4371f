/** `dcc-kit publish`: runs the publish in the hub and follows it plugin by plugin. */
import fs from 'node:fs';
import path from 'node:path';
import type { CliCommand, CliContext } from '../../../kit/cli/types.ts';
import { MANIFEST } from '../../../kit/store/index.ts';
import { DccKitError, UsageError } from '../../../kit/errors.ts';
import { SessionClosedError } from '../../../kit/protocol/errors.ts';
import { loadConfig } from '../../../kit/config.ts';
import { connectHub } from '../../../kit/hub/client.ts';
import { sessionInCwd } from '../cli-session.ts';
import { parse, print } from '../../../kit/cli/args.ts';
import { describeFailure, type PluginResult, type PublishReport } from '../../../kit/publish/index.ts';
import { escapeTerminalText, forTerminal } from '../../../kit/cli/terminal-text.ts';

const USAGE = 'dcc-kit publish [--comment TEXT] [--dry-run] [--only validate] [--repair] [--skip PLUGIN]... [--wait [--timeout S]] [--folder F] [--task T] [--session ID] [--json]';

const HELP = `usage: ${USAGE}

Publishes the connected Harmony scene: collect -> validate -> extract -> integrate (pyblish order), with
the built-in plugins below and the studio's own (publish.plugins in .dcckitrc; publish.disable turns
plugins off by label). dcc-kit plugins lists every plugin in effect with its file; a studio plugin that
throws or runs longer than publish.pluginTimeout fails its own result, named in the report.
  collect    the scene (one call), the context of its workfile folder, instances, palettes, audio
  validate   scene settings vs the context (repairable), instance context (repairable), WRITE outputs
             (repairable), audio (optional), ffmpeg for renders marked for review. Nothing is extracted
             when a validator fails.
  extract    save + the workfile's verified zip; local renders (Harmony's batch render of a saved copy,
             every frame checked); templates (.tpl, zipped); palettes (.plt); for renders marked for
             review, an H.264 movie (mp4) and a JPEG thumbnail made by ffmpeg while the frames are
             integrated (farm renders: by the hub when the job's frames arrive)
  integrate  each product into the store (publish.root): a new version, files hashed, version.json last;
             farm render instances: one Afanasy job each, rendering the PUBLISHED workfile, integrated by
             the hub when the job is done; then the workfile goes up a version

The publish runs in the hub: Ctrl-C stops following it, not the publish.

options:
  --comment TEXT    the publish comment, stored in the version.json of every product of this publish
                    (shown by dcc-kit products and on the page)
  --dry-run         collect and validate, and list what would be extracted and integrated
  --only validate   stop after validation (or: collect)
  --repair          repair what failed validators found, then validate again
  --skip PLUGIN     skip an optional plugin (e.g. "Validate Audio"); repeatable
  --wait            also wait for farm jobs to finish and be integrated (a hub restarted meanwhile takes
                    the wait up again; this command follows it, and the store)
  --timeout S       with --wait: give up waiting after S seconds (exit 1; the jobs go on)
  --folder F, --task T   context override
  --session ID      the Harmony session (an id or unique prefix; default: the only one connected)
  --json            one JSON object per event (start, plugin.start, progress, result, end, farm)
  --help, -h        this help

exit status: 0 published, 1 failed (the message names the plugin, the instance and what to do), 2 usage
`;

/** A farm job of the report (Submit Farm Render): what it renders into, and where that version is. */
interface FarmJobNote { jobId: number; serial?: number; product: string; version: number; name: string; path?: string }

/** A farm render's version in the store: completed (manifest written), still waiting, or removed (failed). */
function versionState(dir: string): 'complete' | 'waiting' | 'gone' {
  if (fs.existsSync(path.join(dir, MANIFEST))) return 'complete';
  return fs.existsSync(dir) ? 'waiting' : 'gone';
}

/**
 * One plugin result as a line. With --repair, a validator that failed and has a repair is "found" (the
 * repair follows, then the validator runs again): only what stays failed is FAILED. A repair's line shows
 * every change it made.
 */
export function resultLine(r: PluginResult, repairing = false): string {
  const toRepair = repairing && !r.success && r.repairable && r.stage === 'validate';
  const mark = r.skipped ? '-' : r.success ? (r.plugin.endsWith('(repair)') ? 'fixed' : 'ok') : toRepair ? 'found' : 'FAILED';
  const who = r.instance ? ` [${r.instance}]` : '';
  const said = r.plugin.endsWith('(repair)') ? r.records.map((x) => x.msg).join('; ') : r.records.at(-1)?.msg;
  const detail = r.success ? (said ? `: ${said}` : '') : `: ${r.error?.message}${toRepair ? ' (repairing)' : ''}`;
  return `${mark.padEnd(6)} ${r.plugin}${who} (${r.duration} ms)${detail}`;
}

export const publishCommand: CliCommand = {
  name: 'publish',
  summary: 'publish a Harmony scene: collect, validate, extract (render), integrate',
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, {
      json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, only: { type: 'string' }, repair: { type: 'boolean' },
      skip: { type: 'string', multiple: true }, wait: { type: 'boolean' }, timeout: { type: 'string' },
      folder: { type: 'string' }, task: { type: 'string' }, session: { type: 'string' }, comment: { type: 'string' },
    }, USAGE);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
    if (values.only !== undefined && !['validate', 'collect'].includes(values.only as string)) throw new UsageError(`--only takes validate or collect (got "${values.only}")`);
    const timeoutS = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeoutS !== undefined && !(timeoutS > 0)) throw new UsageError(`--timeout takes a number of seconds (got "${values.timeout}")`);
    if (timeoutS !== undefined && !values.wait) throw new UsageError(`--timeout goes with --wait (how long to wait for the farm)\nusage: ${USAGE}`);
    const json = Boolean(values.json);
    const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const connect = () => connectHub({ home: config.home, env: ctx.env, callTimeout: config.hub.callTimeout });
    let hub = await connect();
    try {
      const seen: Record<string, unknown>[] = [];
      let runId: string | null = null;
      let settle: (() => void) | null = null;
      const farm = new Map<number, Record<string, unknown>>();
      const consider = (e: Record<string, unknown>) => {
        if (e.runId !== runId) return;
        if (e.event === 'publish.farm' && e.state === 'rendered') {
          // The job is done before this publish committed: the integration follows the commit.
          if (!json) print(ctx, `       farm job ${e.jobId}: rendered; ${e.product} v${e.version} is integrated once this publish commits`);
          else print(ctx, JSON.stringify({ type: 'farm', ...e, event: undefined }));
        } else if (e.event === 'publish.farm') {
          // Seen in the store first (a restarted hub), its event may follow: said once.
          if (farm.has(e.jobId as number)) return;
          farm.set(e.jobId as number, e);
          if (json) print(ctx, JSON.stringify({ type: 'farm', ...e, event: undefined }));
          else print(ctx, e.state === 'integrated' ? `ok     farm job ${e.jobId}: ${e.product} v${e.version} integrated` : `FAILED farm job ${e.jobId}: ${(e.error as { message: string }).message}`);
        } else if (json) {
          const { event: _e, session: _s, ...rest } = e;
          print(ctx, JSON.stringify(rest));
        } else if (e.type === 'result') {
          print(ctx, resultLine(e.result as PluginResult, Boolean(values.repair)));
        } else if (e.type === 'progress' && ctx.interactive) {
          ctx.stderr.write(`\r${escapeTerminalText(`${String(e.plugin)}${e.instance ? ` [${e.instance}]` : ''}`)}: ${Math.round((e.fraction as number) * 100)}%  \x1b[K`);
        }
        settle?.();
      };
      const listen = async (client: typeof hub) => {
        client.on('event', (e: Record<string, unknown>) => {
          if (e.event !== 'publish.event' && e.event !== 'publish.farm') return;
          if (runId === null) seen.push(e);
          else consider(e);
        });
        client.on('close', () => settle?.());
        await client.subscribe();
      };
      await listen(hub);
      const started = await hub.adapter('harmony', 'publish.run', {
        session: await sessionInCwd(hub, config, values.session as string | undefined), dryRun: values['dry-run'], until: values.only, repair: values.repair, skip: values.skip,
        folder: values.folder, task: values.task, comment: values.comment,
      }) as { runId: string; problems?: string[] };
      runId = started.runId;
      for (const p of started.problems ?? []) ctx.stderr.write(`dcc-kit publish: studio extension not loaded (the other plugins run): ${p}\n`);
      for (const e of seen.splice(0)) consider(e);
      const onSigint = () => {
        ctx.stderr.write(`\ninterrupted: the publish goes on in the hub (run ${runId}); see dcc-kit hub logs\n`);
        process.exit(130);
      };
      process.once('SIGINT', onSigint);
      let report: PublishReport | null = null;
      try {
        for (;;) {
          const status = await hub.adapter('harmony', 'publish.report', { runId }).catch((err: unknown) => {
            if (!(err instanceof SessionClosedError)) throw err;
            throw new DccKitError(`the hub stopped during the publish (run ${runId}): ${err.message}. Nothing half-written becomes latest; start it again (dcc-kit hub start), check dcc-kit products, and remove what the run left with dcc-kit products prune`, 'HUB_LOST');
          }) as { state: string; report: PublishReport | null };
          if (status.report) { report = status.report; break; }
          await new Promise<void>((resolve) => { settle = resolve; setTimeout(resolve, 1000); });
          settle = null;
        }
        const jobs = (report.context.farmJobs ?? []) as FarmJobNote[];
        if (report.success && values.wait && jobs.length) {
          const deadline = timeoutS === undefined ? Infinity : Date.now() + timeoutS * 1000;
          if (!json) print(ctx, `waiting for farm job(s) ${jobs.map((j) => j.jobId).join(', ')}...`);
          const gone = new Set<number>();
          let lostSaid = false;
          while (jobs.some((j) => !farm.has(j.jobId))) {
            if (Date.now() > deadline) {
              ctx.stderr.write(`dcc-kit publish: gave up waiting after ${timeoutS} s; the farm jobs go on and the hub integrates them when done\n`);
              return 1;
            }
            if (hub.closed) {
              // The hub integrates farm renders; a restarted one takes the wait up again (resumeFarmWaits): follow
              // the new one's events, and the store meanwhile.
              if (!lostSaid) {
                ctx.stderr.write('dcc-kit publish: the hub stopped while waiting for the farm; still waiting: a restarted hub (dcc-kit hub start) takes the farm wait up again, and this command sees the version complete in the store\n');
                lostSaid = true;
              }
              const again = await connect().catch(() => null);
              if (again) {
                hub = again;
                await listen(hub).catch(() => {});
              }
            }
            for (const j of jobs) {
              if (farm.has(j.jobId) || !j.path) continue;
              const state = versionState(j.path);
              if (state === 'complete') consider({ event: 'publish.farm', runId, jobId: j.jobId, product: j.product, version: j.version, state: 'integrated', path: j.path });
              // The failure's event (with its reason) follows the removal at once: give it one more turn.
              else if (state === 'gone' && gone.has(j.jobId)) consider({ event: 'publish.farm', runId, jobId: j.jobId, product: j.product, version: j.version, state: 'failed', error: { message: `${j.product} v${j.version} was not integrated (its version folder is gone): see dcc-kit hub logs and dcc-kit farm job ${j.jobId}` } });
              else if (state === 'gone') gone.add(j.jobId);
            }
            if (!jobs.some((j) => !farm.has(j.jobId))) break;
            await new Promise<void>((resolve) => { settle = resolve; setTimeout(resolve, 1000); });
            settle = null;
          }
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
      const farmFailed = [...farm.values()].filter((f) => f.state !== 'integrated');
      if (!json) {
        // What was integrated before a later plugin failed is published all the same: say so, or the artist
        // publishes again and makes duplicates.
        for (const p of report.published) print(ctx, `published ${p.product} v${p.version}  ${p.path}`);
        if (report.success) {
          for (const j of (report.context.farmJobs ?? []) as { jobId: number; product: string; version: number }[]) {
            if (!farm.has(j.jobId)) print(ctx, `farm job ${j.jobId} renders ${j.product} v${j.version} (integrated when done; dcc-kit farm job ${j.jobId})`);
          }
          if (report.dryRun) {
            for (const r of report.results.filter((x) => x.skipped)) print(ctx, resultLine(r));
            print(ctx, 'dry run: nothing was extracted or integrated');
          }
        } else {
          ctx.stderr.write(forTerminal(ctx.stderr, `dcc-kit publish: ${describeFailure(report)}\n`));
        }
      }
      return report.success && farmFailed.length === 0 ? 0 : 1;
    } finally {
      hub.close();
    }
  },
};
