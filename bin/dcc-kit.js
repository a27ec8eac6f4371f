#!/usr/bin/env node
// Plain JS on purpose: runs on any Node and checks the version before anything heavy is imported.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`dcc-kit needs Node.js >= 22.18 (this is ${process.version} at ${process.execPath}). Install a newer Node, or run it through npm scripts/npx in the dcc-kit folder.`);
  process.exit(1);
}
// From a published package run the compiled dist/ (Node does not strip types under node_modules).
const fromPackage = import.meta.url.includes('/node_modules/');
const { main } = await import(fromPackage ? '../dist/kit/cli/main.js' : '../kit/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
