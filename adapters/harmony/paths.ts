/** Where the packaged Harmony scripts and simulator live, and Harmony's default install locations. */
import path from 'node:path';
import { PACKAGE_ROOT as ROOT } from '../../kit/package-root.ts';

export const HARMONY_SCRIPTS_DIR = path.join(ROOT, 'startup-scripts', 'harmony');
export const SIMULATOR_BIN = path.join(ROOT, 'bin', 'dcc-kit-harmony-sim.js');

const VERSIONS = ['25', '24', '22', '21'];

/** Harmony executables tried in order when harmony.executable is not set. */
export function defaultHarmonyExecutables(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'win32') {
    const pf = env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)';
    return VERSIONS.map((v) => `${pf}\\Toon Boom Animation\\Toon Boom Harmony ${v} Premium\\win64\\bin\\HarmonyPremium.exe`);
  }
  if (platform === 'darwin') {
    return VERSIONS.map((v) => `/Applications/Toon Boom Harmony ${v} Premium/Harmony Premium.app/Contents/MacOS/Harmony Premium`);
  }
  return VERSIONS.map((v) => `/usr/local/ToonBoomAnimation/harmonyPremium_${v}/lnx86_64/bin/HarmonyPremium`);
}

/** The folder holding `Toon Boom Harmony <Edition>/<MM>00-scripts` per-user script folders. */
export function toonBoomUserRoot(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homeDir: string): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(homeDir, 'AppData', 'Roaming'), 'Toon Boom Animation');
  if (platform === 'darwin') return path.join(homeDir, 'Library', 'Preferences', 'Toon Boom Animation');
  return path.join(homeDir, 'Toon Boom Animation');
}
