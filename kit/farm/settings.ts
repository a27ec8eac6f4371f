import os from 'node:os';

/** Where the Afanasy server is and who we are to it. The lead wires these to `.dcckitrc`. */
export interface AfanasySettings {
  /** afserver host. Default 127.0.0.1. */
  host: string;
  /** afserver port (`af_serverport`). Default 51000. */
  port: number;
  /** user_name put on jobs and actions. Default: the OS user. */
  user: string;
  /** host_name put on jobs and actions. Default: os.hostname(). */
  hostName: string;
  /** Connect timeout, and the longest wait for reply bytes. Default 10000 ms. */
  timeoutMs: number;
  /** The longest one request may take in all (a server trickling bytes cannot hold it). Default 3 x timeoutMs. */
  deadlineMs?: number;
  /**
   * Jobs with more tasks are refused before they are sent (`farm.maxTasks`). Default 10,000: afserver 3.4.1
   * takes a million-task job, but grows by ~560 MB doing so and never gives that memory back (deleting the
   * job does not), and a block of frame_last 1e9 drives it to gigabytes in seconds.
   */
  maxTasks: number;
  /** A block rendering more frames than this is refused before it is sent (`context.maxFrames`). Default 100,000; unset: no limit. */
  maxFrames?: number;
}

function osUser(): string {
  try {
    const name = os.userInfo().username;
    if (name) return name;
  } catch {
    // userInfo() throws when the uid has no passwd entry (some containers); fall back to the environment.
  }
  return process.env.USER || process.env.USERNAME || 'unknown';
}

export function defaultAfanasySettings(): AfanasySettings {
  return {
    host: '127.0.0.1',
    port: 51000,
    user: osUser(),
    hostName: os.hostname(),
    timeoutMs: 10_000,
    maxTasks: 10_000,
    maxFrames: 100_000,
  };
}

/** Defaults overlaid with the given values (undefined values keep the default). */
export function resolveAfanasySettings(partial: Partial<AfanasySettings> = {}): AfanasySettings {
  const settings = defaultAfanasySettings();
  for (const key of Object.keys(partial) as (keyof AfanasySettings)[]) {
    const value = partial[key];
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  return settings;
}
