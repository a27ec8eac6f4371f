/**
 * `npm test`: the type check, the ava suite and the Python (Houdini side) tests. Every step runs even when an
 * other one failed (a `&&` chain hid the Python results whenever ava failed); the exit code is 1 if any
 * step failed, and the last lines say which. The steps run at the same time (the type check and the Python
 * tests take seconds of CPU and tens of seconds of waiting, hidden behind ava's minutes): ava prints as it
 * goes, the others' output is held and printed, step by step, once all have ended.
 */
import { spawn } from 'node:child_process';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Step {
  name: string;
  command: string;
  args: string[];
  /** Prints straight to this terminal while it runs (one step at most); the others' output is held. */
  live?: boolean;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const STEPS: Step[] = [
  { name: 'type check (tsc --noEmit)', command: process.execPath, args: [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit'] },
  { name: 'ava', command: process.execPath, args: [path.join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.js')], live: true },
  { name: 'python unittest (test/python)', command: process.platform === 'win32' ? 'python' : 'python3', args: ['-m', 'unittest', 'discover', '-s', 'test/python', '-t', 'test/python'] },
];

interface Ended { code: number; output: string }

function runStep(step: Step, cwd: string): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { cwd, stdio: step.live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => chunks.push(d));
    child.stderr?.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', (err) => resolve({ code: 1, output: `${step.name}: could not start ${step.command}: ${err.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Runs every step at once; 0 if all passed, 1 otherwise. `log` gets the held output and the summary. */
export async function runSuites(steps: Step[], cwd = ROOT, log = (line: string) => console.log(line)): Promise<number> {
  const ended = await Promise.all(steps.map((step) => runStep(step, cwd)));
  const failed: string[] = [];
  steps.forEach((step, i) => {
    const { code, output } = ended[i]!;
    const held = output.trimEnd();
    if (!step.live) log(`── ${step.name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`}${held ? `\n${held}` : ''}`);
    if (code !== 0) failed.push(step.name);
  });
  log(failed.length === 0 ? `all ${steps.length} test steps passed` : `FAILED: ${failed.join(', ')} (${steps.length - failed.length} of ${steps.length} steps passed)`);
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Node's compile cache for every step's processes, as the dcc-kit bins use it (see test/support/worker-setup.ts).
  if (process.env.NODE_COMPILE_CACHE === undefined && !process.env.NODE_DISABLE_COMPILE_CACHE) {
    const enabled = module.enableCompileCache?.();
    if (enabled?.directory) process.env.NODE_COMPILE_CACHE = enabled.directory;
  }
  // `npm test -- <ava options or files>` passes them to ava.
  const extra = process.argv.slice(2);
  process.exitCode = await runSuites(STEPS.map((step) => (step.name === 'ava' ? { ...step, args: [...step.args, ...extra] } : step)));
}
