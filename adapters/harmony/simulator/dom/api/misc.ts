/**
 * The small globals: about, view, sound, exporter, MessageLog, MessageBox, System, PermanentFile,
 * specialFolders, preferences.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostObject, native, toQString } from '../coerce.ts';
import { knownPreference } from '../prefs.ts';
import type { DomContext } from './context.ts';

const slash = (p: string): string => p.split('\\').join('/');

export function createAboutApi(ctx: DomContext): Record<string, unknown> {
  const { host, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `about.${name}`, sig, impl);
  const v = host.version;
  const platform = process.platform;
  const props = {
    applicationPath: host.applicationPath, majorVersion: v.major, minorVersion: v.minor, patchVersion: 0,
    buildNumber: 0, windowsArch: platform === 'win32', macArch: platform === 'darwin', linuxArch: platform === 'linux',
    harmony: true, fullVersion: true, demoVersion: false, educVersion: false, interactiveApp: true, mainApp: true,
    paintMode: false, xsheetMode: false, scanApp: false, controlCenterApp: false, databaseMode: false,
    userName: host.env.USER ?? host.env.USERNAME ?? '',
  };
  return {
    ...props,
    getApplicationPath: fn('getApplicationPath', '', () => host.applicationPath),
    getBinaryPath: fn('getBinaryPath', '', () => host.applicationPath),
    getResourcesPath: fn('getResourcesPath', '', () => host.resourceDir ?? slash(path.join(host.applicationPath, 'resources'))),
    getMajorVersion: fn('getMajorVersion', '', () => v.major),
    getMinorVersion: fn('getMinorVersion', '', () => v.minor),
    getPatchVersion: fn('getPatchVersion', '', () => 0),
    getBuildNumber: fn('getBuildNumber', '', () => 0),
    getVersionInfoStr: fn('getVersionInfoStr', '', () => `Harmony Premium ${v.major}.${v.minor}.0 (dcc-kit simulator)`),
    getFlavorString: fn('getFlavorString', '', () => 'Harmony'),
    productName: fn('productName', '', () => 'Harmony Premium'),
    getUserName: fn('getUserName', '', () => props.userName),
    isWindowsArch: fn('isWindowsArch', '', () => props.windowsArch),
    isMacArch: fn('isMacArch', '', () => props.macArch),
    isLinuxArch: fn('isLinuxArch', '', () => props.linuxArch),
    isHarmony: fn('isHarmony', '', () => true),
    isFullVersion: fn('isFullVersion', '', () => true),
    isInteractiveApp: fn('isInteractiveApp', '', () => true),
    isMainApp: fn('isMainApp', '', () => true),
    isPaintMode: fn('isPaintMode', '', () => false),
    isStage: fn('isStage', '', () => false),
    isStoryboard: fn('isStoryboard', '', () => false),
  };
}

/** One Node View (View0) showing group Top; other view names are unknown. */
export function createViewApi(ctx: DomContext): Record<string, unknown> {
  const { realm, scene } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `view.${name}`, sig, impl);
  return {
    type: fn('type', 'String', (v: string) => (v === 'View0' ? 'Node View' : '')),
    group: fn('group', 'String', (v: string) => (v === 'View0' && scene.state.nodes.has('Top') ? 'Top' : '')),
    currentView: fn('currentView', '', () => 'View0'),
    viewList: fn('viewList', 'bool?', () => ['View0']),
  };
}

function silentWav(): Buffer {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0, 'ascii'); b.writeUInt32LE(36, 4); b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii'); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22);
  b.writeUInt32LE(48000, 24); b.writeUInt32LE(96000, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii'); b.writeUInt32LE(0, 40);
  return b;
}

/** sound.getSoundtrackAll().path(): a file in the temp folder (the first sound, or silence when none). */
export function createSoundApi(ctx: DomContext): Record<string, unknown> {
  const { realm, scene } = ctx;
  return {
    getSoundtrackAll: native(realm, 'sound.getSoundtrackAll', '', () => hostObject({
      path: native(realm, 'path', '', () => {
        const first = [...scene.state.columns.values()].filter((c) => c.type === 'SOUND').flatMap((c) => c.sounds)[0];
        const src = first === undefined ? undefined : path.join(scene.projectDir, first.file);
        const dst = path.join(ctx.tempDir(), `soundtrack${src === undefined ? '.wav' : path.extname(src)}`);
        try {
          if (src !== undefined && fs.existsSync(src)) fs.copyFileSync(src, dst);
          else fs.writeFileSync(dst, silentWav());
        } catch {
          return '';
        }
        return slash(dst);
      }),
    })),
  };
}

