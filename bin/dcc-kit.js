#!/usr/bin/env node
// Plain JS on purpose: runs on any Node and checks the version before anything heavy is imported.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`dcc-kit needs Node.js >= 22.18 (this is ${process.version} at ${process.execPath}). Install a newer Node, or run it through npm scripts/npx in the dcc-kit folder.`);
  process.exit(1);
}
const { main } = await import('../kit/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
