/**
 * Starting DCC processes (the modules are in kit/launch/; this file is their public face). Knows no DCC by name: adapters give the command, the config key that names the
 * executable, and its default locations.
 *
 * - `resolveExecutable`: the configured program, else the first existing default; a typed error naming the
 *   config key otherwise.
 * - `launchDetached`: a GUI session that outlives the launcher, logging to `<home>/logs/` through a raw fd.
 * - `runBatch`: an attached run (render, hython script) whose whole process tree dies on cancel or timeout,
 *   with its output streamed line by line and/or appended to a log, never buffered.
 * - `mergeEnv`, `prependPathList`: environments that respect Windows' case-insensitive names.
 *
 * `platform` options choose the OS rules (PATH and PATHEXT lookup, `;` lists, env name case, refusing
 * `.bat`/`.cmd`); file system paths are always handled by the host's `node:path`.
 */
export * from './launch/errors.ts';
export { envKey, mergeEnv, prependPathList } from './launch/env.ts';
export * from './launch/executable.ts';
export { logsDir, tailFile } from './launch/logs.ts';
export * from './launch/detached.ts';
export * from './launch/batch.ts';
export * from './launch/batch-result.ts';
export { LineSplitter } from './launch/line-splitter.ts';
