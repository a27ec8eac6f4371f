/** Publish... without the web page: publishes now and tells the artist how it went. */
import type { Endpoint } from '../../../kit/adapter.ts';
import { describeFailure } from '../../../kit/publish/index.ts';
import { startSessionPublish } from './runs.ts';

/**
 * `args.comment` (the artist's answer in Harmony, or a studio script's own prompt) becomes the publish comment.
 * The menu of dcc-kit's client (`args.canAsk`) is first answered with the question; other callers publish at once.
 */
export const publishMenu: Endpoint = async (args, ctx) => {
  const session = ctx.session?.id;
  const { comment, canAsk } = (args ?? {}) as { comment?: unknown; canAsk?: unknown };
  if (comment === undefined && canAsk === true) {
    return { ask: { field: 'comment', title: 'dcc-kit: Publish', label: 'Comment', ok: 'Publish' } };
  }
  const { runId, done, problems } = await startSessionPublish(ctx.hub, { session, comment });
  // The menu answers at once (Harmony must not wait); the artist is told when the publish ends.
  void done.then((report) => {
    const text = report.success
      ? `dcc-kit: published ${report.published.map((p) => `${p.product} v${p.version}`).join(', ') || 'nothing'}`
        + `${Array.isArray(report.context.farmJobs) && report.context.farmJobs.length ? `\nfarm jobs: ${(report.context.farmJobs as { jobId: number; product: string }[]).map((j) => `${j.jobId} (${j.product})`).join(', ')}` : ''}`
      : `dcc-kit: the publish failed.\n${describeFailure(report)}`;
    return ctx.hub.call(session!, { request: 'dcckit.message', args: { text, kind: report.success ? 'information' : 'warning' } }, { timeout: 60 * 60_000 });
  }, (err) => ctx.hub.call(session!, { request: 'dcckit.message', args: { text: `dcc-kit: the publish failed: ${(err as Error).message}`, kind: 'critical' } }))
    .catch((err) => ctx.hub.log.info(`publish ${runId}: could not tell the artist: ${(err as Error).message}`));
  const broken = problems.length ? `\n${problems.length} studio extension(s) could not be loaded (the others run):\n${problems.join('\n')}` : '';
  return { message: `dcc-kit: publishing (run ${runId.slice(0, 8)}); you will be told when it is done.${broken}` };
};
