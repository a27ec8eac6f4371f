#!/usr/bin/env node
// `npm run demo` (adapters/harmony/demo.ts) behind the Node check: Node 20 refuses a .ts file with a stack
// before any of its code runs, so the check has to live in a plain JS file.
import { cacheCompiledCode, requireNode } from './require-node.js';
await requireNode('the dcc-kit demo', 'npm run demo');
await cacheCompiledCode();
const fromPackage = import.meta.url.includes('/node_modules/');
await import(fromPackage ? '../dist/adapters/harmony/demo.js' : '../adapters/harmony/demo.ts');
