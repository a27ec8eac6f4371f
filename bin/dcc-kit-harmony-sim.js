#!/usr/bin/env node
// The headless Harmony simulator. Plain JS so an old Node gets one clear line instead of a stack.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`dcc-kit-harmony-sim needs Node.js >= 22.18 (this is ${process.version} at ${process.execPath}).`);
  process.exit(1);
}
const fromPackage = import.meta.url.includes('/node_modules/');
const { simMain } = await import(fromPackage ? '../dist/adapters/harmony/simulator/main.js' : '../adapters/harmony/simulator/main.ts');
const code = await simMain(process.argv.slice(2));
if (code >= 0) process.exit(code);
