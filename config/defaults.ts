/** The value of every configuration key when no file or environment variable sets it. */
import os from 'node:os';
import path from 'node:path';
import type { CoreConfig } from './schema.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** `home` when neither DCC_KIT_HOME nor a file sets it: this folder under the user's home directory. */
export const DEFAULT_HOME_DIRNAME = '.dcc-kit';

export interface MachineIdentity {
  userName: string;
  hostName: string;
}

/** The OS user name; falls back to the environment where the user has no passwd entry (some containers). */
export function osUserName(env: NodeJS.ProcessEnv = process.env): string {
  try {
    const name = os.userInfo().username;
    if (name) return name;
  } catch {
    // no passwd entry for this uid
  }
  return env.USER || env.USERNAME || env.LOGNAME || 'unknown';
}

export function thisMachine(env: NodeJS.ProcessEnv = process.env): MachineIdentity {
  return { userName: osUserName(env), hostName: os.hostname() };
}

/**
 * Defaults for a resolved `home` (the work area and the publish root live under it). Keys are in schema
 * order, which is also the order `dcc-kit config` prints them in.
 */
export function defaultConfig(home: string, machine: MachineIdentity = thisMachine()): CoreConfig {
  return {
    home,
    hub: {
      port: 0,
      callTimeout: 30_000,
      pingInterval: 15_000,
      maxFrameBytes: 64 * MiB,
      logMaxBytes: 5 * MiB,
      logFiles: 3,
      scheduling: 'batch',
    },
    adapters: [],
    harmony: {
      executable: null,
      launchTimeout: 30_000,
      menuLabel: 'dcc-kit',
      compat: 'none',
      simulatorVersion: '24.0',
      scripts: [],
      creators: [],
      loaders: [],
      applySceneSettings: false,
      workfiles: {
        workArea: path.join(home, 'harmony'),
        template: '{name}_v{version:03}.zip',
        openLatest: false,
        keepLocalCopies: 5,
        maxLocalAgeDays: 30,
        maxExtractBytes: 20 * GiB,
        maxCompressionRatio: 100,
        templateScene: null,
      },
      publish: {
        compositePattern: 'Composite',
        audioRequired: false,
      },
    },
    houdini: {
      executable: null,
      hython: null,
      launchTimeout: 60_000,
      callTimeout: 30_000,
    },
    blender: {
      executable: null,
      launchTimeout: 60_000,
      callTimeout: 30_000,
      workfileTemplate: '{shot}_{task}_v{version:03}',
      creators: [],
      loaders: [],
    },
    farm: {
      afanasy: {
        host: '127.0.0.1',
        port: 51000,
        user: machine.userName,
        hostName: machine.hostName,
        timeout: 10_000,
      },
      maxTasks: 10_000,
      framesPerTask: 10,
    },
    context: {
      project: null,
      folder: null,
      task: null,
      frameStart: 1001,
      frameEnd: 1100,
      handleStart: 0,
      handleEnd: 0,
      fps: 24,
      resolution: [1920, 1080],
      pixelAspect: 1,
      maxFrames: 100_000,
    },
    publish: {
      root: path.join(home, 'publish'),
      template: '{folder}/{product}/v{version:03}',
      plugins: [],
      disable: [],
      pluginTimeout: 60_000,
    },
    web: {
      enabled: true,
      port: 0,
      browser: null,
      maxConnections: 256,
    },
    review: {
      ffmpeg: null,
      burnin: false,
    },
  };
}
