/** `dcc-kit ingest`: files from outside the pipeline become a new version of a product, like a publish. */
import path from 'node:path';
import type { CliCommand, CliContext } from './types.ts';
import { UsageError } from '../errors.ts';
import { loadConfig } from '../config.ts';
import { contextFromConfig } from '../context.ts';
import { storeFromConfig } from '../store/index.ts';
import { INGEST_TYPES, ingest, type IngestType } from '../ingest/ingest.ts';
import { formatBytes } from './progress.ts';
import { parse, print, printJson } from './args.ts';

const USAGE = 'dcc-kit ingest <file | first-file-of-a-sequence | folder> [<folder>/]<product> [--type plate|background|audio|image|palette] [--comment TEXT] [--json]';

const HELP = `usage: ${USAGE}

Brings files from outside the pipeline (a plate, a background, the dialogue, a palette) into the product
store as a new version of <folder>/<product>, exactly like a publish: a version reserved atomically, the
files copied and hashed, a JPEG thumbnail for images (made by ffmpeg: review.ffmpeg or ffmpeg on PATH), and
version.json written last. dcc-kit load then loads it with the usual loaders.

The source is a file, the first file of a numbered sequence (name.0001.png: the whole sequence is taken,
detected with the loaders' rules: padding, gaps, negative frames), or a folder. --type is inferred when
left out: a WAV/AIFF/MP3 is audio, a numbered image sequence a plate, a single image an image, a .plt a
palette. A background is a folder of image layers (with or without its layout .json).

Every file's header must decode as what the type says (PNG, JPEG, TIFF, OpenEXR, PSD images; WAV, AIFF,
MP3 sounds; Harmony palettes), whatever its extension: anything else is refused, naming the files, before
anything is written.

options:
  --type T          plate, background, audio, image or palette (default: inferred from the files)
  --comment TEXT    stored in the version.json (shown by dcc-kit products and on the page)
  --json            print {product, version, path, type, files, bytes, representations, summary}
  --help, -h        this help

<folder> defaults to the context's folder (dcc-kit context) when the product is named alone.

exit status: 0 ingested, 1 refused or failed (nothing is written), 2 usage
`;

export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'bring a plate, background, sound or palette into the product store as a new version',
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' }, type: { type: 'string' }, comment: { type: 'string' } }, USAGE);
    if (positionals.length !== 2) throw new UsageError(`ingest takes a source and a product (got ${positionals.length} argument(s))\nusage: ${USAGE}`);
    const type = values.type as string | undefined;
    if (type !== undefined && !(INGEST_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type is one of ${INGEST_TYPES.join(', ')} (got "${type}")`);
    const loaded = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const context = contextFromConfig(loaded).context;
    let target = positionals[1]!.replace(/\/+$/, '');
    if (!target.includes('/')) {
      if (!context.folder) throw new UsageError(`"${target}" names no folder and the context has none: write it as <folder>/<product> (e.g. shots/sh010/${target})`);
      target = `${context.folder}/${target}`;
    }
    const review = (loaded.config as { review?: { ffmpeg: string | null } }).review;
    let shown = -1;
    const r = await ingest({
      source: path.resolve(ctx.cwd, positionals[0]!), target, type: type as IngestType | undefined, comment: (values.comment as string | undefined)?.trim() || null,
      store: storeFromConfig(loaded.config), ffmpeg: review?.ffmpeg ?? null, context: { project: context.project, folder: context.folder, task: context.task },
      blockingIo: true,
      onProgress: (p) => {
        if (!ctx.interactive || values.json) return;
        const pct = Math.floor((p.filesDone / p.filesTotal) * 100);
        if (pct !== shown) ctx.stderr.write(`\ringest: ${p.filesDone}/${p.filesTotal} files (${pct}%)\x1b[K`);
        shown = pct;
      },
    });
    if (shown >= 0) ctx.stderr.write('\n');
    if (values.json) printJson(ctx, r);
    else print(ctx, `ingested ${r.product} v${r.version} (${r.type}: ${r.summary}; ${r.files} file(s), ${formatBytes(r.bytes)}; ${r.representations.join(', ')})\n  ${r.path}`);
    return 0;
  },
};
