/** `dcc-kit inventory`: what is loaded in a Harmony scene, and updating or removing it. */
import type { CliCommand, CliContext } from '../../../kit/cli/types.ts';
import { UsageError } from '../../../kit/errors.ts';
import { loadConfig } from '../../../kit/config.ts';
import { connectHub } from '../../../kit/hub/client.ts';
import { sessionInCwd } from '../cli-session.ts';
import { parse, print, printJson, table } from '../../../kit/cli/args.ts';
import type { InventoryItem } from '../pipeline-types.ts';
import type { UpdateResult } from './service.ts';

const USAGE = `dcc-kit inventory [--session ID] [--json]
       dcc-kit inventory update <container>... [--version N|latest] | --all
       dcc-kit inventory remove <container>...`;

const HELP = `usage: ${USAGE}

Lists every container loaded in the connected Harmony scene (one call to Harmony) with its version and the
latest one in the store:
  latest            up to date
  outdated          a newer version exists (its READ nodes are coloured red, up to date ones green)
  missing-in-store  its product or version is no longer in the store
  nodes-missing     some of its nodes were deleted by hand (reported, never purged: remove it to clean up)

  update C...   loads another version into the container (default: the latest): drawings are replaced,
                palettes relinked in their place, templates re-pasted keeping links to the rest of the scene;
                containers already at the latest version are left alone (--version N reloads); a container
                that cannot be updated is left exactly as it was
  update --all  every container
  remove C...   deletes the container's nodes (columns, palettes) and its record, and nothing else

A container is named by its id, a unique prefix of it, or its product (folder/product or product).

options:
  --version N|latest  update to this version
  --all               update every container
  --session ID        the Harmony session (an id or unique prefix; default: the only one connected)
  --json              print JSON
  --help, -h          this help

exit status: 0 ok, 1 failure (a container could not be updated, no session), 2 usage
`;

export const inventoryCommand: CliCommand = {
  name: 'inventory',
  summary: 'list, update and remove the containers loaded in a Harmony scene',
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' }, version: { type: 'string' }, all: { type: 'boolean' }, session: { type: 'string' } }, USAGE);
    const [verb, ...ids] = positionals;
    if (verb !== 'update' && (values.version !== undefined || values.all)) throw new UsageError(`--version and --all go with update\nusage: ${USAGE}`);
    const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const hub = await connectHub({ home: config.home, env: ctx.env, callTimeout: config.hub.callTimeout });
    const session = await sessionInCwd(hub, config, values.session as string | undefined);
    try {
      if (verb === undefined || verb === 'list') {
        const items = await hub.adapter('harmony', 'inventory.list', { session }) as InventoryItem[];
        if (values.json) { printJson(ctx, items); return 0; }
        if (!items.length) { print(ctx, 'nothing is loaded in this scene'); return 0; }
        print(ctx, table([['CONTAINER', 'PRODUCT', 'LOADER', 'VERSION', 'LATEST', 'STATUS', 'NODES'],
          ...items.map((i) => [i.id.slice(0, 8), i.product, i.loader, `v${i.version}`, i.latest === null ? '-' : `v${i.latest}`, i.status, i.missingNodes.length ? `${i.nodes.length} (${i.missingNodes.length} missing)` : String(i.nodes.length)])]));
        return 0;
      }
      if (verb === 'update') {
        if (!ids.length && !values.all) throw new UsageError(`name containers to update, or --all\nusage: ${USAGE}`);
        const version = values.version === undefined ? 'latest' : values.version === 'latest' ? 'latest' : Number(values.version);
        if (version !== 'latest' && !(Number.isInteger(version) && version > 0)) throw new UsageError(`--version takes a number or latest (got "${values.version}")`);
        const r = await hub.adapter('harmony', 'inventory.update', { session, ids, all: values.all === true, version }, { timeout: 10 * 60_000 }) as UpdateResult;
        if (values.json) printJson(ctx, r);
        else {
          for (const u of r.updated) print(ctx, `updated ${u.id.slice(0, 8)}: v${u.from} -> v${u.to}`);
          if (r.unchanged.length) print(ctx, `already at the latest version: ${r.unchanged.map((u) => u.slice(0, 8)).join(', ')}`);
          if (!r.updated.length && !r.unchanged.length && !r.failed.length) print(ctx, 'nothing to update');
          for (const f of r.failed) ctx.stderr.write(`dcc-kit inventory: ${f.id.slice(0, 8)} not updated: ${f.error}\n`);
        }
        return r.failed.length ? 1 : 0;
      }
      if (verb === 'remove') {
        if (!ids.length) throw new UsageError(`name containers to remove\nusage: ${USAGE}`);
        const r = await hub.adapter('harmony', 'inventory.remove', { session, ids }) as { removed: string[] };
        if (values.json) printJson(ctx, r);
        else for (const id of r.removed) print(ctx, `removed ${id.slice(0, 8)}`);
        return 0;
      }
      throw new UsageError(`unknown inventory command "${verb}"\nusage: ${USAGE}`);
    } finally {
      hub.close();
    }
  },
};
