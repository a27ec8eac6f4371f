#!/usr/bin/env node
// The headless Harmony simulator. Plain JS so an old Node gets one clear line instead of a stack.
import { cacheCompiledCode, requireNode } from './require-node.js';
await requireNode('dcc-kit-harmony-sim');
await cacheCompiledCode();
const fromPackage = import.meta.url.includes('/node_modules/');
const { simMain } = await import(fromPackage ? '../dist/adapters/harmony/simulator/main.js' : '../adapters/harmony/simulator/main.ts');
const { endProcess } = await import(fromPackage ? '../dist/kit/exit.js' : '../kit/exit.ts');
const code = await simMain(process.argv.slice(2));
// Ends by draining its event loop (kit/exit.ts); what still holds it after the grace period is said.
if (code >= 0) endProcess(code, { onForced: (held) => console.error(`[simulator] still held open after its work was done (${held.join(', ')}): exiting anyway`) });
