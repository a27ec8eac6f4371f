/**
 * Blender workfiles: `.blend` versions in the shot's work folder, named from the context by
 * blender.workfileTemplate (`{shot}_{task}_v{version:03}` -> sh020_layout_v001.blend). A new version number
 * is taken by creating the file exclusively before Blender saves over it, so two Blenders versioning up in
 * one folder never get the same number.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DccKitError } from '../../kit/errors.ts';
import { resolveContext, type ProjectContext } from '../../kit/context.ts';

export class BlendFileError extends DccKitError {
  constructor(message: string, code = 'BLEND_FILE') { super(message, code); }
}

export interface BlendVersion { path: string; file: string; version: number; size: number; mtimeMs: number }

/** The scene settings a shot's context asks of Blender: frames with handles, fps, resolution. */
export interface BlendSceneSettings { frameStart: number; frameEnd: number; fps: number; resolution: [number, number] }

export function sceneSettingsOf(ctx: ProjectContext): BlendSceneSettings {
  return {
    frameStart: ctx.frameStart - ctx.handleStart,
    frameEnd: ctx.frameEnd + ctx.handleEnd,
    fps: ctx.fps,
    resolution: [ctx.resolution[0], ctx.resolution[1]],
  };
}

function shotOf(ctx: ProjectContext): string | null {
  return ctx.folder ? ctx.folder.replace(/\\/g, '/').split('/').filter(Boolean).pop() ?? null : null;
}

/** True when the context names a shot and task, so workfile names can be made. */
export function namesWorkfiles(ctx: ProjectContext): boolean {
  return Boolean(shotOf(ctx) && ctx.task);
}

const FIELD = /\{(shot|task|version)(?::(0?\d+))?\}/g;

export function workfileName(template: string, ctx: ProjectContext, version: number): string {
  return `${template.replace(FIELD, (_, key: string, pad?: string) => {
    if (key === 'version') return pad ? String(version).padStart(Number(pad), '0') : String(version);
    return key === 'shot' ? shotOf(ctx) ?? 'untitled' : ctx.task ?? 'work';
  })}.blend`;
}

function versionPattern(template: string, ctx: ProjectContext): RegExp {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(FIELD)) {
    out += escape(template.slice(last, m.index));
    out += m[1] === 'version' ? '(\\d+)' : escape(m[1] === 'shot' ? shotOf(ctx) ?? 'untitled' : ctx.task ?? 'work');
    last = m.index! + m[0].length;
  }
  return new RegExp(`^${out}${escape(template.slice(last))}\\.blend$`, 'i');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The context's workfiles in `dir`, newest version first. */
export async function listBlendVersions(dir: string, template: string, ctx: ProjectContext): Promise<BlendVersion[]> {
  const re = versionPattern(template, ctx);
  const names = await fsp.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const out: BlendVersion[] = [];
  for (const file of names) {
    const m = re.exec(file);
    if (!m) continue;
    const st = await fsp.stat(path.join(dir, file)).catch(() => null);
    if (!st?.isFile()) continue;
    out.push({ path: path.join(dir, file), file, version: Number(m[1]), size: st.size, mtimeMs: st.mtimeMs });
  }
  return out.sort((a, b) => b.version - a.version || b.mtimeMs - a.mtimeMs);
}

/**
 * Takes the next version's file in `dir` (created empty, exclusively; Blender then saves over it) and
 * returns its path. `release` removes it if the save did not happen.
 */
export async function reserveNextVersion(dir: string, template: string, ctx: ProjectContext): Promise<{ path: string; version: number; release(): Promise<void> }> {
  await fsp.mkdir(dir, { recursive: true });
  let version = ((await listBlendVersions(dir, template, ctx))[0]?.version ?? 0) + 1;
  for (;; version++) {
    const file = path.join(dir, workfileName(template, ctx, version));
    try {
      await (await fsp.open(file, 'wx')).close();
      return {
        path: file,
        version,
        release: async () => {
          const st = await fsp.stat(file).catch(() => null);
          if (st && st.size === 0) await fsp.rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

const BLEND_MAGIC = Buffer.from('BLENDER');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** Refuses a path that is not a .blend file Blender could open (by name and by its first bytes). */
export function assertBlendFile(file: string): void {
  if (!/\.blend$/i.test(file)) {
    throw new BlendFileError(`${file} is not a .blend file: give a Blender scene (.blend), or no file to start a new scene`, 'NOT_A_BLEND');
  }
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(8);
      head = head.subarray(0, fs.readSync(fd, head, 0, 8, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BlendFileError(`scene not found: ${file}`, 'SCENE_NOT_FOUND');
    throw new BlendFileError(`${file} cannot be read (${code ?? (err as Error).message})`, 'NOT_A_BLEND');
  }
  const starts = (m: Buffer) => head.length >= m.length && head.subarray(0, m.length).equals(m);
  if (!starts(BLEND_MAGIC) && !starts(GZIP_MAGIC) && !starts(ZSTD_MAGIC)) {
    throw new BlendFileError(`${file} is named .blend but is not a Blender file (it does not start with BLENDER); was it renamed from something else?`, 'NOT_A_BLEND');
  }
}

/** For a launch: where the first workfile goes when `scene` does not exist yet, with the settings to give it. */
export async function firstWorkfileOf(scene: string, env: NodeJS.ProcessEnv): Promise<{ path: string; settings: BlendSceneSettings } | null> {
  if (fs.existsSync(scene)) return null;
  const { context } = await resolveContext({ cwd: path.dirname(scene), env });
  return { path: scene, settings: sceneSettingsOf(context) };
}
