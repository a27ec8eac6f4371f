/**
 * The simulator's conformance table, generated from the code: for every global object the simulator defines,
 * each member documented in Harmony 24's scripting reference (documented-api.ts), whether the simulator has
 * it, its arity there and in the simulator, and what the simulator does (full / partial / stub that records
 * the call / not simulated: throws NotSimulated).
 *
 *   node adapters/harmony/simulator/conformance.ts           writes docs/SIMULATOR.md
 *   node adapters/harmony/simulator/conformance.ts --check   exit 1 when docs/SIMULATOR.md is not what it would write
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { DOCUMENTED_API, documentedMembers, type DocumentedMember } from './documented-api.ts';
import { createHarmonyGlobals, SimScene } from './dom/index.ts';
import { nativeArity } from './dom/coerce.ts';
import { PARTIAL, isNotSimulated, isRecordedStub, type ModelStatus } from './dom/modelling.ts';

/** The objects the issue lists: every documented member of these must exist in the simulator. */
export const LISTED_OBJECTS = [
  'node', 'column', 'frame', 'scene', 'selection', 'element', 'Drawing', 'DrawingTools', 'PaletteObjectManager', 'PaletteManager',
  'copyPaste', 'exporter', 'render', 'Timeline', 'MessageBox', 'MessageLog', 'System', 'specialFolders', 'about', 'preferences',
  'Action', 'view',
] as const;

export interface ConformanceRow {
  object: string;
  member: string;
  kind: DocumentedMember['kind'];
  documented: string;
  /** The simulator's arity ("" for a property or a member it does not define). */
  simulated: string;
  status: ModelStatus;
  note: string;
}

const arityText = (min: number, max: number): string => (min === max ? String(min) : `${min}-${max === Infinity ? 'n' : max}`);

