/**
 * `npm test`: the type check, the ava suite and the Python (Houdini side) tests. Every step runs even when an
 * earlier one failed (a `&&` chain hid the Python results whenever ava failed); the exit code is 1 if any
 * step failed, and the last lines say which.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Step { name: string; command: string; args: string[] }

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const STEPS: Step[] = [
  { name: 'type check (tsc --noEmit)', command: process.execPath, args: [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit'] },
  { name: 'ava', command: process.execPath, args: [path.join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.js')] },
  { name: 'python unittest (test/python)', command: process.platform === 'win32' ? 'python' : 'python3', args: ['-m', 'unittest', 'discover', '-s', 'test/python', '-t', 'test/python'] },
];

function runStep(step: Step, cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { cwd, stdio: 'inherit' });
    child.on('error', (err) => {
      console.error(`${step.name}: could not start ${step.command}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs every step in order; 0 if all passed, 1 otherwise. */
export async function runSuites(steps: Step[], cwd = ROOT, log = (line: string) => console.log(line)): Promise<number> {
  const failed: string[] = [];
  for (const step of steps) {
    if ((await runStep(step, cwd)) !== 0) failed.push(step.name);
  }
  log(failed.length === 0 ? `all ${steps.length} test steps passed` : `FAILED: ${failed.join(', ')} (${steps.length - failed.length} of ${steps.length} steps passed)`);
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `npm test -- <ava options or files>` passes them to ava.
  const extra = process.argv.slice(2);
  process.exitCode = await runSuites(STEPS.map((step) => (step.name === 'ava' ? { ...step, args: [...step.args, ...extra] } : step)));
}
