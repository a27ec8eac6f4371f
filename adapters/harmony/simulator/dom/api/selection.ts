/** The `selection` global: selected nodes (in selection order) and backdrops (by value). */
import { findBackdrop, groupHint, normalizeBackdrop, sameBackdrop, withGroup } from '../backdrops.ts';
import { native } from '../coerce.ts';
import type { DomContext } from './context.ts';

export function createSelectionApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `selection.${name}`, sig, impl);
  const sel = () => scene.selection;
  const addNode = (p: string): boolean => {
    if (!scene.state.nodes.has(p) || p === 'Top') return false;
    if (!sel().nodes.includes(p)) sel().nodes.push(p);
    return true;
  };

  return {
    clearSelection: fn('clearSelection', '', (): void => { scene.selection = { nodes: [], backdrops: [] }; }),
    addNodeToSelection: fn('addNodeToSelection', 'String', (p: string) => addNode(p)),
    addNodesToSelection: fn('addNodesToSelection', 'StringList', (paths: string[]) =>
      paths.map(addNode).every(Boolean)),
    removeNodeFromSelection: fn('removeNodeFromSelection', 'String', (p: string) => {
      const before = sel().nodes.length;
      sel().nodes = sel().nodes.filter((x) => x !== p);
      return sel().nodes.length !== before;
    }),
    selectAll: fn('selectAll', '', (): void => {
      sel().nodes = [...scene.state.nodes.keys()].filter((p) => scene.state.nodes.get(p)!.group === 'Top');
    }),
    addBackdropToSelection: fn('addBackdropToSelection', 'any,any?', (raw: unknown) => {
      const bd = normalizeBackdrop(raw);
      if (bd === undefined || findBackdrop(scene, bd, groupHint(raw)) === undefined) return false;
      if (!sel().backdrops.some((b) => sameBackdrop(b, bd))) sel().backdrops.push(bd);
      return true;
    }),
    selectedNodes: fn('selectedNodes', 'int?', () => sel().nodes.filter((p) => scene.state.nodes.has(p))),
    numberOfNodesSelected: fn('numberOfNodesSelected', '', () => sel().nodes.filter((p) => scene.state.nodes.has(p)).length),
    selectedNode: fn('selectedNode', 'int', (i: number) => sel().nodes.filter((p) => scene.state.nodes.has(p))[i] ?? ''),
    selectedBackdrops: fn('selectedBackdrops', '', () => sel().backdrops.flatMap((b) => {
      const where = findBackdrop(scene, b);
      return where === undefined ? [] : [withGroup(b, where.group)];
    })),
  };
}
