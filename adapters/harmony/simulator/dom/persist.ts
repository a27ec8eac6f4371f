/**
 * The project folder on disk, laid out like a Harmony project:
 *   <version>.xstage  <version>.aux  scene.elementTable  scene.versionTable  PALETTE_LIST
 *   elements/  palette-library/  frames/  audio/
 * The .xstage is an XML document whose <dcckitState> CDATA section holds the whole scene as JSON (see
 * model.ts SceneDoc). The other XML files summarise it for people and tools; opening reads only the .xstage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SceneFormatError, SceneNotFoundError } from './errors.ts';
import type { SceneDoc, SceneState } from './model.ts';

export const PROJECT_FOLDERS = ['elements', 'palette-library', 'frames', 'audio'];

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Atomic replace: a crash never leaves a half-written file behind. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`;
  fs.writeFileSync(tmp, data);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function renderXstage(doc: SceneDoc): string {
  // JSON only has '>' inside strings, where \u003e means the same; this keeps "]]>" out of the CDATA.
  const json = JSON.stringify(doc, null, 1).replace(/>/g, '\\u003e');
  const s = doc.settings;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Written by the dcc-kit Harmony simulator. Toon Boom Harmony cannot open this file. -->',
    '<project source="dcc-kit-harmony-simulator" version="1">',
    ' <scenes>',
    `  <scene name="${xmlEscape(doc.sceneName)}" nbframes="${s.frames}" startFrame="${s.startFrame}" ` +
      `stopFrame="${s.stopFrame}" frameRate="${s.fps}" resolutionX="${s.resX}" resolutionY="${s.resY}" ` +
      `fov="${s.fov}" nodes="${doc.nodes.length}" columns="${doc.columns.length}"/>`,
    ' </scenes>',
    ` <dcckitState format="${doc.format}" version="${doc.version}"><![CDATA[${json}]]></dcckitState>`,
    '</project>',
    '',
  ].join('\n');
}

/** Returns the parsed JSON state; throws SceneFormatError when the file is not a simulator scene. */
export function parseXstage(text: string, file: string): unknown {
  if (!/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<project\b/.test(text)) {
    throw new SceneFormatError(file, 'the file is not an .xstage XML document (no <project> root element)');
  }
  const m = /<dcckitState\b[^>]*><!\[CDATA\[([\s\S]*?)\]\]><\/dcckitState>/.exec(text);
  if (m === null) {
    throw new SceneFormatError(
      file,
      'it has no simulator state (<dcckitState>); it looks like a scene saved by Toon Boom Harmony itself, which the simulator cannot read',
    );
  }
  try {
    return JSON.parse(m[1]!);
  } catch (err) {
    throw new SceneFormatError(file, `its scene state is not valid JSON (${(err as Error).message})`, err);
  }
}

/** Resolves an .xstage file or a project folder to the .xstage to open. */
export function findXstage(input: string): string {
  const abs = path.resolve(input);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new SceneNotFoundError(abs, 'the path does not exist');
  }
  if (stat.isFile()) {
    if (!abs.toLowerCase().endsWith('.xstage')) throw new SceneNotFoundError(abs, 'the file is not an .xstage file');
    return abs;
  }
  if (!stat.isDirectory()) throw new SceneNotFoundError(abs, 'the path is neither a file nor a folder');
  const stages = fs.readdirSync(abs).filter((f) => f.toLowerCase().endsWith('.xstage')).sort();
  if (stages.length === 0) throw new SceneNotFoundError(abs, 'the folder holds no .xstage file');
  const preferred = `${path.basename(abs)}.xstage`;
  return path.join(abs, stages.includes(preferred) ? preferred : stages[0]!);
}

function elementTableXml(state: SceneState): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<ElementTable>'];
  for (const e of state.elements.values()) {
    lines.push(
      ` <element id="${e.id}" elementName="${xmlEscape(e.name)}" elementFolder="${xmlEscape(e.folder)}" ` +
        `rootFolder="elements" scanType="${xmlEscape(e.scanType)}" fieldChart="${e.fieldChart}" ` +
        `pixmapFormat="${xmlEscape(e.fileFormat)}" vectorType="${xmlEscape(e.vectorFormat)}">`,
    );
    for (const d of e.drawings) lines.push(`  <drawing name="${xmlEscape(d)}"/>`);
    lines.push(' </element>');
  }
  lines.push('</ElementTable>', '');
  return lines.join('\n');
}

function versionTableXml(dir: string, current: string): string {
  const versions = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.xstage'))
    .map((f) => f.slice(0, -'.xstage'.length)).sort();
  if (!versions.includes(current)) versions.push(current);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<versions>'];
  versions.forEach((v, i) => {
    lines.push(` <version id="${i + 1}" name="${xmlEscape(v)}"${v === current ? ' current="true"' : ''}/>`);
  });
  lines.push('</versions>', '');
  return lines.join('\n');
}

/** Writes every file of the project folder for `doc` (folders created as needed). */
export function writeProject(dir: string, versionName: string, state: SceneState, doc: SceneDoc): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const sub of PROJECT_FOLDERS) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  for (const e of state.elements.values()) fs.mkdirSync(path.join(dir, 'elements', e.folder), { recursive: true });
  writeFileAtomic(path.join(dir, `${versionName}.xstage`), renderXstage(doc));
  writeFileAtomic(
    path.join(dir, `${versionName}.aux`),
    `<?xml version="1.0" encoding="UTF-8"?>\n<auxiliaryFile source="dcc-kit-harmony-simulator" scene="${xmlEscape(doc.sceneName)}"/>\n`,
  );
  writeFileAtomic(path.join(dir, 'scene.elementTable'), elementTableXml(state));
  writeFileAtomic(path.join(dir, 'scene.versionTable'), versionTableXml(dir, versionName));
  const paletteLines = doc.palettes.map((p) => (p.toLowerCase().endsWith('.plt') ? p.slice(0, -4) : p));
  writeFileAtomic(path.join(dir, 'PALETTE_LIST'), ['ToonBoomAnimationInc PaletteList 1', ...paletteLines, ''].join('\n'));
}
