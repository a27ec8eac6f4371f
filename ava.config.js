// ava's configuration. A JS file rather than package.json's "ava" key for one reason: sortTestFiles, a
// function. The suite is CPU-bound on a 2-core machine and runs `concurrency` files at a time in this order:
// the files that take longest start first, so the short ones fill the end of the run instead of one long file
// running alone while the other workers have nothing left to do.

/** The slowest files, slowest first (wall time of each file run alone, measured while writing this list). */
const SLOWEST_FIRST = [
  'package-dist', 'web-publish-runs', 'harmony-workfiles-kill', 'web', 'web-review', 'harmony-publish-farm',
  'harmony-publish-render-scope', 'harmony-publish-review', 'blender-launch', 'harmony-first-workfile',
  'blender-publish', 'harmony-farm-resume', 'harmony-cli', 'harmony-workfiles-cli', 'harmony-publish-cli',
  'review-media', 'ingest', 'archive-kill', 'cli-usage', 'harmony-workfiles-shared', 'harmony-workfiles-guard',
  'harmony-publish-wait-restart', 'store', 'harmony-inventory-menu', 'harmony-publish-review-kill',
  'studio-pipeline-cli', 'blender-cross-dcc', 'houdini-batch', 'harmony-publish',
].map((name) => `test/${name}.test.ts`);

function rank(file) {
  const i = SLOWEST_FIRST.findIndex((f) => file.endsWith(f));
  return i === -1 ? SLOWEST_FIRST.length : i;
}

export default {
  extensions: ['ts'],
  files: ['test/**/*.test.ts'],
  timeout: '3m',
  concurrency: 4,
  workerThreads: false,
  // Node's compile cache in every test worker (see the file).
  require: ['./test/support/worker-setup.ts'],
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
};
