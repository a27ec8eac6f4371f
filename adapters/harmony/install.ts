/**
 * Persistent per-user install into Harmony's <MM>00-scripts folders. An existing TB_sceneOpened.js or
 * TB_sceneCreated.js is kept (renamed) and chained so it runs first; uninstall restores it exactly.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { InstallOptions, InstallResult } from '../../kit/adapter.ts';
import { DccKitError } from '../../kit/errors.ts';
import { writeAtomic } from '../../kit/write-atomic.ts';
import { HARMONY_SCRIPTS_DIR, toonBoomUserRoot } from './paths.ts';

export class HarmonyInstallError extends DccKitError {
  constructor(message: string) { super(message, 'INSTALL'); }
}

const MARKER = 'dcc-kit startup for';
const MANIFEST = 'dcckit-install.json';
const HOOKS = [
  { file: 'TB_sceneOpened.js', dirVar: 'DCC_KIT_SCRIPTS', chainVar: 'DCC_KIT_CHAINED' },
  { file: 'TB_sceneCreated.js', dirVar: 'DCC_KIT_SCRIPTS_CREATED', chainVar: 'DCC_KIT_CHAINED_CREATED' },
];

interface Manifest { version: 1; chained: Record<string, string> }

/** Every `<root>/Toon Boom Harmony <Edition>/<MM>00-scripts` folder that exists. */
export async function findScriptFolders(opts: InstallOptions): Promise<string[]> {
  const root = toonBoomUserRoot(opts.platform ?? process.platform, opts.env ?? process.env, opts.homeDir ?? os.homedir());
  const found: string[] = [];
  let editions: string[] = [];
  try { editions = await fsp.readdir(root); } catch { return []; }
  for (const edition of editions.filter((e) => e.startsWith('Toon Boom Harmony')).sort()) {
    let entries: string[] = [];
    try { entries = await fsp.readdir(path.join(root, edition)); } catch { continue; }
    for (const e of entries.filter((x) => /^\d+00-scripts$/.test(x)).sort()) found.push(path.join(root, edition, e));
  }
  return found;
}

async function targets(opts: InstallOptions): Promise<string[]> {
  if (opts.targetDir) {
    const dir = path.resolve(opts.targetDir);
    if (!fs.existsSync(dir)) throw new HarmonyInstallError(`--scripts-dir ${dir} does not exist`);
    return [dir];
  }
  const found = await findScriptFolders(opts);
  if (found.length === 0) {
    const root = toonBoomUserRoot(opts.platform ?? process.platform, opts.env ?? process.env, opts.homeDir ?? os.homedir());
    throw new HarmonyInstallError(`no Harmony scripts folder (Toon Boom Harmony <Edition>/<MM>00-scripts) under ${root}. Start Harmony once so it creates it, or pass --scripts-dir DIR`);
  }
  return found;
}

function isOurs(file: string): boolean {
  try { return fs.readFileSync(file, 'utf8').includes(MARKER); } catch { return false; }
}

function fill(template: string, vars: Record<string, string>): string {
  let out = template;
  for (const [name, value] of Object.entries(vars)) {
    const line = new RegExp(`^var ${name} = '';$`, 'm');
    if (!line.test(out)) throw new HarmonyInstallError(`packaged script is missing the line "var ${name} = '';"`);
    out = out.replace(line, `var ${name} = ${JSON.stringify(value)};`);
  }
  return out;
}

async function readManifest(dir: string): Promise<Manifest> {
  try { return JSON.parse(await fsp.readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest; } catch { return { version: 1, chained: {} }; }
}

export async function installHarmony(opts: InstallOptions = {}): Promise<InstallResult> {
  const actions: InstallResult['actions'] = [];
  for (const dir of await targets(opts)) {
    const manifest = await readManifest(dir);
    const scriptsDir = dir.replace(/\\/g, '/');
    const library = await fsp.readFile(path.join(HARMONY_SCRIPTS_DIR, 'dcckit.js'), 'utf8');
    if (!opts.dryRun) await writeAtomic(path.join(dir, 'dcckit.js'), library);
    actions.push({ path: path.join(dir, 'dcckit.js'), action: 'written' });
    for (const hook of HOOKS) {
      const target = path.join(dir, hook.file);
      const chainedName = hook.file.replace('.js', '.dcckit-chained.js');
      if (fs.existsSync(target) && !isOurs(target)) {
        if (fs.existsSync(path.join(dir, chainedName))) throw new HarmonyInstallError(`${dir} already holds ${chainedName}; resolve it by hand before installing`);
        if (!opts.dryRun) await fsp.rename(target, path.join(dir, chainedName));
        manifest.chained[hook.file] = chainedName;
        actions.push({ path: target, action: `existing script kept as ${chainedName} and chained (runs first)` });
      }
      const chained = manifest.chained[hook.file] ? `${scriptsDir}/${manifest.chained[hook.file]}` : '';
      const template = await fsp.readFile(path.join(HARMONY_SCRIPTS_DIR, hook.file), 'utf8');
      if (!opts.dryRun) await writeAtomic(target, fill(template, { [hook.dirVar]: scriptsDir, [hook.chainVar]: chained }));
      actions.push({ path: target, action: 'written' });
    }
    if (!opts.dryRun) await writeAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  }
  return { actions };
}

export async function uninstallHarmony(opts: InstallOptions = {}): Promise<InstallResult> {
  const actions: InstallResult['actions'] = [];
  const dirs = opts.targetDir ? [path.resolve(opts.targetDir)] : await findScriptFolders(opts);
  for (const dir of dirs) {
    if (!fs.existsSync(path.join(dir, MANIFEST)) && !isOurs(path.join(dir, 'TB_sceneOpened.js'))) continue;
    const manifest = await readManifest(dir);
    for (const hook of HOOKS) {
      const target = path.join(dir, hook.file);
      if (isOurs(target)) {
        if (!opts.dryRun) await fsp.rm(target);
        actions.push({ path: target, action: 'removed' });
      }
      const chained = manifest.chained[hook.file];
      if (chained && fs.existsSync(path.join(dir, chained))) {
        if (!opts.dryRun) await fsp.rename(path.join(dir, chained), target);
        actions.push({ path: target, action: `restored from ${chained}` });
      }
    }
    for (const f of ['dcckit.js', MANIFEST]) {
      if (fs.existsSync(path.join(dir, f))) {
        if (!opts.dryRun) await fsp.rm(path.join(dir, f));
        actions.push({ path: path.join(dir, f), action: 'removed' });
      }
    }
  }
  return { actions };
}
