/** `dcc-kit load`: loads a published product into a Harmony scene. */
import type { CliCommand, CliContext } from '../../../kit/cli/types.ts';
import { UsageError } from '../../../kit/errors.ts';
import { loadConfig } from '../../../kit/config.ts';
import { connectHub } from '../../../kit/hub/client.ts';
import { sessionDcc, sessionInCwd } from '../cli-session.ts';
import { parse, print, printJson, table } from '../../../kit/cli/args.ts';
import type { ContainerRecord, LoaderInfo } from '../pipeline-types.ts';

const USAGE = 'dcc-kit load <[folder/]product>[@version|@latest] [--representation R] [--loader L] [--mode link|import] [--again] [--session ID] [--json]\n       dcc-kit load --list';

function help(loaders: string): string {
  return `usage: ${USAGE}

Loads a version of a published product into the connected Harmony scene, in ONE call to Harmony whatever
the number of frames, and records it as a container (see dcc-kit inventory). The loaders of this folder's
project (built-in, and a studio's from harmony.loaders in .dcckitrc):
${loaders}
The product is folder/product (e.g. shots/sh010/renderMain) or just product (the folder of the session's
context); @version picks a version (default: the latest complete one). In a Blender session (--session ID,
or the only DCC connected) the loaders are Blender's (imageSequence, blend, movie; a studio's from
blender.loaders): dcc-kit load --list shows them.

options:
  --representation R   which representation (default: the first the loader reads)
  --loader L           which loader (default: the first that takes the product type)
  --mode link|import   palettes: link the published file, or import a copy into the scene
  --again              load it even when the scene already has this version loaded (refused otherwise)
  --session ID         the Harmony session (an id or unique prefix; default: the only one connected);
                       --into ID is the same
  --list               the loaders and what they take
  --json               print JSON
  --help, -h           this help

exit status: 0 loaded, 1 failure (no such product/version/representation, unreadable files, no Node View), 2 usage
`;
}

const BUILT_IN_TEXT = `  imageSequence  render, plate, reference, image, review (png/jpg/jpeg/tga/psd): an element, a drawing
                 column and a READ node; one drawing per frame exposed on its frame (the first frame of the
                 sequence on frame 1, gaps left empty); a single image is held for the whole scene
  background     a layout .json and its layer images: one READ per layer, under a backdrop
  audio          a SOUND column with the file
  palette        linked in place (--mode link, default), or copied into the scene's palette-library (--mode import)
  template       a .tpl (zipped) pasted into Top under a backdrop named after the product
  workfile       a published workfile's nodes, pasted under a backdrop`;

const HELP = help(BUILT_IN_TEXT);

function loaderLines(loaders: LoaderInfo[]): string {
  return loaders.map((l) => `  ${l.name.padEnd(14)} ${l.label}: ${l.productTypes.join(', ')} (${l.representations.join('/')})${l.builtIn ? '' : `\n                 studio loader: ${l.source}`}`).join('\n');
}

export const loadCommand: CliCommand = {
  name: 'load',
  summary: 'load a published product into a Harmony scene',
  help: HELP,
  async helpFor(ctx) {
    const resolved = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const { harmonyExtensionsFor } = await import('../extensions.ts');
    const { loaderInfo } = await import('./loader-types.ts');
    const set = await harmonyExtensionsFor(resolved.config, resolved.sources, ctx.cwd);
    return help(loaderLines(set.loaders.map(loaderInfo)));
  },
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, {
      json: { type: 'boolean' }, representation: { type: 'string' }, loader: { type: 'string' }, mode: { type: 'string' },
      session: { type: 'string' }, into: { type: 'string' }, list: { type: 'boolean' }, again: { type: 'boolean' }, folder: { type: 'string' }, task: { type: 'string' },
    }, USAGE);
    if (values.mode !== undefined && values.mode !== 'link' && values.mode !== 'import') throw new UsageError(`--mode is link or import (got "${values.mode}")\nusage: ${USAGE}`);
    const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const hub = await connectHub({ home: config.home, env: ctx.env, callTimeout: config.hub.callTimeout });
    try {
      const session = await sessionInCwd(hub, config, (values.session ?? values.into) as string | undefined);
      const dcc = await sessionDcc(hub, session);
      if (values.list) {
        const loaders = await hub.adapter(dcc, 'load.loaders', { session }) as LoaderInfo[];
        if (values.json) printJson(ctx, loaders);
        else print(ctx, table([['LOADER', 'PRODUCT TYPES', 'REPRESENTATIONS', 'FROM'], ...loaders.map((l) => [l.name, l.productTypes.join(','), l.representations.join(','), l.builtIn ? 'built-in' : `studio ${l.source}`])]));
        return 0;
      }
      if (positionals.length !== 1) throw new UsageError(`name one product to load (e.g. dcc-kit load shots/sh010/renderMain@2)\nusage: ${USAGE}`);
      const c = await hub.adapter(dcc, 'load.run', {
        session, product: positionals[0], representation: values.representation, loader: values.loader, mode: values.mode, again: values.again,
        folder: values.folder, task: values.task,
      }, { timeout: 10 * 60_000 }) as ContainerRecord;
      if (values.json) printJson(ctx, c);
      else {
        print(ctx, `loaded ${c.product} v${c.version} (${c.representation}) with ${c.loader}: ${c.nodes.join(', ')}${c.backdrop ? ` under backdrop ${c.backdrop}` : ''}  [container ${c.id.slice(0, 8)}]`);
        const beyond = Number(c.data?.beyondScene ?? 0);
        if (beyond > 0) ctx.stderr.write(`dcc-kit load: ${beyond} of its ${String(c.data?.frames)} frames come after the scene's last frame: they are drawings, not exposed; lengthen the scene (Set Scene Settings...) and run dcc-kit inventory update ${c.id.slice(0, 8)} --version ${c.version}\n`);
      }
      return 0;
    } finally {
      hub.close();
    }
  },
};
