/**
 * A shot's first workfile, made when Harmony is launched on a workfile that does not exist yet (or in a shot
 * folder with none): the project is made from `harmony.workfiles.templateScene` (a workfile .zip or a project
 * folder) or, for the simulator, from its default scene; the scene inside is named after the workfile; the
 * project is zipped next to where it belongs. It is then opened like any workfile, so the session's context
 * is the shot's (read from the workfile's folder) and its saves go there.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { extractZip, zipDirectory } from '../../../kit/archive/index.ts';
import { WorkfileError } from './errors.ts';
import { findSceneXstage, zipStem } from './local-copy.ts';

export interface FirstWorkfileOptions {
  workArea: string;
  templateScene: string | null;
  /** The simulator runs the scene: its default scene serves when no templateScene is set. */
  simulate: boolean;
  maxBytes?: number;
  maxRatio?: number;
}

const NEEDS_TEMPLATE = 'Real Harmony needs a scene to start a workfile from: set harmony.workfiles.templateScene in the project\'s '
  + '.dcckitrc to an empty Harmony scene saved once as a workfile (.zip) or to its project folder.';

/** Renames the top-level files of the scene `<old>.*` to `<stem>.*` (the .xstage and its companions). */
async function renameScene(projectDir: string, xstage: string, stem: string): Promise<void> {
  const old = path.basename(xstage, path.extname(xstage));
  if (old === stem) return;
  for (const name of await fsp.readdir(projectDir)) {
    if (!name.startsWith(`${old}.`)) continue;
    await fsp.rename(path.join(projectDir, name), path.join(projectDir, stem + name.slice(old.length)));
  }
}

/** The project folder to zip, made in `scratch` from the template scene (or the simulator's default scene). */
async function makeProject(scratch: string, stem: string, opts: FirstWorkfileOptions): Promise<string> {
  const project = path.join(scratch, stem);
  const template = opts.templateScene;
  if (template === null) {
    if (!opts.simulate) throw new WorkfileError(NEEDS_TEMPLATE, 'WORKFILE_NO_TEMPLATE_SCENE');
    const { SimScene } = await import('../simulator/dom/index.ts');
    SimScene.createDefault(project, stem);
    return project;
  }
  const st = await fsp.stat(template).catch(() => null);
  if (!st) throw new WorkfileError(`harmony.workfiles.templateScene ${template} does not exist: set it to a workfile (.zip) or a Harmony project folder.`, 'WORKFILE_NO_TEMPLATE_SCENE');
  if (st.isFile()) {
    if (!template.toLowerCase().endsWith('.zip')) throw new WorkfileError(`harmony.workfiles.templateScene ${template} is a file but not a workfile (.zip): set it to a workfile or a Harmony project folder.`, 'WORKFILE_NO_TEMPLATE_SCENE');
    await extractZip(template, project, { maxBytes: opts.maxBytes, maxRatio: opts.maxRatio, maxRatioSetting: 'harmony.workfiles.maxCompressionRatio' });
  } else {
    await fsp.cp(template, project, { recursive: true, dereference: true });
  }
  let xstage: string;
  try {
    xstage = findSceneXstage(project, zipStem(template), template);
  } catch (err) {
    throw new WorkfileError(`harmony.workfiles.templateScene ${template} holds no Harmony scene (.xstage): ${(err as Error).message}`, 'WORKFILE_NO_TEMPLATE_SCENE');
  }
  const root = path.dirname(xstage);
  await renameScene(root, xstage, stem);
  return root;
}

/**
 * Makes the workfile `zip` (which must not exist). Two launches making the same one at the same moment: the
 * first in place wins, the other uses it (a hard link never replaces a file).
 */
export async function createFirstWorkfile(zip: string, opts: FirstWorkfileOptions): Promise<void> {
  const folder = path.dirname(zip);
  const st = await fsp.stat(folder).catch(() => null);
  if (!st?.isDirectory()) {
    throw new WorkfileError(`Cannot start the workfile ${zip}: the folder ${folder} does not exist. Create it (mkdir -p ${folder}) `
      + 'and launch again, or run dcc-kit launch harmony in the shot\'s folder (its context\'s folder and task name the first workfile).', 'WORKFILE_NO_FOLDER');
  }
  await fsp.mkdir(opts.workArea, { recursive: true });
  const scratch = await fsp.mkdtemp(path.join(opts.workArea, '.new-'));
  const tmpZip = `${zip}.dcckit-tmp-new-${process.pid}`;
  try {
    const project = await makeProject(scratch, zipStem(zip), opts);
    await zipDirectory(project, tmpZip);
    try {
      await fsp.link(tmpZip, zip);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } finally {
    await fsp.rm(tmpZip, { force: true });
    await fsp.rm(scratch, { recursive: true, force: true });
  }
  if (!fs.existsSync(zip)) throw new WorkfileError(`The first workfile ${zip} could not be made.`, 'WORKFILE_CREATE');
}
