/**
 * The `compositionOrder` global: the Timeline's layers for a display, top first. From the display up, a
 * composite is not a layer: its inputs are, in port order; any other node is a layer whose parent is the
 * node feeding its first port (a peg above a drawing), so parents come before their children, one level
 * deeper each.
 */
import { hostObject, native } from '../coerce.ts';
import { descendantsOf, inputLink } from '../graph.ts';
import { ROOT } from '../model.ts';
import type { DomContext } from './context.ts';

const PASS_THROUGH = new Set(['COMPOSITE', 'DISPLAY', 'WRITE', 'MULTIPORT_OUT', 'MULTIPORT_IN', 'GROUP']);

export function compositionLayers(ctx: DomContext, display: string): Array<{ node: string; depth: number; children: number; root: boolean }> {
  const { scene } = ctx;
  const type = (p: string) => scene.state.nodes.get(p)?.type ?? '';
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  const seen = new Set<string>();
  const addChain = (leaf: string): void => {
    // leaf, its parent, its parent's parent... while they are layers
    const chain = [leaf];
    for (let up = inputLink(scene, leaf, 0)?.src; up !== undefined && !PASS_THROUGH.has(type(up)) && !chain.includes(up); up = inputLink(scene, up, 0)?.src) chain.push(up);
    chain.reverse();
    for (let i = 0; i < chain.length; i++) {
      const p = chain[i]!;
      if (seen.has(p)) continue;
      seen.add(p);
      if (i === 0) roots.push(p);
      else (children.get(chain[i - 1]!) ?? children.set(chain[i - 1]!, []).get(chain[i - 1]!)!).push(p);
    }
  };
  const collect = (p: string, guard: Set<string>): void => {
    if (guard.has(p)) return;
    guard.add(p);
    if (PASS_THROUGH.has(type(p))) {
      const n = scene.state.nodes.get(p)!;
      for (let port = 0; port < Math.max(n.inputs, 1); port++) {
        const src = inputLink(scene, p, port)?.src;
        if (src !== undefined) collect(src, guard);
      }
      return;
    }
    addChain(p);
  };
  if (scene.state.nodes.has(display)) collect(display, new Set());
  const out: Array<{ node: string; depth: number; children: number; root: boolean }> = [];
  const flatten = (p: string, depth: number): void => {
    const kids = children.get(p) ?? [];
    out.push({ node: p, depth, children: kids.length, root: depth === 0 });
    for (const k of kids) flatten(k, depth + 1);
  };
  for (const r of roots) flatten(r, 0);
  return out;
}

export function createCompositionOrderApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const items = (display: string) => compositionLayers(ctx, display).map((l) => hostObject({
    node: l.node, isNodeRoot: l.root, isNodeNormal: !l.root, isNodeBroken: false, isNodeSubnodeRoot: false,
    depth: () => l.depth, numChildren: () => l.children,
  }));
  const defaultDisplay = () => descendantsOf(scene, ROOT).find((p) => scene.state.nodes.get(p)!.type === 'DISPLAY') ?? '';
  return {
    buildCompositionOrderForDisplay: native(realm, 'compositionOrder.buildCompositionOrderForDisplay', 'String', (display: string) => items(display)),
    buildDefaultCompositionOrder: native(realm, 'compositionOrder.buildDefaultCompositionOrder', '', () => items(defaultDisplay())),
  };
}