/** exporter.exportToQuicktime writes a placeholder .mov (a QuickTime ftyp box and a description). */
export function createExporterApi(ctx: DomContext): Record<string, unknown> {
  const { realm, scene } = ctx;
  return {
    exportToQuicktime: native(
      realm, 'exporter.exportToQuicktime', 'String,int?,int?,bool?,int?,int?,String?,String?,bool?,int?',
      (codec: string, start: number = -1, end: number = -1, withSound: boolean = true, resX: number = -1, resY: number = -1, dstArg?: string, display?: string) => {
        // Without a destination Harmony writes into the export folder (exporter.getExportDir()).
        const dst = dstArg ?? path.join(ctx.tempDir(), 'export', `${scene.sceneName}.mov`);
        const s = scene.state.settings;
        const first = start < 0 ? s.startFrame : start;
        const last = end < 0 ? s.stopFrame : end;
        if (dst === '' || first < 1 || last < first || last > s.frames) return false;
        if (display !== undefined && display !== '') {
          const found = [...scene.state.nodes.entries()]
            .some(([p, n]) => n.type === 'DISPLAY' && (p === display || n.name === display));
          if (!found) return false;
        }
        const info = JSON.stringify({
          source: 'dcc-kit harmony simulator', codec, firstFrame: first, lastFrame: last, withSound,
          width: resX < 0 ? s.resX : resX, height: resY < 0 ? s.resY : resY, fps: s.fps, display: display ?? '',
        });
        const ftyp = Buffer.alloc(20);
        ftyp.writeUInt32BE(20, 0); ftyp.write('ftyp', 4, 'ascii'); ftyp.write('qt  ', 8, 'ascii');
        ftyp.writeUInt32BE(0x200, 12); ftyp.write('qt  ', 16, 'ascii');
        const body = Buffer.from(info, 'utf8');
        const free = Buffer.alloc(8);
        free.writeUInt32BE(8 + body.length, 0); free.write('free', 4, 'ascii');
        try {
          fs.mkdirSync(path.dirname(path.resolve(dst)), { recursive: true });
          fs.writeFileSync(path.resolve(dst), Buffer.concat([ftyp, free, body]));
        } catch {
          return false;
        }
        return true;
      },
    ),
  };
}

export function createMessageApis(ctx: DomContext): Record<string, Record<string, unknown>> {
  const { realm, host } = ctx;
  const box = (kind: 'information' | 'warning' | 'critical') =>
    native(realm, `MessageBox.${kind}`, 'String,any?,any?,any?,String?,String?', (text: string): number => {
      host.messageBox(kind, text);
      return 0;
    });
  // getLog() returns what was logged in this engine; a long session keeps the last MAX_LOG_LINES.
  const MAX_LOG_LINES = 10_000;
  const logLines: string[] = [];
  let debug = false;
  const keep = (line: string): string => {
    if (logLines.push(line) > MAX_LOG_LINES) logLines.splice(0, logLines.length - MAX_LOG_LINES);
    return line;
  };
  return {
    MessageLog: {
      trace: native(realm, 'MessageLog.trace', 'String', (s: string): void => host.log(keep(s))),
      debug: native(realm, 'MessageLog.debug', 'String', (s: string): void => host.log(keep(`[debug] ${s}`))),
      error: native(realm, 'MessageLog.error', 'String', (s: string): void => host.log(keep(`[error] ${s}`))),
      isDebug: native(realm, 'MessageLog.isDebug', '', () => debug),
      setDebug: native(realm, 'MessageLog.setDebug', 'bool', (b: boolean): void => { debug = b; }),
      getLog: native(realm, 'MessageLog.getLog', '', () => logLines.join('\n')),
      clearLog: native(realm, 'MessageLog.clearLog', '', (): void => { logLines.length = 0; }),
    },
    MessageBox: { information: box('information'), warning: box('warning'), critical: box('critical') },
    System: {
      getenv: native(realm, 'System.getenv', 'String', (name: string) => host.env[name] ?? ''),
      println: native(realm, 'System.println', 'String', (s: string): void => host.log(s)),
    },
  };
}

