/**
 * The Attribute object node.getAttr returns: bound to a node, a keyword and the frame it was asked for.
 * An unknown node or keyword gives an invalid attribute (keyword() is "", setValue does nothing).
 */
import { attrText, findAttr, setAttrValue } from '../attrs.ts';
import { hostObject } from '../coerce.ts';
import type { DomContext } from './context.ts';

export function makeAttribute(ctx: DomContext, nodePath: string, keyword: string, frame: number): Record<string, unknown> {
  const { scene } = ctx;
  const current = () => {
    const n = scene.state.nodes.get(nodePath);
    return n === undefined ? undefined : findAttr(n, keyword);
  };
  const a0 = current();
  const full = a0?.keyword ?? '';
  const text = (f: number): string => (current() === undefined ? '' : attrText(scene, nodePath, full, f));
  const asBool = (t: string): boolean => t === 'Y' || (t !== 'N' && t !== '' && Number(t) !== 0 && t !== 'false');
  const asInt = (t: string): number => {
    const n = Number(t);
    return t === 'Y' ? 1 : Number.isFinite(n) ? Math.trunc(n) : 0;
  };
  const asDouble = (t: string): number => {
    const n = Number(t);
    return t === 'Y' ? 1 : Number.isFinite(n) ? n : 0;
  };
  return hostObject({
    keyword: () => full.slice(full.lastIndexOf('.') + 1),
    fullKeyword: () => full,
    name: () => a0?.displayName ?? full.slice(full.lastIndexOf('.') + 1),
    typeName: () => a0?.type ?? '',
    isValid: () => current() !== undefined,
    hasSubAttributes: () => false,
    getSubAttributes: () => ctx.realm.out([]),
    textValue: () => text(frame),
    boolValue: () => asBool(text(frame)),
    intValue: () => asInt(text(frame)),
    doubleValue: () => asDouble(text(frame)),
    textValueAt: (f: unknown) => text(Number(f)),
    boolValueAt: (f: unknown) => asBool(text(Number(f))),
    intValueAt: (f: unknown) => asInt(text(Number(f))),
    doubleValueAt: (f: unknown) => asDouble(text(Number(f))),
    setValue: (v: unknown): void => { if (current() !== undefined) setAttrValue(scene, nodePath, full, frame, v); },
    setValueAt: (v: unknown, f: unknown): void => {
      if (current() !== undefined) setAttrValue(scene, nodePath, full, Number(f), v);
    },
    toString: () => `[Attribute ${nodePath}:${full}]`,
  });
}
