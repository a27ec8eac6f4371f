/**
 * Studio JavaScript extensions (`harmony.scripts`): files or folders of ES5 scripts injected by the hub into
 * every Harmony script engine, in order, after the hello. Each is checked as ES5 first (session.ts
 * es5Problem: the error names the file, the line and the construct). A failing script is reported (hub log, `dcc-kit sessions --json`
 * notes, a message to the artist) and does not stop the others. An engine that already has the same
 * scripts (a reconnect without a scene switch) is not injected twice.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { HubServices, SessionInfo } from '../../kit/adapter.ts';
import { es5Problem } from './session.ts';

export { es5Problem };

export interface StudioScriptResult { file: string; ok: boolean; error?: string }

const MARKER = '__dcckit_studio_scripts';

/** The .js files the configured entries name, in order (a folder's files sorted by name, recursively). */
export async function listStudioScripts(entries: string[]): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const entry of entries) {
    const st = await fsp.stat(entry).catch(() => null);
    if (!st) missing.push(entry);
    else if (st.isDirectory()) {
      const found = (await fsp.readdir(entry, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && e.name.endsWith('.js'))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      files.push(...found);
    } else files.push(entry);
  }
  return { files, missing };
}

/**
 * What a session gets: the hub's harmony.scripts, then those of the session's project (its workfile folder's
 * configuration), then the Harmony halves (`harmonyScript`) of the project's studio creators and loaders.
 * Problems loading studio extensions are logged here too, once per scene.
 */
export async function sessionStudioScripts(session: SessionInfo, hub: HubServices, hubEntries: string[]): Promise<{ entries: string[]; inline: { file: string; source: string }[] }> {
  const entries = [...hubEntries];
  let inline: { file: string; source: string }[] = [];
  try {
    const { sessionConfig } = await import('./session-context.ts');
    const { harmonyExtensionsFor, logProblems, studioHarmonyScripts } = await import('./extensions.ts');
    const resolved = await sessionConfig(hub, session);
    for (const e of resolved.config.harmony.scripts) if (!entries.includes(e)) entries.push(e);
    const set = await harmonyExtensionsFor(resolved.config, resolved.sources);
    logProblems(hub, set, `session ${session.id}`);
    if (set.problems.length) hub.annotate(session.id, { extensionProblems: set.problems });
    inline = studioHarmonyScripts(set);
  } catch (err) {
    hub.log.warn(`session ${session.id}: its project's studio scripts and extensions were not read: ${(err as Error).message}`);
  }
  return { entries, inline };
}

export async function injectStudioScripts(session: SessionInfo, hub: HubServices, entries: string[], inline: { file: string; source: string }[] = []): Promise<StudioScriptResult[]> {
  if (!entries.length && !inline.length) return [];
  const { files, missing } = await listStudioScripts(entries);
  const results: StudioScriptResult[] = missing.map((file) => ({ file, ok: false, error: 'does not exist (harmony.scripts)' }));
  const loaded = await hub.call(session.id, { function: `(function () { return typeof ${MARKER} === 'undefined' ? null : ${MARKER}; })` }).catch(() => null);
  const sources: { file: string; source: string }[] = [];
  for (const file of files) {
    let source: string;
    try {
      source = await fsp.readFile(file, 'utf8');
    } catch (err) {
      results.push({ file, ok: false, error: `cannot be read: ${(err as Error).message}` });
      continue;
    }
    const problem = es5Problem(source);
    if (problem) results.push({ file, ok: false, error: problem });
    else sources.push({ file, source });
  }
  for (const { file, source } of inline) {
    const problem = es5Problem(source);
    if (problem) results.push({ file, ok: false, error: `harmonyScript: ${problem}` });
    else sources.push({ file, source });
  }
  const names = sources.map((s) => s.file);
  if (Array.isArray(loaded) && loaded.length === names.length && loaded.every((n, i) => n === names[i])) {
    const same = [...results, ...sources.map((s) => ({ file: s.file, ok: true }))];
    hub.annotate(session.id, { scripts: same });
    return same;
  }
  for (const { file, source } of sources) {
    try {
      await hub.call(session.id, { script: source }, { timeout: 60_000 });
      results.push({ file, ok: true });
    } catch (err) {
      results.push({ file, ok: false, error: `failed in Harmony: ${(err as Error).message}` });
    }
  }
  await hub.call(session.id, { script: `${MARKER} = ${JSON.stringify(names)};` }).catch(() => null);
  const failed = results.filter((r) => !r.ok);
  hub.annotate(session.id, { scripts: results });
  for (const r of results) {
    if (r.ok) hub.log.info(`session ${session.id}: studio script ${r.file} injected`);
    else hub.log.warn(`session ${session.id}: studio script ${r.file} ${r.error}`);
  }
  if (failed.length) {
    const text = `dcc-kit: ${failed.length} studio script(s) could not be loaded; the others were:\n${failed.map((f) => `${f.file}: ${f.error}`).join('\n')}`;
    hub.call(session.id, { request: 'dcckit.message', args: { text, kind: 'warning' } }, { timeout: 60 * 60_000 }).catch(() => null);
  }
  return results;
}
