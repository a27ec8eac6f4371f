/**
 * `npm run bench [-- name ...]`: runs every bench module in bench/ and sums up their targets.
 *
 * A bench module is a file bench/<name>.ts exporting an async `run<Name>Bench()` that prints its own lines
 * and returns its figures (`{label, ratio, met?}`; `met` is false for a missed target). Adding a bench is
 * adding such a file: it is found by its name. Names given on the command line pick the modules whose
 * name contains one of them (`npm run bench -- protocol`). The expected modules (EXPECTED) that do not
 * exist yet are reported as skipped. Exits 1 when a target was missed or a module failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/** Run first, in this order, and reported as skipped when their file is missing. */
const EXPECTED = ['protocol', 'zip'];
const RUNNER = 'run';

interface Figure { label: string; ratio: number; met?: boolean }
type BenchFunction = () => Promise<Figure[] | void>;

function moduleNames(): string[] {
  const found = fs.readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .filter((name) => name !== RUNNER);
  const rest = found.filter((n) => !EXPECTED.includes(n)).sort();
  return [...EXPECTED, ...rest];
}

function benchFunction(mod: Record<string, unknown>): BenchFunction | undefined {
  const name = Object.keys(mod).find((k) => /^run\w*Bench$/.test(k) && typeof mod[k] === 'function');
  return name ? mod[name] as BenchFunction : undefined;
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = moduleNames().filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)));
  if (names.length === 0) {
    console.error(`no bench module matches ${filters.join(', ')} (modules: ${moduleNames().join(', ')})`);
    return 2;
  }
  const figures: Figure[] = [];
  const failed: string[] = [];
  const started = performance.now();
  for (const name of names) {
    const file = path.join(BENCH_DIR, `${name}.ts`);
    if (!fs.existsSync(file)) {
      console.log(`\n== ${name}: skipped (bench/${name}.ts does not exist yet)`);
      continue;
    }
    const mod = await import(pathToFileURL(file).href) as Record<string, unknown>;
    const run = benchFunction(mod);
    if (!run) {
      console.log(`\n== ${name}: skipped (bench/${name}.ts exports no run...Bench function)`);
      continue;
    }
    console.log(`\n== ${name}`);
    const t0 = performance.now();
    try {
      figures.push(...(await run()) ?? []);
      console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed.push(name);
      console.error(`${name} failed: ${(err as Error).stack ?? String(err)}`);
    }
  }
  const targets = figures.filter((f) => f.met !== undefined);
  const missed = targets.filter((f) => f.met === false);
  console.log(`\n${targets.length - missed.length} of ${targets.length} targets met in ${((performance.now() - started) / 1000).toFixed(1)} s`
    + (failed.length ? `; failed: ${failed.join(', ')}` : ''));
  for (const f of missed) console.log(`  missed: ${f.label} (${f.ratio.toFixed(2)}x)`);
  return missed.length > 0 || failed.length > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
