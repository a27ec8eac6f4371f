/**
 * Rigs for the tests that run the REAL Blender (Debian's blender here): a sandboxed CLI, a shot folder with
 * its .dcckitrc, and one background Blender launched through `dcc-kit launch blender --background`, to be
 * shared by the tests of one file (each start costs seconds on a busy machine).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sandbox, type Sandbox } from './cli.ts';
import { PATIENCE_MS, eventually } from './patience.ts';
import { connectHub, type HubClient } from '../../kit/hub/client.ts';
import { BlenderSession } from '../../adapters/blender/session.ts';
import { isProcessAlive } from '../../kit/process.ts';

export interface BlenderShot {
  sb: Sandbox;
  project: string;
  shot: string;
  store: string;
}

/** A project with a store, and `shots/<shot>` whose .dcckitrc sets the shot's context. */
export function blenderShot(opts: { shot?: string; task?: string; context?: string; projectRc?: string } = {}): BlenderShot {
  const sb = sandbox();
  const project = path.join(sb.dir, 'proj');
  const shotName = opts.shot ?? 'sh020';
  const shot = path.join(project, 'shots', shotName);
  const store = path.join(project, 'publish');
  fs.mkdirSync(shot, { recursive: true });
  fs.writeFileSync(path.join(project, '.dcckitrc'), `context: { project: demo, fps: 25, resolution: [320, 180] }\npublish: { root: ${JSON.stringify(store)} }\n${opts.projectRc ?? ''}`);
  fs.writeFileSync(path.join(shot, '.dcckitrc'), `context: { folder: shots/${shotName}, task: ${opts.task ?? 'layout'}, frameStart: 1001, frameEnd: 1002, handleStart: 1, handleEnd: 0${opts.context ? `, ${opts.context}` : ''} }\n`);
  return { sb, project, shot, store };
}

export interface LaunchedBlender {
  session: { id: string; pid: number; version: string; scene: string | null };
  pid: number;
  logFile: string;
}

/** `dcc-kit launch blender --background [file]` in `cwd`; resolves once Blender said hello. */
export async function launchBackgroundBlender(sb: Sandbox, cwd: string, file?: string): Promise<LaunchedBlender> {
  return launchBlender(sb, cwd, ['--background', ...(file ? [file] : [])]);
}

/** `dcc-kit launch blender ARGS --json`, given longer than the sandbox's default to start a Blender on a busy machine. */
export async function launchBlender(sb: Sandbox, cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<LaunchedBlender> {
  const r = await sb.run(['launch', 'blender', ...args, '--timeout', String(PATIENCE_MS * 2), '--json'], { cwd, env, timeout: PATIENCE_MS * 3 });
  if (r.code !== 0) throw new Error(`dcc-kit launch blender ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as LaunchedBlender;
}

export async function connectBlender(sb: Sandbox, launched: LaunchedBlender): Promise<{ hub: HubClient; blender: BlenderSession }> {
  const hub = await connectHub({ home: sb.env.DCC_KIT_HOME, env: sb.env });
  const blender = await BlenderSession.connect(hub, { selector: launched.session.id, callTimeout: PATIENCE_MS });
  return { hub, blender };
}

/** Waits until `pid` has exited (polling the process table), up to PATIENCE_MS. */
export async function processGone(pid: number): Promise<boolean> {
  return eventually(`process ${pid} to exit`, () => !isProcessAlive(pid)).then(() => true, () => false);
}

/** Stops a Blender: blender.quit, and a kill if it is still there (a test that failed midway). */
export async function stopBlender(blender: BlenderSession | null, pid: number): Promise<void> {
  await blender?.quit().catch(() => {});
  if (!(await processGone(pid))) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

/** True when the file starts with Blender's magic (an uncompressed .blend). */
export function isBlendFile(file: string): boolean {
  return fs.readFileSync(file).subarray(0, 7).toString('latin1') === 'BLENDER';
}
