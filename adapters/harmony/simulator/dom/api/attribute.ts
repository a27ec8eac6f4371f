/**
 * The Attribute object node.getAttr / node.getAttrList return: bound to a node, a full keyword and the frame
 * it was asked for. Harmony's attributes form a tree ("OFFSET" holds "OFFSET.X", "DRAWING" holds
 * "DRAWING.ELEMENT"); the scene stores only the leaves, so a parent is a compound attribute built from its
 * children (POSITION_3D, SCALE_3D, ROTATION_3D, DRAWING). An unknown node or keyword gives an invalid
 * attribute (keyword() is "", setValue does nothing).
 */
import { attrText, childKeywords, findAttr, setAttrValue } from '../attrs.ts';
import { hostObject } from '../coerce.ts';
import type { DomContext } from './context.ts';

function compoundType(full: string, children: string[]): string {
  const last = full.slice(full.lastIndexOf('.') + 1).toUpperCase();
  const axes = children.map((c) => c.slice(c.lastIndexOf('.') + 1).toUpperCase());
  if (last === 'DRAWING') return 'DRAWING';
  if (last === 'ROTATION') return 'ROTATION_3D';
  if (axes.includes('X') && axes.includes('Y')) return last === 'SCALE' ? 'SCALE_3D' : 'POSITION_3D';
  return 'GROUP';
}

export function makeAttribute(ctx: DomContext, nodePath: string, keyword: string, frame: number): Record<string, unknown> {
  const { scene } = ctx;
  const node = () => scene.state.nodes.get(nodePath);
  const current = () => {
    const n = node();
    return n === undefined ? undefined : findAttr(n, keyword);
  };
  const n0 = node();
  const a0 = current();
  const kids0 = n0 === undefined ? [] : childKeywords(n0, keyword);
  const full = a0?.keyword ?? (kids0.length > 0 ? kids0[0]!.slice(0, keyword.length) : '');
  const isValid = () => current() !== undefined || (full !== '' && node() !== undefined && childKeywords(node()!, full).length > 0);
  const text = (f: number): string => (current() === undefined ? '' : attrText(scene, nodePath, full, f));
  const asBool = (t: string): boolean => t === 'Y' || (t !== 'N' && t !== '' && Number(t) !== 0 && t !== 'false');
  const asInt = (t: string): number => {
    const v = Number(t);
    return t === 'Y' ? 1 : Number.isFinite(v) ? Math.trunc(v) : 0;
  };
  const asDouble = (t: string): number => {
    const v = Number(t);
    return t === 'Y' ? 1 : Number.isFinite(v) ? v : 0;
  };
  const axis = (name: string, f: number): number => asDouble(attrText(scene, nodePath, `${full}.${name}`, f));
  const pos3d = (f: number) => ({ x: axis('X', f), y: axis('Y', f), z: axis('Z', f) });
  const children = (): string[] => (node() === undefined || full === '' ? [] : childKeywords(node()!, full));
  // A compound attribute takes a point ({x, y, z}) and sets its axes; a leaf takes a value.
  const set = (v: unknown, f: number): void => {
    if (current() !== undefined) {
      setAttrValue(scene, nodePath, full, f, v);
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const axisName of ['x', 'y', 'z']) {
        const value = (v as Record<string, unknown>)[axisName];
        if (value !== undefined && findAttr(node()!, `${full}.${axisName}`) !== undefined) setAttrValue(scene, nodePath, `${full}.${axisName.toUpperCase()}`, f, value);
      }
    }
  };
  return hostObject({
    keyword: () => full.slice(full.lastIndexOf('.') + 1),
    fullKeyword: () => full,
    name: () => a0?.displayName ?? full.slice(full.lastIndexOf('.') + 1),
    typeName: () => a0?.type ?? (full === '' ? '' : compoundType(full, children())),
    isValid,
    hasSubAttributes: () => children().length > 0,
    getSubAttributes: () => ctx.realm.out(children().map((k) => makeAttribute(ctx, nodePath, k, frame))),
    textValue: () => text(frame),
    boolValue: () => asBool(text(frame)),
    intValue: () => asInt(text(frame)),
    doubleValue: () => asDouble(text(frame)),
    textValueAt: (f: unknown) => text(Number(f)),
    boolValueAt: (f: unknown) => asBool(text(Number(f))),
    intValueAt: (f: unknown) => asInt(text(Number(f))),
    doubleValueAt: (f: unknown) => asDouble(text(Number(f))),
    pos3dValue: () => ctx.realm.out(pos3d(frame)),
    pos3dValueAt: (f: unknown) => ctx.realm.out(pos3d(Number(f))),
    pos2dValue: () => ctx.realm.out({ x: axis('X', frame), y: axis('Y', frame) }),
    pos2dValueAt: (f: unknown) => ctx.realm.out({ x: axis('X', Number(f)), y: axis('Y', Number(f)) }),
    setValue: (v: unknown): void => set(v, frame),
    setValueAt: (v: unknown, f: unknown): void => set(v, Number(f)),
    toString: () => `[Attribute ${nodePath}:${full}]`,
  });
}