/** Runs `read` on the globals of one script engine built on a throwaway scene. */
function withGlobals<T>(read: (globals: Record<string, unknown>) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcc-kit-conformance-'));
  try {
    const scene = SimScene.createDefault(path.join(dir, 'scene'), 'scene');
    const context = vm.createContext({});
    return read(createHarmonyGlobals(scene, {
      env: {}, version: { major: 24, minor: 0 }, applicationPath: path.join(dir, 'app'), log: () => {}, messageBox: () => {}, tempDir: path.join(dir, 'temp'),
    }, { context }) as Record<string, unknown>);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every member the simulator defines on each documented global object, documented or not (PaletteObjectManager.Constants...). */
export function definedMemberNames(): Record<string, string[]> {
  return withGlobals((globals) => {
    const out: Record<string, string[]> = {};
    for (const object of Object.keys(DOCUMENTED_API)) {
      let target: unknown = globals;
      for (const part of object.split('.')) target = (target as Record<string, unknown> | undefined)?.[part];
      if (target !== null && (typeof target === 'object' || typeof target === 'function')) out[object] = Object.getOwnPropertyNames(target);
    }
    return out;
  });
}

/** Reads every documented member off the globals of a script engine. */
export function conformanceRows(): ConformanceRow[] {
  return withGlobals((globals) => {
    const rows: ConformanceRow[] = [];
    for (const object of Object.keys(DOCUMENTED_API)) {
      let target: unknown = globals;
      for (const part of object.split('.')) target = (target as Record<string, unknown> | undefined)?.[part];
      for (const m of documentedMembers(object)) {
        const key = `${object}.${m.name}`;
        const desc = target === undefined ? undefined : Object.getOwnPropertyDescriptor(target, m.name);
        const value = desc === undefined ? undefined : 'value' in desc ? desc.value : desc.get;
        let status: ModelStatus;
        if (desc === undefined || isNotSimulated(value)) status = 'not simulated';
        else if (isRecordedStub(value)) status = 'stub';
        else if (PARTIAL[key] !== undefined) status = 'partial';
        else status = 'full';
        let simulated = '';
        if (m.kind === 'method' && status !== 'not simulated' && typeof value === 'function') {
          const a = nativeArity(value);
          simulated = a === undefined ? String((value as (...x: unknown[]) => unknown).length) : arityText(a.min, a.max);
        }
        rows.push({
          object, member: m.name, kind: m.kind, documented: m.kind === 'property' ? 'property' : arityText(m.min, m.max), simulated, status,
          note: status === 'partial' ? PARTIAL[key]! : status === 'not simulated' ? 'throws NotSimulated' : status === 'stub' ? 'records the call, returns Harmony\'s neutral value' : '',
        });
      }
    }
    return rows;
  });
}

/** The status of every documented `Object.member`, for --check. */
export function memberStatuses(): Map<string, ConformanceRow> {
  return new Map(conformanceRows().map((r) => [`${r.object}.${r.member}`, r]));
}

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|');

export function renderSimulatorDoc(rows: ConformanceRow[]): string {
  const listed = new Set<string>(LISTED_OBJECTS);
  const count = (rs: ConformanceRow[], s: ModelStatus) => rs.filter((r) => r.status === s).length;
  const out: string[] = [
    '# Harmony simulator conformance',
    '',
    '<!-- Generated by `npm run simulator-doc` (node adapters/harmony/simulator/conformance.ts) from the simulator\'s code;',
    '     do not edit by hand: a test fails when this file differs from what the generator writes. -->',
    '',
    'For every global object of Harmony 24\'s scripting interface, each member documented in the Toon Boom Harmony 24',
    'scripting reference (the list is `adapters/harmony/simulator/documented-api.ts`), and what the dcc-kit simulator',
    'does with it:',
    '',
    '- **full**: behaves as documented;',
    '- **partial**: defined, with part of the documented behaviour left out (the note says what);',
    '- **stub**: defined; records the call (listed in the simulator\'s log when it exits) and returns Harmony\'s neutral value;',
    '- **not simulated**: calling it throws `NotSimulated: <object.member> is documented in Harmony 24 but not modelled by',
    '  dcc-kit\'s simulator` (also listed at exit). A name that is not documented stays a plain TypeError.',
    '',
    'Arity is "required-all" parameters; `dcc-kit-harmony-sim --check <script.js | folder>` lists the calls of a studio\'s',
    'scripts to members that are not full.',
    '',
    '## Summary',
    '',
    '| object | documented | full | partial | stub | not simulated |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const objects = [...new Set(rows.map((r) => r.object))];
  const ordered = [...LISTED_OBJECTS, ...objects.filter((o) => !listed.has(o))];
  for (const object of ordered) {
    const rs = rows.filter((r) => r.object === object);
    out.push(`| ${listed.has(object) ? `**${object}**` : object} | ${rs.length} | ${count(rs, 'full')} | ${count(rs, 'partial')} | ${count(rs, 'stub')} | ${count(rs, 'not simulated')} |`);
  }
  out.push(`| total | ${rows.length} | ${count(rows, 'full')} | ${count(rows, 'partial')} | ${count(rows, 'stub')} | ${count(rows, 'not simulated')} |`);
  out.push('', 'Objects in bold are the ones a pipeline relies on: all their documented members exist in the simulator.', '');
  for (const object of ordered) {
    const rs = rows.filter((r) => r.object === object);
    out.push(`## ${object}`, '');
    if (rs.every((r) => r.status === 'not simulated')) {
      out.push(`Not modelled: its ${rs.length} documented members throw NotSimulated: ${rs.map((r) => `\`${r.member}\``).join(', ')}.`, '');
      continue;
    }
    out.push('| member | documented arity | simulator arity | status | note |', '| --- | --- | --- | --- | --- |');
    for (const r of rs) out.push(`| \`${r.member}\` | ${r.documented} | ${r.simulated} | ${r.status} | ${escapeCell(r.note)} |`);
    out.push('');
  }
  return out.join('\n');
}

export const SIMULATOR_DOC = fileURLToPath(new URL('../../../docs/SIMULATOR.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const text = renderSimulatorDoc(conformanceRows());
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(SIMULATOR_DOC) ? fs.readFileSync(SIMULATOR_DOC, 'utf8') : '';
    if (current !== text) {
      console.error(`${SIMULATOR_DOC} is out of date: run npm run simulator-doc`);
      process.exit(1);
    }
    console.log(`${SIMULATOR_DOC} is up to date`);
  } else {
    fs.writeFileSync(SIMULATOR_DOC, text);
    console.log(`wrote ${SIMULATOR_DOC}`);
  }
}
