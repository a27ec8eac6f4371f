/** `dcc-kit create`: publish instances in a Harmony scene. */
import type { CliCommand, CliContext } from '../../../kit/cli/types.ts';
import { UsageError } from '../../../kit/errors.ts';
import { loadConfig } from '../../../kit/config.ts';
import { connectHub } from '../../../kit/hub/client.ts';
import { sessionDcc, sessionInCwd } from '../cli-session.ts';
import { parse, print, printJson, table } from '../../../kit/cli/args.ts';
import type { CreatorInfo, InstanceRecord } from '../pipeline-types.ts';
import { creatorInfo } from './creator-types.ts';

const USAGE = `dcc-kit create <creator> <variant> [--attr KEY=VALUE]... [--no-selection] [--folder F] [--task T] [--session ID] [--json]
       dcc-kit create list [--session ID] [--json]
       dcc-kit create enable|disable|remove <instance-key>... [--session ID] [--json]`;

function creatorLines(creators: CreatorInfo[]): string {
  return creators.filter((c) => !c.automatic).map((c) => {
    const attrs = Object.entries(c.attributes).map(([k, d]) => `${k}=${d.type === 'enum' ? d.values!.join('|') : d.type === 'bool' ? 'true|false' : 'TEXT'} (default ${String(d.default)})`);
    return `  ${c.name.padEnd(9)} ${c.description || c.label} [${c.productType}]${c.builtIn ? '' : `\n            studio creator: ${c.source}`}${attrs.length ? `\n            attributes: ${attrs.join(', ')}` : ''}`;
  }).join('\n');
}

const BUILT_IN_TEXT = `  render    a WRITE node named after the product (render<Variant>), fed by the selected COMPOSITE, or the
            first one matching harmony.publish.compositePattern; PNG4 frames to render/<name>/<name>.
            attributes: target=local|farm (default local), review=true|false (default true)
  template  a backdrop: the selected one is renamed; else one is made around the selected nodes; with
            nothing selected (or --no-selection) a new EMPTY one, placed clear of every node: drag what
            the template holds into it`;

function help(creators: string): string {
  return `usage: ${USAGE}

Creates a publish instance in the connected Harmony scene, recorded in the scene's pipeline data. The
creators of this folder's project (built-in, and a studio's from harmony.creators in .dcckitrc):
${creators}
The workfile instance is automatic. Palettes are collected at publish. dcc-kit plugins lists every creator
with its file. In a Blender session (--session ID, or the only DCC connected) the creators are Blender's
(render; a studio's from blender.creators): dcc-kit create list shows them.

  dcc-kit create list               creators, and the scene's instances with their keys
  dcc-kit create disable KEY        an instance is skipped by publish (a render's WRITE node is disabled too)
  dcc-kit create remove KEY         removes the instance and what it made (node, backdrop and its contents)

options:
  --attr KEY=VALUE   a creator attribute (repeatable)
  --no-selection     ignore the selection (render: use the composite pattern; template: a new empty backdrop)
  --folder F, --task T   context override (default: the context of the session's workfile folder)
  --session ID       the Harmony session (an id or unique prefix; default: the only one connected)
  --json             print JSON
  --help, -h         this help

exit status: 0 ok, 1 failure (the message says why: no session, no composite, a name taken...), 2 usage
`;
}

const HELP = help(BUILT_IN_TEXT);

