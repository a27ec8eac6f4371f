/**
 * What Harmony opens at `dcc-kit launch harmony [x]` (run in the CLI process before the launch):
 *   a workfile .zip     -> its local copy in the work area (extracted, or reused when newer), its .xstage;
 *                          a .zip that does not exist yet is made first (first-workfile.ts);
 *   an .xstage/folder   -> itself;
 *   nothing             -> the current folder's workfile saved last when harmony.workfiles.openLatest;
 *                          else, when the folder's context has a folder and a task, the shot's workfile
 *                          (named by harmony.workfiles.template from the context) at its highest version in
 *                          the current folder, made as version 1 when there is none;
 *                          else a new scene: the simulator gets a copy of the scene template, real Harmony
 *                          gets no scene (it makes its own new one).
 * After an open, a running hub is asked to apply the retention rule to the other local copies.
 */
import path from 'node:path';
import type { PrepareLaunchRequest } from '../../../kit/adapter.ts';
import fs from 'node:fs';
import type { DccKitConfig } from '../../../config/schema.ts';
import { workfileSettings, type WorkfileSettings } from './config.ts';
import { createFirstWorkfile } from './first-workfile.ts';
import { compileTemplate } from './template.ts';
import { LocalCopyInUseError } from './errors.ts';
import { localCopyDir, openWorkfile } from './local-copy.ts';
import { claimLocalCopy, releaseClaim } from './open-claims.ts';
import { newSimulatorScene } from './new-scene.ts';
import { latestWorkfile, listWorkfiles } from './versions.ts';
import { runningHubClient } from './hub-link.ts';

export interface PreparedLaunch {
  scene: string | null;
  /** The workfile archive opened, if any. */
  workfile?: string;
  reused?: boolean;
}

function isInside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The shot's workfile in `cwd` when the context names a folder and a task: its highest version, or version 1 made now. */
async function shotWorkfile(req: PrepareLaunchRequest, cfg: WorkfileSettings, simulate: boolean): Promise<string | null> {
  const context = (req.config as Partial<DccKitConfig> | null)?.context;
  if (!context?.folder || !context.task) return null;
  const template = compileTemplate(cfg.template);
  const name = template.nameFor(context);
  const existing = (await listWorkfiles(req.cwd, template, name))[0];
  if (existing) return existing.path;
  const zip = path.join(req.cwd, template.format({ name, version: 1 }));
  await createFirstWorkfile(zip, { workArea: cfg.workArea, templateScene: cfg.templateScene, simulate, maxBytes: cfg.maxExtractBytes, maxRatio: cfg.maxCompressionRatio });
  return zip;
}

export async function prepareHarmonyLaunch(req: PrepareLaunchRequest, simulate: boolean): Promise<PreparedLaunch> {
  const cfg = workfileSettings(req.config);
  let zip: string | null = null;
  if (req.scene) {
    if (!req.scene.toLowerCase().endsWith('.zip')) return { scene: req.scene };
    zip = req.scene;
    if (!fs.existsSync(zip)) {
      await createFirstWorkfile(zip, { workArea: cfg.workArea, templateScene: cfg.templateScene, simulate, maxBytes: cfg.maxExtractBytes, maxRatio: cfg.maxCompressionRatio });
    }
  } else if (cfg.openLatest) {
    zip = (await latestWorkfile(req.cwd, cfg.template))?.path ?? null;
  }
  zip ??= await shotWorkfile(req, cfg, simulate);
  const hub = await runningHubClient(cfg.home, req.env);
  try {
    if (!zip) {
      if (!simulate) return { scene: null };
      const made = await newSimulatorScene(cfg.workArea);
      return { scene: made.scene };
    }
    const sessions = await hub?.sessions().catch(() => []) ?? [];
    const copyDir = localCopyDir(cfg.workArea, zip);
    await claimLocalCopy(cfg.workArea, copyDir, path.resolve(zip), sessions, req.force);
    const opened = await openWorkfile(zip, {
      workArea: cfg.workArea,
      fresh: req.fresh,
      maxBytes: cfg.maxExtractBytes,
      maxRatio: cfg.maxCompressionRatio,
      onProgress: (p) => {
        req.onProgress?.({ phase: 'extracting', bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });
        // Throttled by the archive engine (every 100 ms); tools connected to a running hub see it too.
        hub?.adapter('harmony', 'workfile.extractProgress', { zip: path.resolve(zip!), dir: localCopyDir(cfg.workArea, zip!), ...p }).catch(() => {});
      },
      beforeReplace: async (dir) => {
        const using = (await hub?.sessions().catch(() => []) ?? []).find((s) => s.dcc === 'harmony' && s.scene && isInside(path.resolve(s.scene), dir));
        if (using) throw new LocalCopyInUseError(dir, using.id);
      },
    }).catch(async (err: unknown) => {
      await releaseClaim(cfg.workArea, copyDir);
      throw err;
    });
    await hub?.adapter('harmony', 'workfile.prune', { protect: [opened.dir], settle: true }, { timeout: 10_000 }).catch(() => {});
    return { scene: opened.scene, workfile: opened.zip, reused: opened.reused };
  } finally {
    hub?.close();
  }
}
