/**
 * Harmony's batch render for publishing: `<harmony> -batch -frames FIRST LAST scene.xstage` on a copy of
 * the saved project, so the artist's folder is never written by the render; then every expected frame of
 * a WRITE node is checked on disk (missing or empty frames are named).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { resolveExecutable, runBatch } from '../../../kit/launch.ts';
import { SIMULATOR_BIN, defaultHarmonyExecutables } from '../paths.ts';
import type { CollectedScene } from './data.ts';

export class RenderError extends Error {}

/**
 * The command that renders: the configured harmony.executable when it names one, else the bundled
 * simulator when the session is the simulator, else Harmony found in its usual places.
 */
export async function harmonyBatchCommand(executable: string | null, simulate: boolean): Promise<{ command: string; prefix: string[] }> {
  if (executable === 'simulator' || (executable === null && simulate)) return { command: process.execPath, prefix: [SIMULATOR_BIN] };
  const command = await resolveExecutable({
    configured: executable ?? undefined, candidates: defaultHarmonyExecutables(process.platform, process.env),
    key: 'harmony.executable', displayName: 'Harmony', env: process.env, platform: process.platform,
  });
  return { command, prefix: [] };
}

/**
 * The -preRenderScript that makes a batch render write only `keep` (WRITE node paths): Harmony's batch mode
 * renders every enabled WRITE node, so the scene's default Top/Write (and any WRITE of another instance)
 * would be rendered too. Harmony runs the script in the scene it renders, before the render, without
 * saving it: the artist's scene and the published workfile keep their nodes as they were. ES5.
 */
export function renderOnlyScript(keep: string[]): string {
  return [
    '// dcc-kit: render only the publish instances\' WRITE nodes',
    `var dcckitKeep = ${JSON.stringify(keep)};`,
    'var dcckitWrites = node.getNodes(["WRITE"]);',
    'for (var dcckitI = 0; dcckitI < dcckitWrites.length; dcckitI++) {',
    '  var dcckitPath = String(dcckitWrites[dcckitI]);',
    '  var dcckitKept = false;',
    '  for (var dcckitJ = 0; dcckitJ < dcckitKeep.length; dcckitJ++) if (dcckitKeep[dcckitJ] === dcckitPath) dcckitKept = true;',
    '  if (!dcckitKept && node.getEnable(dcckitPath)) {',
    '    node.setEnable(dcckitPath, false);',
    '    MessageLog.trace("dcc-kit: not rendering " + dcckitPath + " (no publish instance of this render)");',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Writes the render-only script into `folder` and returns the batch arguments that run it. */
export async function renderOnlyArgs(folder: string, keep: string[]): Promise<string[]> {
  const file = path.join(folder, 'dcckit-render-only.js');
  await fsp.writeFile(file, renderOnlyScript(keep));
  return ['-preRenderScript', file];
}

/** Copies the saved project (without earlier renders) and renders all its frames there, only the `only` WRITE nodes. */
export async function renderCopy(opts: {
  scene: CollectedScene; staging: string; command: { command: string; prefix: string[] }; signal?: AbortSignal;
  /** The WRITE nodes to render (every other WRITE node is disabled in the render's scene). */
  only: string[];
  onLine?(line: string): void;
}): Promise<{ copy: string; log: string }> {
  const copy = path.join(opts.staging, 'render-copy');
  await fsp.rm(copy, { recursive: true, force: true });
  await fsp.cp(opts.scene.projectDir, copy, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(opts.scene.projectDir, src);
      return rel !== 'render' && !rel.startsWith(`render${path.sep}`) && !rel.startsWith('.dcckit-');
    },
  });
  const log = path.join(opts.staging, 'render.log');
  const xstage = path.join(copy, `${opts.scene.versionName}.xstage`);
  const only = await renderOnlyArgs(opts.staging, opts.only);
  const result = await runBatch({
    command: opts.command.command, args: [...opts.command.prefix, '-batch', '-frames', '1', String(opts.scene.settings.frames), ...only, xstage],
    logFile: log, signal: opts.signal, onLine: opts.onLine, displayName: 'Harmony batch render', executableKey: 'harmony.executable',
  });
  if (result.canceled) throw new RenderError('the render was cancelled');
  if (result.exitCode !== 0) {
    // Harmony's exit code is not reliable (a licence warning can fail it with every frame written): the
    // frame check decides, the log is kept for the error message.
  }
  return { copy, log };
}

export interface WriteOutput { path: string; name: string; drawingName: string; leadingZeros: number; start: number }

/** The files a WRITE node writes for frames 1..count. */
export function expectedFrames(projectDir: string, w: WriteOutput, count: number): { frame: number; file: string }[] {
  const digits = Math.max(1, (Number.isFinite(w.leadingZeros) ? w.leadingZeros : 3) + 1);
  const start = Number.isFinite(w.start) ? w.start : 1;
  const prefix = path.isAbsolute(w.drawingName) ? w.drawingName : path.join(projectDir, w.drawingName);
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1 + start - 1;
    const sign = n < 0 ? '-' : '';
    return { frame: i + 1, file: `${prefix}${sign}${String(Math.abs(n)).padStart(digits, '0')}.png` };
  });
}

/** Throws naming the missing or empty frames (and the log). */
export async function checkFrames(frames: { frame: number; file: string }[], what: string, log: string): Promise<void> {
  const bad: string[] = [];
  for (const f of frames) {
    const st = await fsp.stat(f.file).catch(() => null);
    if (!st || st.size === 0) bad.push(`${path.basename(f.file)}${st ? ' (empty)' : ''}`);
  }
  if (bad.length) {
    const shown = bad.length > 6 ? `${bad.slice(0, 6).join(', ')} and ${bad.length - 6} more` : bad.join(', ');
    throw new RenderError(`${what}: ${bad.length} of ${frames.length} frames were not rendered: ${shown}. The render log is ${log}`);
  }
}
