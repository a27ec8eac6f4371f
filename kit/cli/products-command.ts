/** `dcc-kit products`: what the product store holds; `products prune` removes dead incomplete versions. */
import type { CliCommand, CliContext } from './types.ts';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { DccKitError, UsageError } from '../errors.ts';
import { loadConfig, whereToChange } from '../config.ts';
import { storeFromConfig } from '../store/index.ts';
import { formatBytes } from './progress.ts';
import { parse, print, printJson, table } from './args.ts';

const USAGE = 'dcc-kit products [FOLDER | FOLDER/PRODUCT] [--json]\n       dcc-kit products prune [--dry-run] [--older-than MINUTES] [--json]';

const HELP = `usage: ${USAGE}

Lists the product store (publish.root, laid out by publish.template):
  dcc-kit products                   every product: latest complete version, versions, incomplete ones
  dcc-kit products shots/sh010       the products of a folder (and below it)
  dcc-kit products shots/sh010/renderMain
                                     the versions of one product: complete or not, files, size, user, time,
                                     the publish comment

A version is complete once its version.json is written (last, atomically). An incomplete version (a
publish that is running, or was killed, or a render waiting for its farm job) is never "latest".

  dcc-kit products prune             removes incomplete versions whose publisher is gone: its process is
                                     dead (same host), or it was reserved more than --older-than minutes
                                     ago (default 60) on another host; a version waiting for its farm job
                                     is kept (the hub completes it, after a restart too)

options:
  --json            print JSON: {root, products: [...]} for a listing, [versions...] for one product,
                    {dryRun, removed, kept} for prune
  --dry-run         prune: say what would be removed, remove nothing
  --older-than M    prune: minutes after which another host's reservation counts as dead (default 60)
  --help, -h        this help

exit status: 0 ok, 1 failure (no such product, invalid configuration), 2 usage
`;

/** A comment in a table cell: one line, at most 60 characters. */
function oneLine(comment: string | undefined): string {
  const text = (comment ?? '').replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

export const productsCommand: CliCommand = {
  name: 'products',
  summary: 'list products and versions in the product store (prune incomplete ones)',
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'older-than': { type: 'string' } }, USAGE);
    const { config, sources } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const store = storeFromConfig(config);
    // A store root that is a file or cannot be read must not look like an empty store.
    try {
      if (!(await fsp.stat(store.root)).isDirectory()) throw new DccKitError(`the product store ${store.root} is not a folder: ${whereToChange('publish.root', sources['publish.root'])}`, 'STORE_ROOT');
      await fsp.access(store.root, fs.constants.R_OK | fs.constants.X_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof DccKitError) throw err;
      if (code !== 'ENOENT') throw new DccKitError(`the product store ${store.root} cannot be read (${code ?? (err as Error).message}): check that publish.root is reachable`, 'STORE_ROOT');
    }
    if (positionals[0] === 'prune') {
      if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"\nusage: ${USAGE}`);
      let olderThanMs: number | undefined;
      if (values['older-than'] !== undefined) {
        const m = Number(values['older-than']);
        if (!Number.isFinite(m) || m < 0) throw new UsageError(`--older-than takes a number of minutes (got "${values['older-than']}")`);
        olderThanMs = m * 60_000;
      }
      const r = await store.prune({ dryRun: Boolean(values['dry-run']), olderThanMs });
      if (values.json) {
        printJson(ctx, { dryRun: Boolean(values['dry-run']), removed: r.removed.map((v) => ({ folder: v.folder, product: v.product, version: v.version, path: v.path })), kept: r.kept.map((k) => ({ folder: k.version.folder, product: k.version.product, version: k.version.version, path: k.version.path, reason: k.reason })) });
        return 0;
      }
      const verb = values['dry-run'] ? 'would remove' : 'removed';
      for (const v of r.removed) print(ctx, `${verb} ${v.folder}/${v.product} v${v.version} (${v.path})`);
      for (const k of r.kept) print(ctx, `kept ${k.version.folder}/${k.version.product} v${k.version.version}: ${k.reason}`);
      if (r.removed.length === 0 && r.kept.length === 0) print(ctx, 'no incomplete versions in the store');
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"\nusage: ${USAGE}`);
    for (const only of ['dry-run', 'older-than'] as const) {
      if (values[only] !== undefined) throw new UsageError(`--${only} goes with prune: dcc-kit products prune --${only}${only === 'older-than' ? ' M' : ''}`);
    }
    const target = positionals[0]?.replace(/\/+$/, '');
    if (target) {
      const slash = target.lastIndexOf('/');
      const versions = slash > 0 ? await store.listVersions(target.slice(0, slash), target.slice(slash + 1)).catch(() => []) : [];
      if (versions.length > 0) {
        if (values.json) {
          printJson(ctx, versions);
          return 0;
        }
        const rows = versions.map((v) => {
          const files = v.manifest?.representations.flatMap((r) => r.files) ?? [];
          return [`v${v.version}`, v.complete ? 'complete' : v.damaged ? `DAMAGED: ${v.damaged}` : v.waitingFor ? `waiting for ${v.waitingFor}` : 'INCOMPLETE', v.manifest?.representations.map((r) => r.name).join(',') ?? '', String(files.length), formatBytes(files.reduce((s, f) => s + f.size, 0)), v.manifest?.user ?? '', v.manifest?.time ?? '', oneLine(v.manifest?.comment), v.path];
        });
        print(ctx, table([['VERSION', 'STATE', 'REPRESENTATIONS', 'FILES', 'SIZE', 'USER', 'TIME', 'COMMENT', 'PATH'], ...rows]));
        return 0;
      }
    }
    const products = await store.listProducts(target);
    if (values.json) {
      printJson(ctx, { root: store.root, products });
      return target && products.length === 0 ? 1 : 0;
    }
    if (products.length === 0) {
      print(ctx, `no products${target ? ` under ${target}` : ''} in ${store.root}`);
      return target ? 1 : 0;
    }
    const rows = products.map((p) => [`${p.folder}/${p.product}`, p.productType ?? '?', p.latest === null ? 'none complete' : `v${p.latest}`, String(p.versions), [p.incomplete ? `${p.incomplete} incomplete` : '', p.damaged ? `${p.damaged} DAMAGED` : ''].filter(Boolean).join(', ')]);
    print(ctx, `store: ${store.root}\n` + table([['PRODUCT', 'TYPE', 'LATEST', 'VERSIONS', ''], ...rows]));
    return 0;
  },
};