/** `new PermanentFile(path)`: exists, path, size, copy, move, remove, and open/read/write/close. */
export function createPermanentFileClass(): (this: unknown, p: unknown) => object {
  function PermanentFile(this: unknown, p: unknown): object {
    const file = path.resolve(toQString(p));
    const target = (this instanceof PermanentFile ? this : Object.create(PermanentFile.prototype)) as Record<string, unknown>;
    let mode = 0;
    let buffer = '';
    const dstPath = (dst: unknown): string =>
      path.resolve(dst !== null && typeof dst === 'object' && typeof (dst as { path?: unknown }).path === 'function'
        ? String((dst as { path: () => unknown }).path()) : toQString(dst));
    Object.assign(target, {
      path: () => slash(file),
      exists: () => fs.existsSync(file),
      size: () => { try { return fs.statSync(file).size; } catch { return 0; } },
      remove: () => { try { fs.rmSync(file); return true; } catch { return false; } },
      copy: (dst: unknown) => {
        try {
          const to = dstPath(dst);
          fs.mkdirSync(path.dirname(to), { recursive: true });
          fs.copyFileSync(file, to);
          return true;
        } catch { return false; }
      },
      move: (dst: unknown) => {
        try {
          const to = dstPath(dst);
          fs.mkdirSync(path.dirname(to), { recursive: true });
          fs.renameSync(file, to);
          return true;
        } catch { return false; }
      },
      open: (m: unknown) => {
        mode = Number(m);
        try {
          if (mode === 1) buffer = fs.readFileSync(file, 'utf8');
          else if (mode === 4) buffer = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
          else if (mode === 2) buffer = '';
          else return false;
          return true;
        } catch { mode = 0; return false; }
      },
      read: () => (mode === 1 ? buffer : ''),
      readLines: () => (mode === 1 ? buffer.split(/\r?\n/) : []),
      write: (s: unknown): void => { if (mode === 2 || mode === 4) buffer += toQString(s); },
      writeLine: (s: unknown): void => { if (mode === 2 || mode === 4) buffer += `${toQString(s)}\n`; },
      close: (): void => {
        if (mode === 2 || mode === 4) {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, buffer);
        }
        mode = 0;
        buffer = '';
      },
    });
    return target;
  }
  return PermanentFile;
}

export function createSpecialFolders(ctx: DomContext): object {
  const { host } = ctx;
  const home = host.env.HOME ?? host.env.USERPROFILE ?? os.homedir();
  const userScripts = host.userScriptsDir
    ?? path.join(home, 'Toon Boom Animation', 'Toon Boom Harmony Premium', `${host.version.major}00-scripts`);
  const resource = host.resourceDir ?? path.join(host.applicationPath, 'resources');
  return hostObject({
    get resource() { return slash(resource); },
    get temp() { return slash(ctx.tempDir()); },
    get userScripts() { return slash(userScripts); },
    get config() { return slash(path.join(home, 'Toon Boom Animation', 'Toon Boom Harmony Premium')); },
    get app() { return slash(host.applicationPath); },
    get bin() { return slash(host.applicationPath); },
  });
}

/**
 * preferences.getBool/getInt/getDouble/getString/getColor: the value set in this session, else Harmony's default
 * for a preference Harmony has (KNOWN_PREFERENCES), else the default the script passed.
 */
export function createPreferencesApi(ctx: DomContext): Record<string, unknown> {
  const { realm } = ctx;
  const values = new Map<string, unknown>();
  const getter = (kind: string) => native(realm, `preferences.get${kind}`, 'String,any?', (name: string, fallback: unknown) => {
    if (values.has(name)) return values.get(name);
    const known = knownPreference(name);
    return known !== undefined && known.type === kind.toLowerCase() ? known.value : fallback;
  });
  const setter = (kind: string) => native(realm, `preferences.set${kind}`, 'String,any', (name: string, value: unknown): void => {
    values.set(name, value);
  });
  const out: Record<string, unknown> = {};
  for (const kind of ['Bool', 'Int', 'Double', 'String', 'Color']) {
    out[`get${kind}`] = getter(kind);
    out[`set${kind}`] = setter(kind);
  }
  return out;
}

/** fileMapper: Harmony's path translation. Outside a database installation every path is already native. */
export function createFileMapperApi(ctx: DomContext): Record<string, unknown> {
  const { realm } = ctx;
  return {
    toNativePath: native(realm, 'fileMapper.toNativePath', 'String', (p: string) => p),
    toScenePath: native(realm, 'fileMapper.toScenePath', 'String', (p: string) => p),
    fileURLToPath: native(realm, 'fileMapper.fileURLToPath', 'String', (p: string) => {
      try { return p.startsWith('file:') ? slash(fileURLToPath(p)) : p; } catch { return p; }
    }),
  };
}
