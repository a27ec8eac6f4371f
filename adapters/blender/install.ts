/**
 * `dcc-kit install blender`: a startup script, `<scripts>/startup/dcckit_startup.py`, in every per-user
 * Blender scripts folder. Blender imports every module of `startup/` when it starts and calls its
 * register(); ours puts the kit's Python on sys.path and starts the hub client. Nothing else in the user's
 * scripts (add-ons, other startup scripts) is touched; uninstall removes only a file dcc-kit wrote.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { InstallOptions, InstallResult } from '../../kit/adapter.ts';
import { DccKitError } from '../../kit/errors.ts';
import { writeAtomic } from '../../kit/write-atomic.ts';
import { BLENDER_SCRIPTS_DIR, SHARED_PYTHON_DIR, STARTUP_FILE_NAME, findUserScriptsDirs } from './paths.ts';

export const STARTUP_MARK = '# dcc-kit startup script: written by `dcc-kit install blender`';

export class BlenderInstallError extends DccKitError {
  constructor(message: string) { super(message, 'BLENDER_INSTALL'); }
}

/** The startup module, with the kit's folders written in (Python string literals via JSON). */
export function startupScriptFor(): string {
  const dirs = [path.join(BLENDER_SCRIPTS_DIR, 'python'), SHARED_PYTHON_DIR];
  return `${STARTUP_MARK}
# (\`dcc-kit uninstall blender\` removes it). Starts the dcc-kit hub client in every Blender started by
# hand; a Blender started by \`dcc-kit launch blender\` starts it anyway. Never breaks Blender's startup.

_DCCKIT_PATHS = ${JSON.stringify(dirs)}


def register():
    import sys
    import traceback

    try:
        for folder in _DCCKIT_PATHS:
            if folder not in sys.path:
                sys.path.insert(0, folder)
        import dcckit_blender

        dcckit_blender.start()
    except Exception:
        print("[dcc-kit] not started; Blender continues without it:\\n" + traceback.format_exc(), file=sys.stderr)


def unregister():
    pass
`;
}

function isOurs(file: string): boolean {
  try {
    return fs.readFileSync(file, 'utf8').startsWith(STARTUP_MARK);
  } catch {
    return false;
  }
}

async function startupFolders(opts: InstallOptions, forUninstall: boolean): Promise<string[]> {
  if (opts.targetDir) {
    const dir = path.resolve(opts.targetDir);
    const st = await fsp.stat(dir).catch(() => null);
    if (!st?.isDirectory()) {
      if (forUninstall) return [];
      throw new BlenderInstallError(`--scripts-dir ${dir} does not exist (create it, or leave it out to install into every Blender user scripts folder)`);
    }
    return [path.join(dir, 'startup')];
  }
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const found = findUserScriptsDirs(platform, env, opts.homeDir ?? os.homedir());
  if (found.dirs.length === 0 && !forUninstall) {
    throw new BlenderInstallError(`no Blender user scripts folder found (looked for ${found.searched}). Start Blender once so it creates it, set BLENDER_USER_SCRIPTS, or pass --scripts-dir DIR`);
  }
  return found.dirs.map((d) => path.join(d, 'startup'));
}

export async function installBlender(opts: InstallOptions = {}): Promise<InstallResult> {
  const text = startupScriptFor();
  const actions: InstallResult['actions'] = [];
  for (const dir of await startupFolders(opts, false)) {
    const file = path.join(dir, STARTUP_FILE_NAME);
    if (fs.existsSync(file) && !isOurs(file)) {
      throw new BlenderInstallError(`${file} exists and was not written by dcc-kit; move it away (or rename it) and install again`);
    }
    if (!opts.dryRun) {
      await fsp.mkdir(dir, { recursive: true });
      await writeAtomic(file, text);
    }
    actions.push({ path: file, action: 'written' });
  }
  return { actions };
}

export async function uninstallBlender(opts: InstallOptions = {}): Promise<InstallResult> {
  const actions: InstallResult['actions'] = [];
  for (const dir of await startupFolders(opts, true)) {
    const file = path.join(dir, STARTUP_FILE_NAME);
    if (!fs.existsSync(file)) continue;
    if (!isOurs(file)) {
      actions.push({ path: file, action: 'left alone (not written by dcc-kit)' });
      continue;
    }
    if (!opts.dryRun) await fsp.rm(file);
    actions.push({ path: file, action: 'removed' });
  }
  return { actions };
}
