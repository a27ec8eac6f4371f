#!/usr/bin/env node
// Plain JS on purpose: runs on any Node and checks the version before anything heavy is imported.
import { cacheCompiledCode, requireNode } from './require-node.js';
await requireNode('dcc-kit');
await cacheCompiledCode();
// From a published package run the compiled dist/ (Node does not strip types under node_modules).
const fromPackage = import.meta.url.includes('/node_modules/');
const { main } = await import(fromPackage ? '../dist/kit/cli/main.js' : '../kit/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
