/** The `node` global: the node graph, ports and links, attributes. */
import {
  attrText, childKeywords, createDynamicAttr, findAttr, linkAttr, removeDynamicAttr, setAttrValue, unlinkAttr,
} from '../attrs.ts';
import { native } from '../coerce.ts';
import {
  addNode, childrenOf, deleteNode, descendantsOf, inputLink, isGroupPath, linkNodes, outputLinks, renameNode, unlinkInput,
} from '../graph.ts';
import { ROOT } from '../model.ts';
import { makeAttribute } from './attribute.ts';
import { makeColor, readColor } from './color.ts';
import type { DomContext } from './context.ts';

export function createNodeApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `node.${name}`, sig, impl);
  const get = (p: string) => scene.state.nodes.get(p);
  const set = (p: string, change: (n: NonNullable<ReturnType<typeof get>>) => void): boolean => {
    const n = get(p);
    if (n === undefined) return false;
    change(n);
    scene.touch();
    return true;
  };

  return {
    root: fn('root', '', () => ROOT),
    add: fn('add', 'String,String,String,int,int,int', (group: string, name: string, type: string, x: number, y: number, z: number) =>
      addNode(scene, group, name, type, x, y, z)),
    deleteNode: fn('deleteNode', 'String,bool?,bool?', (p: string, timed?: boolean, elements?: boolean) =>
      deleteNode(scene, p, timed ?? false, elements ?? false)),
    rename: fn('rename', 'String,String,bool?', (p: string, name: string) => renameNode(scene, p, name)),
    getName: fn('getName', 'String', (p: string) => get(p)?.name ?? ''),
    type: fn('type', 'String', (p: string) => get(p)?.type ?? ''),
    isGroup: fn('isGroup', 'String', (p: string) => isGroupPath(scene, p)),
    parentNode: fn('parentNode', 'String', (p: string) => get(p)?.group ?? ''),
    subNodes: fn('subNodes', 'String', (g: string) => (isGroupPath(scene, g) ? childrenOf(scene, g) : [])),
    numberOfSubNodes: fn('numberOfSubNodes', 'String', (g: string) => (isGroupPath(scene, g) ? childrenOf(scene, g).length : 0)),
    subNode: fn('subNode', 'String,int', (g: string, i: number) => (isGroupPath(scene, g) ? childrenOf(scene, g)[i] ?? '' : '')),
    getNodes: fn('getNodes', 'StringList', (types: string[]) =>
      descendantsOf(scene, ROOT).filter((p) => types.includes(get(p)!.type))),

    coordX: fn('coordX', 'String', (p: string) => get(p)?.x ?? 0),
    coordY: fn('coordY', 'String', (p: string) => get(p)?.y ?? 0),
    coordZ: fn('coordZ', 'String', (p: string) => get(p)?.z ?? 0),
    setCoord: fn('setCoord', 'String,int,int,int?', (p: string, x: number, y: number, z?: number) =>
      set(p, (n) => { n.x = x; n.y = y; if (z !== undefined) n.z = z; })),
    getEnable: fn('getEnable', 'String', (p: string) => get(p)?.enabled ?? false),
    setEnable: fn('setEnable', 'String,bool', (p: string, flag: boolean) => set(p, (n) => { n.enabled = flag; })),
    setColor: fn('setColor', 'String,any', (p: string, c: unknown) => {
      const color = readColor(c);
      return color !== undefined && set(p, (n) => { n.color = color; });
    }),
    getColor: fn('getColor', 'String', (p: string) => makeColor(get(p)?.color ?? { r: 0, g: 0, b: 0, a: 0 })),
    resetColor: fn('resetColor', 'String', (p: string) => set(p, (n) => { n.color = null; })),

    link: fn('link', 'String,int,String,int,bool?,bool?', (src: string, sp: number, dst: string, dp: number, addOut?: boolean, addIn?: boolean) =>
      linkNodes(scene, src, sp, dst, dp, addOut, addIn)),
    unlink: fn('unlink', 'String,int', (dst: string, port: number) => unlinkInput(scene, dst, port)),
    numberOfInputPorts: fn('numberOfInputPorts', 'String', (p: string) => get(p)?.inputs ?? 0),
    numberOfOutputPorts: fn('numberOfOutputPorts', 'String', (p: string) => get(p)?.outputs ?? 0),
    numberOfOutputLinks: fn('numberOfOutputLinks', 'String,int', (p: string, port: number) => outputLinks(scene, p, port).length),
    isLinked: fn('isLinked', 'String,int', (p: string, port: number) => inputLink(scene, p, port) !== undefined),
    srcNode: fn('srcNode', 'String,int', (p: string, port: number) => inputLink(scene, p, port)?.src ?? ''),
    srcNodeInfo: fn('srcNodeInfo', 'String,int', (p: string, port: number) => {
      const l = inputLink(scene, p, port);
      if (l === undefined) return null;
      return { node: l.src, port: l.srcPort, link: outputLinks(scene, l.src, l.srcPort).indexOf(l) };
    }),
    dstNode: fn('dstNode', 'String,int,int', (p: string, port: number, i: number) => outputLinks(scene, p, port)[i]?.dst ?? ''),
    dstNodeInfo: fn('dstNodeInfo', 'String,int,int', (p: string, port: number, i: number) => {
      const l = outputLinks(scene, p, port)[i];
      return l === undefined ? null : { node: l.dst, port: l.dstPort, link: i };
    }),

    getAttr: fn('getAttr', 'String,double,String', (p: string, frame: number, keyword: string) =>
      makeAttribute(ctx, p, keyword, frame)),
    getAttrList: fn('getAttrList', 'String,double,String?', (p: string, frame: number, parent?: string) => {
      const n = get(p);
      return n === undefined ? [] : childKeywords(n, parent ?? '').map((k) => makeAttribute(ctx, p, k, frame));
    }),
    getTextAttr: fn('getTextAttr', 'String,double,String', (p: string, frame: number, keyword: string) =>
      attrText(scene, p, keyword, frame)),
    setTextAttr: fn('setTextAttr', 'String,String,double,String', (p: string, keyword: string, frame: number, value: string) =>
      setAttrValue(scene, p, keyword, frame, value)),
    createDynamicAttr: fn('createDynamicAttr', 'String,String,String,String,bool', (p: string, type: string, name: string, display: string, linkable: boolean) =>
      createDynamicAttr(scene, p, type, name, display, linkable)),
    removeDynamicAttr: fn('removeDynamicAttr', 'String,String', (p: string, name: string) => removeDynamicAttr(scene, p, name)),
    linkAttr: fn('linkAttr', 'String,String,String', (p: string, keyword: string, column: string) => linkAttr(scene, p, keyword, column)),
    unlinkAttr: fn('unlinkAttr', 'String,String', (p: string, keyword: string) => unlinkAttr(scene, p, keyword)),
    linkedColumn: fn('linkedColumn', 'String,String', (p: string, keyword: string) => {
      const n = get(p);
      return (n === undefined ? undefined : findAttr(n, keyword)?.column) ?? '';
    }),
    getElementId: fn('getElementId', 'String', (p: string) => {
      const n = get(p);
      const col = n === undefined ? undefined : findAttr(n, 'DRAWING.ELEMENT')?.column;
      return (col === undefined ? undefined : scene.state.columns.get(col)?.elementId) ?? -1;
    }),
  };
}
