/**
 * Node attributes. An attribute holds one value unless it is linked to a column: then its value per frame
 * comes from the column (a function curve for numbers, exposures for DRAWING.ELEMENT), as in Harmony.
 * Values are kept as getTextAttr returns them: booleans "Y"/"N", numbers in decimal, enums by name.
 */
import { DYNAMIC_ATTR_TYPES, NODE_TYPES } from './nodetypes.ts';
import type { AttrState, NodeState } from './model.ts';
import type { SimScene } from './scene.ts';
import { formatNumber, functionValue, getEntry, isFunctionColumn, setEntry } from './timeline.ts';

export function findAttr(n: NodeState, keyword: string): AttrState | undefined {
  const k = keyword.toLowerCase();
  return n.attrs.find((a) => a.keyword.toLowerCase() === k);
}

/**
 * The keywords one level below `parent` ("" for the top level), in definition order: a stored attribute, or
 * the full keyword of a compound one whose leaves are stored ("OFFSET" for "OFFSET.X").
 */
export function childKeywords(n: NodeState, parent: string): string[] {
  const prefix = parent === '' ? '' : `${parent.toLowerCase()}.`;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const a of n.attrs) {
    if (!a.keyword.toLowerCase().startsWith(prefix)) continue;
    const rest = a.keyword.slice(prefix.length);
    const dot = rest.indexOf('.');
    const full = a.keyword.slice(0, prefix.length + (dot < 0 ? rest.length : dot));
    if (!seen.has(full.toLowerCase())) {
      seen.add(full.toLowerCase());
      out.push(full);
    }
  }
  return out;
}

export function enumOptions(n: NodeState, a: AttrState): string[] {
  return NODE_TYPES[n.type]?.attrs.find((d) => d.keyword === a.keyword)?.options ?? [];
}

const squash = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Normalises a value for an attribute; undefined when the value does not fit the type. */
export function normalizeValue(n: NodeState, a: AttrState, input: unknown): string | undefined {
  switch (a.type) {
    case 'BOOL': {
      if (typeof input === 'boolean') return input ? 'Y' : 'N';
      if (typeof input === 'number') return input !== 0 ? 'Y' : 'N';
      const s = String(input).trim().toLowerCase();
      if (['y', 'yes', 'true', '1', 'on'].includes(s)) return 'Y';
      if (['n', 'no', 'false', '0', 'off', ''].includes(s)) return 'N';
      return undefined;
    }
    case 'INT':
    case 'DOUBLE':
    case 'DOUBLEVB': {
      const v = typeof input === 'boolean' ? Number(input) : typeof input === 'number' ? input
        : String(input).trim() === '' ? NaN : Number(String(input).trim());
      if (!Number.isFinite(v)) return undefined;
      return a.type === 'INT' ? String(Math.trunc(v)) : formatNumber(v);
    }
    case 'STRING':
    case 'ELEMENT':
      return String(input);
    case 'ENUM': {
      const options = enumOptions(n, a);
      if (typeof input === 'number') return Number.isInteger(input) ? options[input] : undefined;
      const wanted = squash(String(input));
      return options.find((o) => squash(o) === wanted);
    }
  }
}

/** getTextAttr: the attribute's text at a frame ("" for an unknown node or attribute). */
export function attrText(scene: SimScene, nodePath: string, keyword: string, frame: number): string {
  const n = scene.state.nodes.get(nodePath);
  const a = n === undefined ? undefined : findAttr(n, keyword);
  if (a === undefined) return '';
  if (a.column === undefined) return a.type === 'ELEMENT' ? '' : a.value;
  const col = scene.state.columns.get(a.column);
  if (col === undefined) return a.value;
  if (a.type === 'ELEMENT') return getEntry(scene, a.column, frame);
  if (isFunctionColumn(col)) {
    const v = functionValue(col, frame);
    return a.type === 'INT' ? String(Math.trunc(v)) : formatNumber(v);
  }
  return a.value;
}

/** setTextAttr / Attribute.setValueAt: sets the value, or a key at `frame` when the attribute is linked. */
export function setAttrValue(scene: SimScene, nodePath: string, keyword: string, frame: number, value: unknown): boolean {
  const n = scene.state.nodes.get(nodePath);
  const a = n === undefined ? undefined : findAttr(n, keyword);
  if (n === undefined || a === undefined) return false;
  const text = normalizeValue(n, a, value);
  if (text === undefined) return false;
  if (a.type === 'ELEMENT') return a.column === undefined ? false : setEntry(scene, a.column, frame, text);
  const col = a.column === undefined ? undefined : scene.state.columns.get(a.column);
  if (col !== undefined && isFunctionColumn(col)) return setEntry(scene, col.name, frame, text);
  a.value = text;
  scene.touch();
  return true;
}

export function linkAttr(scene: SimScene, nodePath: string, keyword: string, columnName: string): boolean {
  const n = scene.state.nodes.get(nodePath);
  const a = n === undefined ? undefined : findAttr(n, keyword);
  const col = scene.state.columns.get(columnName);
  if (a === undefined || col === undefined || !a.linkable) return false;
  const fits = a.type === 'ELEMENT' ? col.type === 'DRAWING'
    : (a.type === 'DOUBLE' || a.type === 'DOUBLEVB' || a.type === 'INT') && isFunctionColumn(col);
  if (!fits) return false;
  a.column = columnName;
  scene.touch();
  return true;
}

export function unlinkAttr(scene: SimScene, nodePath: string, keyword: string): boolean {
  const n = scene.state.nodes.get(nodePath);
  const a = n === undefined ? undefined : findAttr(n, keyword);
  if (a === undefined || a.column === undefined) return false;
  delete a.column;
  scene.touch();
  return true;
}

export function createDynamicAttr(
  scene: SimScene, nodePath: string, type: string, name: string, displayName: string, linkable: boolean,
): boolean {
  const n = scene.state.nodes.get(nodePath);
  const def = DYNAMIC_ATTR_TYPES[type.toUpperCase()];
  if (n === undefined || def === undefined || name.trim() === '' || findAttr(n, name) !== undefined) return false;
  n.attrs.push({ keyword: name, type: def.type, value: def.value, linkable, dynamic: true, displayName });
  scene.touch();
  return true;
}

export function removeDynamicAttr(scene: SimScene, nodePath: string, name: string): boolean {
  const n = scene.state.nodes.get(nodePath);
  const a = n === undefined ? undefined : findAttr(n, name);
  if (n === undefined || a === undefined || a.dynamic !== true) return false;
  n.attrs = n.attrs.filter((x) => x !== a);
  scene.touch();
  return true;
}
