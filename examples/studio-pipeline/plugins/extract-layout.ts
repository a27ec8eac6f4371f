/**
 * A studio extractor: a layout instance (made by the layout creator) is published as a JSON file of its peg's
 * position and scale. It asks Harmony through a request the studio's ES5 serves (harmony/studio-layout.js);
 * the built-in Integrate Products puts what it lists in `representations` into the store.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { PublishPlugin } from 'dcc-kit';

interface RunData { hub: { call(session: string, body: unknown): Promise<unknown> }; session: { id: string }; staging: string }
interface LayoutRecord { node: string }

export const plugins: PublishPlugin[] = [{
  label: 'Extract Layout',
  order: 2.4,
  instance: true,
  families: ['layout'],
  hosts: ['harmony'],
  async process(ctx, instance, log) {
    const d = ctx.data as unknown as RunData;
    const record = (instance!.data as { record: LayoutRecord }).record;
    const peg = await d.hub.call(d.session.id, { request: 'studio.layout.describe', args: { node: record.node } });
    const file = path.join(d.staging, `${instance!.name}.json`);
    await fsp.writeFile(file, JSON.stringify(peg, null, 2));
    instance!.data.representations = [{ name: 'json', ext: 'json', files: [{ source: file, path: `${instance!.name}.json` }] }];
    log.info(`${record.node}: ${JSON.stringify(peg)}`);
  },
}];
