/**
 * Before Blender starts: a given file must be a real .blend that no other connected Blender has open
 * (`--force` opens it anyway); without a file, in a shot folder (a context with folder and task), the
 * latest workfile there is opened, or the first one (v001) is made with the context's scene settings.
 */
import path from 'node:path';
import type { PrepareLaunchRequest, SessionInfo } from '../../kit/adapter.ts';
import { resolveContext } from '../../kit/context.ts';
import { connectHub } from '../../kit/hub/client.ts';
import { blenderConfig } from './launch.ts';
import { assertBlendFile, BlendFileError, listBlendVersions, namesWorkfiles, workfileName } from './workfiles.ts';

async function openIn(file: string, home: string, env: NodeJS.ProcessEnv): Promise<SessionInfo | null> {
  let hub;
  try {
    hub = await connectHub({ home, env });
  } catch {
    return null; // no hub: nothing of ours has it open
  }
  try {
    return (await hub.sessions()).find((s) => s.dcc === 'blender' && s.connected && s.scene !== null && path.resolve(s.scene) === path.resolve(file)) ?? null;
  } finally {
    hub.close();
  }
}

export async function prepareBlenderLaunch(req: PrepareLaunchRequest): Promise<{ scene: string | null }> {
  const home = (req.config as { home: string }).home;
  let scene = req.scene;
  if (!scene) {
    const { context } = await resolveContext({ cwd: req.cwd, env: req.env });
    if (!namesWorkfiles(context)) return { scene: null };
    const template = blenderConfig(req.config).workfileTemplate;
    const latest = (await listBlendVersions(req.cwd, template, context))[0];
    if (!latest) return { scene: path.join(req.cwd, workfileName(template, context, 1)) };
    scene = latest.path;
  }
  assertBlendFile(scene);
  if (!req.force) {
    const holder = await openIn(scene, home, req.env);
    if (holder) {
      throw new BlendFileError(`${scene} is already open in Blender (session ${holder.id.slice(0, 8)}, pid ${holder.pid ?? '?'}); a second Blender on it would overwrite the first one's saves. `
        + 'Close that Blender, save a new version from it (dcc-kit blender save --version-up), or open anyway with --force.', 'WORKFILE_OPEN_ELSEWHERE');
    }
  }
  return { scene };
}
