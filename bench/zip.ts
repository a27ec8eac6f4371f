/**
 * Zip bench: our zipDirectory against Info-ZIP `zip -r -q` (default level 6), and our extractZip against
 * `unzip -q -o`, on the cached Harmony-like reference project. Median of 3 interleaved runs each.
 *
 *   npx node bench/zip.ts
 */
import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubProcessEnv } from '../kit/hub/start.ts';
import { extractZip, zipDirectory, type ZipSummary } from '../kit/archive/index.ts';
import { BENCH_DATA_DIR, ensureHarmonyProject, treeSize } from './lib/harmony-project.ts';
import {
  commandAvailable, formatMiB, formatSeconds, interleavedRuns, median, peakRssMiB, ratioText, runCommand, type RatioFigure,
} from './lib/timing.ts';

function zipOnceRss(src: string, dest: string): Promise<{ peakMiB: number; ms: number }> {
  const script = fileURLToPath(new URL('./support/zip-once.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, src, dest], { env: hubProcessEnv(process.env) }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout) as { peakMiB: number; ms: number });
    });
  });
}

/** Peak RSS of a command in MiB, from GNU time (null without it). */
function peakRssOfCommand(cmd: string, args: string[], cwd: string): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd }, (err, _stdout, stderr) => {
      const kib = Number(String(stderr).trim().split('\n').pop());
      resolve(err || !Number.isFinite(kib) ? null : kib / 1024);
    });
  });
}

export interface ZipBenchOptions {
  runs?: number;
  log?: (line: string) => void;
}

async function warmCache(dir: string): Promise<void> {
  for (const ent of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (ent.isFile()) await fsp.readFile(path.join(ent.parentPath, ent.name));
  }
}

export async function runZipBench(opts: ZipBenchOptions = {}): Promise<RatioFigure[]> {
  const runs = opts.runs ?? 3;
  const log = opts.log ?? ((s: string) => console.log(s));
  if (!(await commandAvailable('zip')) || !(await commandAvailable('unzip'))) {
    log('zip bench skipped: the zip and unzip commands are needed as baselines');
    return [];
  }
  const project = await ensureHarmonyProject(log);
  const tree = await treeSize(project);
  log(`zip bench: ${formatMiB(tree.bytes)} in ${tree.files} files, ${tree.dirs} folders (${project})`);
  const work = path.join(BENCH_DATA_DIR, `zip-run-${process.pid}`);
  await fsp.rm(work, { recursive: true, force: true });
  await fsp.mkdir(work, { recursive: true });
  const ours = path.join(work, 'ours.zip');
  const theirs = path.join(work, 'zip-r.zip');
  const figures: RatioFigure[] = [];
  try {
    await warmCache(project);
    const summaries: ZipSummary[] = [];
    const zipTimes = await interleavedRuns(runs, {
      ours: {
        prepare: () => fsp.rm(ours, { force: true }),
        run: async () => { summaries.push(await zipDirectory(project, ours)); },
      },
      // zip -r updates an existing archive, so it always starts from nothing
      zipR: {
        prepare: () => fsp.rm(theirs, { force: true }),
        run: () => runCommand('zip', ['-r', '-q', theirs, '.'], { cwd: project }),
      },
    });
    const ourSize = (await fsp.stat(ours)).size;
    const theirSize = (await fsp.stat(theirs)).size;
    const tZip = median(zipTimes.ours);
    const tZipR = median(zipTimes.zipR);
    const time = ratioText('zip time', formatSeconds(tZip), `zip -r ${formatSeconds(tZipR)}`, tZip / tZipR, 1.0);
    const size = ratioText('zip size', formatMiB(ourSize), formatMiB(theirSize), ourSize / theirSize, 1.03, 3);
    log(`zip: ${time.text}; size ${size.text}`);
    const verify = median(summaries.map(s => s.verifyMs));
    const noVerify = ratioText('zip time without verify', formatSeconds(tZip - verify), `zip -r ${formatSeconds(tZipR)}`, (tZip - verify) / tZipR);
    const last = summaries[summaries.length - 1]!;
    log(`  of which verify ${formatSeconds(verify)}; without it ${noVerify.text}; `
      + `${last.storedFiles} of ${last.files} files stored as already compressed`);
    figures.push(time.figure, size.figure);

    const destOurs = path.join(work, 'x-ours');
    const destUnzip = path.join(work, 'x-unzip');
    const exTimes = await interleavedRuns(runs, {
      ours: {
        prepare: () => fsp.rm(destOurs, { recursive: true, force: true }),
        run: () => extractZip(ours, destOurs),
      },
      unzip: {
        prepare: () => fsp.rm(destUnzip, { recursive: true, force: true }),
        run: () => runCommand('unzip', ['-q', '-o', ours, '-d', destUnzip]),
      },
    });
    const tEx = median(exTimes.ours);
    const tUnzip = median(exTimes.unzip);
    const ex = ratioText('extract time', formatSeconds(tEx), `unzip ${formatSeconds(tUnzip)}`, tEx / tUnzip, 1.5);
    log(`extract: ${ex.text}`);
    figures.push(ex.figure);
    log(`runs: zip ${zipTimes.ours.map(formatSeconds).join(', ')} | zip -r ${zipTimes.zipR.map(formatSeconds).join(', ')} | `
      + `extract ${exTimes.ours.map(formatSeconds).join(', ')} | unzip ${exTimes.unzip.map(formatSeconds).join(', ')}`);
    log(`peak RSS of this process (workers included): ${peakRssMiB().toFixed(0)} MiB`);

    // Memory of one save as the hub makes it: a process with the hub's environment zipping once.
    const once = await zipOnceRss(project, path.join(work, 'once.zip'));
    const zipR = await peakRssOfCommand('zip', ['-r', '-q', path.join(work, 'once-zip-r.zip'), '.'], project);
    const met = once.peakMiB < 256;
    log(`peak RSS of one save (hub process, workers included): ${once.peakMiB.toFixed(0)} MiB vs zip -r ${zipR === null ? '?' : `${zipR.toFixed(0)} MiB`} (target < 256 MiB${met ? '' : ', MISSED'}) in ${formatSeconds(once.ms)}`);
    figures.push({ label: 'zip peak RSS / 256 MiB', ratio: once.peakMiB / 256, met });
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.main) {
  const figures = await runZipBench();
  if (figures.some(f => f.met === false)) process.exitCode = 1;
}