export const createCommand: CliCommand = {
  name: 'create',
  summary: 'create a publish instance in a Harmony scene (render, template, a studio\'s creators)',
  help: HELP,
  async helpFor(ctx) {
    const resolved = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const { harmonyExtensionsFor } = await import('../extensions.ts');
    const set = await harmonyExtensionsFor(resolved.config, resolved.sources, ctx.cwd);
    const broken = set.problems.length ? `\nnot loaded (dcc-kit plugins says why): ${set.problems.map((p) => p.file).join(', ')}` : '';
    return help(creatorLines(set.creators.map(creatorInfo)) + broken);
  },
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, {
      json: { type: 'boolean' }, attr: { type: 'string', multiple: true }, 'no-selection': { type: 'boolean' },
      folder: { type: 'string' }, task: { type: 'string' }, session: { type: 'string' },
    }, USAGE);
    const [first, ...rest] = positionals;
    if (!first) throw new UsageError(`name a creator (dcc-kit create --help lists them) and a variant, or "list"\nusage: ${USAGE}`);
    const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const hub = await connectHub({ home: config.home, env: ctx.env, callTimeout: config.hub.callTimeout });
    const session = await sessionInCwd(hub, config, values.session as string | undefined);
    try {
      const dcc = await sessionDcc(hub, session);
      if (first === 'list') {
        const creators = await hub.adapter(dcc, 'create.creators', { session }) as CreatorInfo[];
        const instances = await hub.adapter(dcc, 'create.instances', { session }) as InstanceRecord[];
        if (values.json) { printJson(ctx, { creators, instances }); return 0; }
        print(ctx, `creators: ${creators.map((c) => c.automatic ? `${c.name} (automatic)` : c.builtIn ? c.name : `${c.name} (studio: ${c.source})`).join(', ')}`);
        if (!instances.length) { print(ctx, 'no instances in this scene yet: dcc-kit create render Main'); return 0; }
        print(ctx, table([['KEY', 'PRODUCT', 'TYPE', 'ACTIVE', 'FOLDER', 'ATTRIBUTES'],
          ...instances.map((i) => [i.key, i.productName, i.productType, i.active ? 'yes' : 'no', i.folder, JSON.stringify(i.attributes)])]));
        return 0;
      }
      if (first === 'enable' || first === 'disable' || first === 'remove') {
        if (!rest.length) throw new UsageError(`${first} needs instance keys (see dcc-kit create list)\nusage: ${USAGE}`);
        if (first === 'remove') {
          const r = await hub.adapter(dcc, 'create.remove', { session, keys: rest }) as { removed: string[] };
          const missing = rest.filter((k) => !r.removed.includes(k));
          if (values.json) printJson(ctx, r);
          else for (const k of r.removed) print(ctx, `removed ${k}`);
          if (missing.length) { ctx.stderr.write(`dcc-kit create: no instance ${missing.join(', ')} in this scene (see dcc-kit create list)\n`); return 1; }
          return 0;
        }
        const out: InstanceRecord[] = [];
        for (const key of rest) out.push(await hub.adapter(dcc, 'create.update', { session, key, active: first === 'enable' }) as InstanceRecord);
        if (values.json) printJson(ctx, out);
        else for (const r of out) print(ctx, `${r.key}: ${r.active ? 'enabled' : 'disabled'}`);
        return 0;
      }
      if (rest.length !== 1) throw new UsageError(`give one variant after the creator (e.g. dcc-kit create ${first} Main)\nusage: ${USAGE}`);
      const attributes: Record<string, string> = {};
      for (const kv of (values.attr as string[] | undefined) ?? []) {
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`--attr takes KEY=VALUE (got "${kv}")`);
        attributes[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
      const rec = await hub.adapter(dcc, 'create.run', {
        session, creator: first, variant: rest[0], attributes, useSelection: !values['no-selection'],
        folder: values.folder, task: values.task,
      }) as InstanceRecord;
      if (values.json) printJson(ctx, rec);
      else {
        print(ctx, `created ${rec.productName} (${rec.productType}) as ${rec.key} for ${rec.folder}${rec.task ? ` / ${rec.task}` : ''}`);
        if (rec.attributes.backdrop === 'empty') print(ctx, `the backdrop ${rec.node} is empty (nothing was selected): drag the nodes the template holds into it before publishing`);
      }
      return 0;
    } finally {
      hub.close();
    }
  },
};
