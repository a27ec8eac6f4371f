/**
 * Store bench: integrating files into a version (copy with COPYFILE_FICLONE + SHA-256 in worker threads,
 * through ProductStore) against `cp -r` followed by `sha256sum` of the same files, interleaved, median of 3.
 * Target: our speed >= 0.7x the baseline's (issue: integrate copies + hashes at >= 0.7x cp + sha256sum).
 *
 *   npx node bench/run.ts store
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ProductStore } from '../kit/store/index.ts';
import { BENCH_DATA_DIR } from './lib/harmony-project.ts';
import { commandAvailable, formatMiB, formatSeconds, interleavedRuns, median, runCommand } from './lib/timing.ts';

interface Figure { label: string; ratio: number; met?: boolean }

async function makeFiles(dir: string): Promise<{ files: string[]; bytes: number }> {
  const marker = path.join(dir, '.complete');
  const files: string[] = [];
  const specs = [...Array.from({ length: 200 }, (_, i) => ({ name: `frame.${1001 + i}.png`, size: 1 << 20 })), { name: 'big-a.mov', size: 64 << 20 }, { name: 'big-b.mov', size: 64 << 20 }];
  if (!fs.existsSync(marker)) {
    await fsp.rm(dir, { recursive: true, force: true });
    await fsp.mkdir(dir, { recursive: true });
    for (const s of specs) {
      const buf = Buffer.allocUnsafe(s.size);
      for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE((i * 2654435761) >>> 0, i);
      await fsp.writeFile(path.join(dir, s.name), buf);
    }
    await fsp.writeFile(marker, '');
  }
  let bytes = 0;
  for (const s of specs) {
    files.push(path.join(dir, s.name));
    bytes += s.size;
  }
  return { files, bytes };
}

export async function runStoreBench(): Promise<Figure[]> {
  if (!(await commandAvailable('sha256sum', ['--version']))) {
    console.log('store bench skipped: sha256sum is needed as the baseline');
    return [];
  }
  const src = path.join(BENCH_DATA_DIR, 'store-src');
  const { files, bytes } = await makeFiles(src);
  const work = path.join(BENCH_DATA_DIR, `store-run-${process.pid}`);
  const root = path.join(work, 'store');
  const copy = path.join(work, 'cp');
  console.log(`store bench: ${files.length} files, ${formatMiB(bytes)} (${src})`);
  try {
    for (const f of files) await fsp.readFile(f); // warm the page cache for both sides
    const store = new ProductStore({ root });
    const times = await interleavedRuns(3, {
      ours: {
        prepare: () => fsp.rm(root, { recursive: true, force: true }),
        run: async () => {
          const v = await store.reserve({ folder: 'shots/bench', product: 'renderMain', productType: 'render' });
          await v.addFiles('png', 'png', files.map((f) => ({ source: f, path: path.basename(f) })));
          await v.commit({ source: null, context: {} });
        },
      },
      cpSha: {
        prepare: () => fsp.rm(copy, { recursive: true, force: true }),
        run: async () => {
          await runCommand('cp', ['-r', src, copy]);
          await runCommand('sh', ['-c', `sha256sum ${JSON.stringify(copy)}/* > /dev/null`]);
        },
      },
    });
    const ours = median(times.ours);
    const base = median(times.cpSha);
    const speed = base / ours;
    const met = speed >= 0.7;
    console.log(`integrate (copy + sha256): ${formatSeconds(ours)} vs cp -r + sha256sum ${formatSeconds(base)} = ${speed.toFixed(2)}x the baseline's speed (target >= 0.7x${met ? '' : ', MISSED'})`);
    return [{ label: 'store integrate speed vs cp + sha256sum', ratio: speed, met }];
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStoreBench();
