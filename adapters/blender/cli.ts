/** `dcc-kit blender <action>`: Blender workfiles and pipeline from a terminal, through the hub. */
import type { CliCommand, CliContext } from '../../kit/cli/types.ts';
import { parse, print, printJson, table } from '../../kit/cli/args.ts';
import { UsageError } from '../../kit/errors.ts';
import { connectHub } from '../../kit/hub/client.ts';
import { loadConfig } from '../../kit/config.ts';
import type { PublishReport } from '../../kit/publish/index.ts';
import type { CreatorInfo } from '../../kit/plugins/creators.ts';
import type { LoaderInfo } from '../../kit/plugins/loaders.ts';

const USAGE = `usage: dcc-kit blender save [--version-up] [--to FILE.blend] [--session ID] [--json]
       dcc-kit blender workfiles [--session ID] [--json]
       dcc-kit blender create <creator> <variant> [--attr KEY=VALUE]... [--session ID] [--json]
       dcc-kit blender create list [--session ID] [--json]
       dcc-kit blender instances [--session ID] [--json]
       dcc-kit blender publish [--repair] [--dry-run] [--timeout MS] [--session ID] [--json]
       dcc-kit blender load <folder/product[@version]> [--loader NAME] [--representation NAME] [--session ID] [--json]
       dcc-kit blender load --list [--session ID] [--json]
       dcc-kit blender inventory [update <id>... | update --all [--version N] | remove <id>...] [--session ID] [--json]`;

async function hubFor(ctx: CliContext) {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  return connectHub({ home: config.home, env: ctx.env });
}

type Action = (ctx: CliContext, argv: string[]) => Promise<number>;

