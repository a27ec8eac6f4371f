/**
 * Commit Products (order 3.8): completes every product the run staged, together, so a publish's products all
 * integrate or none does; adapters put it after their integrators and farm submissions and before the
 * workfile goes up a version. (Without it the engine commits what is staged at the end of a good run.)
 */
import type { PublishPlugin, PublishReport } from './types.ts';

export const commitProducts: PublishPlugin = {
  label: 'Commit Products',
  order: 3.8,
  hint: 'Check that publish.root is reachable and has space (dcc-kit config shows it); nothing of this publish was kept.',
  async process(ctx, _i, log) {
    await ctx.commitStaged();
    const published = ctx.data.published as PublishReport['published'];
    if (published.length) log.info(`committed ${published.map((p) => `${p.product} v${p.version}`).join(', ')}`);
  },
};
