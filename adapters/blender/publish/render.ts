/**
 * Blender's local render: `blender -b <saved copy> -o <dir>/<product>.#### -F PNG -x 1 -s A -e B -a`, a
 * batch process whose whole tree dies on cancel. Before it renders, the render process itself claims the
 * reserved version (its own pid in the reservation), so a Blender that crashes mid-render leaves an
 * incomplete version that `dcc-kit products prune` removes. Every frame is checked afterwards.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { runBatch } from '../../../kit/launch.ts';
import { RESERVATION } from '../../../kit/store/index.ts';

export class BlenderRenderError extends Error {}

/** Lines Blender prints in background mode that say nothing about a failure (no display, no GPU). */
const NOISE = [/EGL/i, /^Blender quit$/, /^Blender \d+\.\d+/, /^Read blend:/, /^Fra:\d+ .*(Sync|Rendering|Initializing)/, /^\s*$/, /^Saved: /, /^\s*Time: /, /^Color management:/, /^Warning: Falling back to the standard locale/];

export function meaningfulLines(lines: string[]): string[] {
  return lines.filter((l) => !NOISE.some((re) => re.test(l)));
}

export interface RenderRequest {
  blender: string;
  copy: string;
  outDir: string;
  product: string;
  first: number;
  last: number;
  /** The reserved version folder, whose reservation the render process takes. */
  versionDir: string;
  logFile: string;
  signal?: AbortSignal;
  onFrame?(done: number, total: number): void;
}

/** Python run by the render process before `-a`: it writes its pid into the version's reservation. */
function claimScript(versionDir: string): string {
  const marker = JSON.stringify(path.join(versionDir, RESERVATION));
  return `import json, os, socket, datetime\nwith open(${marker}, "w") as f:\n    json.dump({"pid": os.getpid(), "host": socket.gethostname(), "time": datetime.datetime.utcnow().isoformat() + "Z", "what": "blender render"}, f)\n`;
}

export function frameFile(outDir: string, product: string, frame: number): string {
  return path.join(outDir, `${product}.${String(frame).padStart(4, '0')}.png`);
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function isPng(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(8);
      return fs.readSync(fd, head, 0, 8, 0) === 8 && head.equals(PNG);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

export async function renderFrames(req: RenderRequest): Promise<{ frame: number; file: string }[]> {
  await fsp.mkdir(req.outDir, { recursive: true });
  const total = req.last - req.first + 1;
  let done = 0;
  const result = await runBatch({
    command: req.blender,
    args: ['-b', req.copy, '--python-expr', claimScript(req.versionDir), '-o', path.join(req.outDir, `${req.product}.####`), '-F', 'PNG', '-x', '1', '-s', String(req.first), '-e', String(req.last), '-a'],
    logFile: req.logFile,
    signal: req.signal,
    displayName: 'Blender render',
    executableKey: 'blender.executable',
    onLine: (line) => {
      if (line.startsWith('Saved: ')) req.onFrame?.(++done, total);
    },
  });
  if (result.canceled) throw new BlenderRenderError('the render was cancelled');
  const frames = [];
  const missing: number[] = [];
  for (let f = req.first; f <= req.last; f++) {
    const file = frameFile(req.outDir, req.product, f);
    if (isPng(file)) frames.push({ frame: f, file });
    else missing.push(f);
  }
  if (result.exitCode !== 0 || missing.length) {
    const how = result.signal ? `was killed (${result.signal})` : result.exitCode !== 0 ? `exited with code ${result.exitCode}` : 'finished';
    const tail = meaningfulLines(result.lastLines).slice(-8).join('\n');
    throw new BlenderRenderError(`Blender ${how} while rendering ${req.product}: ${missing.length ? `${missing.length} of ${total} frames missing (first ${missing[0]})` : 'every frame was written'}; `
      + `the version stays incomplete (dcc-kit products prune removes it). Log: ${req.logFile}${tail ? `\n${tail}` : ''}`);
  }
  return frames;
}