const ACTIONS: Record<string, Action> = {
  async save(ctx, argv) {
    const { values, positionals } = parse(argv, { 'version-up': { type: 'boolean' }, to: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length) throw new UsageError(USAGE);
    if (values.to && values['version-up']) throw new UsageError(`give --to or --version-up, not both\n${USAGE}`);
    const hub = await hubFor(ctx);
    try {
      const r = await hub.adapter('blender', 'workfile.save', { session: values.session, versionUp: Boolean(values['version-up']), to: values.to ? String(values.to) : undefined }) as { dest: string; version?: number };
      if (values.json) printJson(ctx, r);
      else print(ctx, `saved ${r.dest}`);
      return 0;
    } finally {
      hub.close();
    }
  },
  async workfiles(ctx, argv) {
    const { values, positionals } = parse(argv, { session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length) throw new UsageError(USAGE);
    const hub = await hubFor(ctx);
    try {
      const r = await hub.adapter('blender', 'workfile.list', { session: values.session }) as { workfile: string | null; versions: { file: string; version: number; size: number }[] };
      if (values.json) printJson(ctx, r);
      else print(ctx, `${r.workfile ? `open: ${r.workfile}` : 'open: (not saved)'}\n${table(r.versions.map((v) => [`v${v.version}`, v.file, `${v.size} bytes`])).trimEnd()}`);
      return 0;
    } finally {
      hub.close();
    }
  },
  async create(ctx, argv) {
    const { values, positionals } = parse(argv, { attr: { type: 'string', multiple: true }, session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    const [creator, variant, ...extra] = positionals;
    if (creator === 'list' && !variant) {
      const hub = await hubFor(ctx);
      try {
        const creators = await hub.adapter('blender', 'create.creators', { session: values.session }) as CreatorInfo[];
        if (values.json) printJson(ctx, creators);
        else print(ctx, table([['CREATOR', 'PRODUCT TYPE', 'ATTRIBUTES', 'FROM'], ...creators.map((c) => [c.name, c.productType, Object.keys(c.attributes).join(',') || '-', c.automatic ? 'automatic' : c.builtIn ? 'built-in' : `studio ${c.source}`])]).trimEnd());
        return 0;
      } finally {
        hub.close();
      }
    }
    if (!creator || !variant || extra.length) throw new UsageError(USAGE);
    const attributes: Record<string, string> = {};
    for (const kv of (values.attr as string[] | undefined) ?? []) {
      const eq = kv.indexOf('=');
      if (eq < 1) throw new UsageError(`--attr takes name=value (got "${kv}")`);
      attributes[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    const hub = await hubFor(ctx);
    try {
      const r = await hub.adapter('blender', 'create.run', { session: values.session, creator, variant, attributes }) as { productName: string; folder: string };
      if (values.json) printJson(ctx, r);
      else print(ctx, `created ${r.productName} (${r.folder})`);
      return 0;
    } finally {
      hub.close();
    }
  },
  async instances(ctx, argv) {
    const { values, positionals } = parse(argv, { session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length) throw new UsageError(USAGE);
    const hub = await hubFor(ctx);
    try {
      const r = await hub.adapter('blender', 'create.instances', { session: values.session }) as { productName: string; productType: string; active: boolean; folder: string }[];
      if (values.json) printJson(ctx, r);
      else print(ctx, r.length ? table(r.map((i) => [i.productName, i.productType, i.folder, i.active ? 'active' : 'inactive'])).trimEnd() : 'no instances (the workfile is always published)');
      return 0;
    } finally {
      hub.close();
    }
  },
  async publish(ctx, argv) {
    const { values, positionals } = parse(argv, { repair: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, timeout: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length) throw new UsageError(USAGE);
    const timeout = values.timeout === undefined ? 3_600_000 : Number(values.timeout);
    if (!(timeout > 0)) throw new UsageError('--timeout takes milliseconds above 0');
    const hub = await hubFor(ctx);
    try {
      const { runId } = await hub.adapter('blender', 'publish.run', { session: values.session, repair: Boolean(values.repair), dryRun: Boolean(values['dry-run']) }) as { runId: string };
      const report = await hub.adapter('blender', 'publish.report', { runId, wait: true }, { timeout }) as PublishReport;
      if (values.json) printJson(ctx, report);
      else {
        const lines = report.results.map((r) => `${r.success ? 'ok  ' : r.skipped ? 'skip' : 'FAIL'} ${r.plugin}${r.instance ? ` [${r.instance}]` : ''}${r.error ? `: ${r.error.message}${r.error.hint ? `\n       ${r.error.hint}` : ''}` : ''}`);
        lines.push(report.success ? `published: ${report.published.map((p) => `${p.product} v${p.version}`).join(', ') || 'nothing (dry run)'}` : `publish failed at ${report.stoppedAt}`);
        print(ctx, lines.join('\n'));
      }
      return report.success ? 0 : 1;
    } finally {
      hub.close();
    }
  },
  async load(ctx, argv) {
    const { values, positionals } = parse(argv, { loader: { type: 'string' }, representation: { type: 'string' }, list: { type: 'boolean' }, session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    const [product, ...extra] = positionals;
    if (values.list) {
      if (positionals.length) throw new UsageError(USAGE);
      const hub = await hubFor(ctx);
      try {
        const loaders = await hub.adapter('blender', 'load.loaders', { session: values.session }) as LoaderInfo[];
        if (values.json) printJson(ctx, loaders);
        else print(ctx, table([['LOADER', 'PRODUCT TYPES', 'REPRESENTATIONS', 'FROM'], ...loaders.map((l) => [l.name, l.productTypes.join(','), l.representations.join(','), l.builtIn ? 'built-in' : `studio ${l.source}`])]).trimEnd());
        return 0;
      } finally {
        hub.close();
      }
    }
    if (!product || extra.length) throw new UsageError(USAGE);
    const hub = await hubFor(ctx);
    try {
      const r = await hub.adapter('blender', 'load.run', { session: values.session, product, loader: values.loader, representation: values.representation }) as { key: string; product: string; version: number; objects: string[] };
      if (values.json) printJson(ctx, r);
      else print(ctx, `loaded ${r.product} v${r.version} as ${r.key}: ${r.objects.join(', ')}`);
      return 0;
    } finally {
      hub.close();
    }
  },
  async inventory(ctx, argv) {
    const { values, positionals } = parse(argv, { all: { type: 'boolean' }, version: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    const [action, ...ids] = positionals;
    if (action !== undefined && action !== 'update' && action !== 'remove') throw new UsageError(USAGE);
    if ((action === 'remove' || (action === 'update' && !values.all)) && !ids.length) throw new UsageError(`${action} needs container ids${action === 'update' ? ' or --all' : ''}\n${USAGE}`);
    const hub = await hubFor(ctx);
    try {
      if (!action) {
        const items = await hub.adapter('blender', 'inventory.list', { session: values.session }) as { id: string; product: string; version: number; latest: number | null; status: string }[];
        if (values.json) printJson(ctx, items);
        else print(ctx, items.length ? table(items.map((i) => [i.id, i.product, `v${i.version}`, i.latest === null ? '-' : `latest v${i.latest}`, i.status])).trimEnd() : 'nothing loaded');
        return 0;
      }
      const r = await hub.adapter('blender', `inventory.${action}`, { session: values.session, ids, all: Boolean(values.all), version: values.version === undefined ? undefined : Number(values.version) }) as { failed?: { id: string; error: string }[] };
      if (values.json) printJson(ctx, r);
      else print(ctx, JSON.stringify(r, null, 2));
      return r.failed?.length ? 1 : 0;
    } finally {
      hub.close();
    }
  },
};

export const blenderCommand: CliCommand = {
  name: 'blender',
  summary: 'Blender workfiles and pipeline: save, version up, create, publish, load, inventory',
  help: `${USAGE}

Works on the newest connected Blender session (--session ID: another one; dcc-kit sessions lists them).
  save               save the open .blend (refused when another Blender has the same file open)
  save --version-up  save as the next version in the workfile's folder, named from the context
                     (blender.workfileTemplate, e.g. sh020_layout_v002.blend)
  save --to FILE     save as FILE.blend
  workfiles          the open workfile and the versions beside it
  create C V         an instance of creator C, variant V (kept in the .blend's dcckit.pipeline text):
                     render V renders the scene to PNG frames; --attr target=farm renders it on Afanasy:
                     one job rendering the PUBLISHED .blend, integrated by the hub when the job is done.
                     A studio's creators come from blender.creators in .dcckitrc
  create list        the creators of the session's project (built-in and studio)
  instances          the instances of the scene
  load P[@V]         load a product: images as an image empty + a VSE strip, a movie (a review's mp4)
                     as a VSE movie strip with its sound, a .blend linked; --loader / --representation
                     choose (default: the first loader taking the product type); a studio's loaders come
                     from blender.loaders
  load --list        the loaders of the session's project (built-in and studio)
  inventory          what is loaded (current vs latest); update <id>|--all [--version N]; remove <id>
  publish            collect -> validate -> extract (a batch Blender renders a saved copy, every frame
                     checked) -> integrate into the product store (publish.root); then the workfile goes
                     up a version. --repair sets frame range with handles, fps and resolution from the
                     context; --dry-run stops after validation. Exit 1 when the publish failed.
Exit status: 0 done, 1 failure (no Blender connected, Blender refused), 2 usage.
`,
  async run(ctx) {
    const [action, ...rest] = ctx.argv;
    const fn = action && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!fn) throw new UsageError(action ? `unknown action "${action}"\n${USAGE}` : USAGE);
    return fn(ctx, rest);
  },
};
