/**
 * The node graph: adding, renaming and deleting nodes, ports and links, with Harmony's rules (unique names
 * within a group, links only inside one group, one source per input port, no cycles).
 */
import { NODE_TYPES, isNodeType } from './nodetypes.ts';
import type { BackdropState, LinkState, NodeState } from './model.ts';
import { ROOT, newNode, nodePath } from './model.ts';
import type { SimScene } from './scene.ts';
import { removeElementIfUnused } from './timeline.ts';

export function isGroupPath(scene: SimScene, path: string): boolean {
  return scene.state.nodes.get(path)?.type === 'GROUP';
}

/** Direct children of a group, in creation order. */
export function childrenOf(scene: SimScene, group: string): string[] {
  const out: string[] = [];
  for (const [p, n] of scene.state.nodes) if (n.group === group) out.push(p);
  return out;
}

/** Every node below a group, depth first. */
export function descendantsOf(scene: SimScene, group: string): string[] {
  const out: string[] = [];
  for (const child of childrenOf(scene, group)) {
    out.push(child);
    if (isGroupPath(scene, child)) out.push(...descendantsOf(scene, child));
  }
  return out;
}

/** Harmony node names: letters, digits, '_' and '-'; anything else becomes '_'. */
export function sanitizeName(name: string): string {
  return name.trim().replace(/[^A-Za-z0-9_-]/g, '_');
}

/** `base`, or `base_1`, `base_2`... whichever is free in the group. */
export function uniqueName(scene: SimScene, group: string, base: string): string {
  if (!scene.state.nodes.has(`${group}/${base}`)) return base;
  for (let i = 1; ; i++) {
    const candidate = `${base}_${i}`;
    if (!scene.state.nodes.has(`${group}/${candidate}`)) return candidate;
  }
}

/** Returns the new node's path, or "" when the group or type is invalid (Harmony's failure value). */
export function addNode(scene: SimScene, group: string, name: string, type: string, x: number, y: number, z: number): string {
  if (!isGroupPath(scene, group) || !isNodeType(type)) return '';
  const clean = sanitizeName(name);
  if (clean === '') return '';
  const n = newNode(group, uniqueName(scene, group, clean), type, x, y, z);
  const p = nodePath(n);
  scene.state.nodes.set(p, n);
  scene.touch();
  return p;
}

function replacePrefix(p: string, from: string, to: string): string {
  if (p === from) return to;
  return p.startsWith(`${from}/`) ? to + p.slice(from.length) : p;
}

export function renameNode(scene: SimScene, path: string, newName: string): boolean {
  const n = scene.state.nodes.get(path);
  if (n === undefined || path === ROOT) return false;
  const clean = sanitizeName(newName);
  if (clean === '' || clean !== newName.trim()) return false;
  if (clean === n.name) return true;
  const target = `${n.group}/${clean}`;
  if (scene.state.nodes.has(target)) return false;
  const rebuilt = new Map<string, NodeState>();
  for (const [p, node] of scene.state.nodes) {
    if (p === path) node.name = clean;
    else node.group = replacePrefix(node.group, path, target);
    rebuilt.set(replacePrefix(p, path, target), node);
  }
  scene.state.nodes = rebuilt;
  for (const l of scene.state.links) {
    l.src = replacePrefix(l.src, path, target);
    l.dst = replacePrefix(l.dst, path, target);
  }
  const backdrops = new Map<string, BackdropState[]>();
  for (const [g, list] of scene.state.backdrops) backdrops.set(replacePrefix(g, path, target), list);
  scene.state.backdrops = backdrops;
  scene.selection.nodes = scene.selection.nodes.map((p) => replacePrefix(p, path, target));
  scene.touch();
  return true;
}

export function inputLink(scene: SimScene, dst: string, port: number): LinkState | undefined {
  return scene.state.links.find((l) => l.dst === dst && l.dstPort === port);
}

export function outputLinks(scene: SimScene, src: string, port: number): LinkState[] {
  return scene.state.links.filter((l) => l.src === src && l.srcPort === port);
}

/** True when `to` is `from` or lies downstream of it. */
function reaches(scene: SimScene, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (cur === to) return true;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const l of scene.state.links) if (l.src === cur) stack.push(l.dst);
  }
  return false;
}

/**
 * node.link. The 4-argument form may append a port on nodes with dynamic ports when linking to the port just
 * past the last one; the 6-argument form controls that with mayAddOutputPort / mayAddInputPort, and with
 * mayAddInputPort an occupied input port of a dynamic-port node gets a new port appended instead (as
 * measured in Harmony: it does not insert at dstPort).
 */
export function linkNodes(
  scene: SimScene, src: string, srcPort: number, dst: string, dstPort: number,
  mayAddOutputPort: boolean | undefined, mayAddInputPort: boolean | undefined,
): boolean {
  const s = scene.state.nodes.get(src);
  const d = scene.state.nodes.get(dst);
  if (s === undefined || d === undefined || src === dst || src === ROOT || dst === ROOT) return false;
  if (s.group !== d.group || srcPort < 0 || dstPort < 0) return false;
  const sDef = NODE_TYPES[s.type]!.ports;
  const dDef = NODE_TYPES[d.type]!.ports;
  const addOut = mayAddOutputPort ?? true;
  const addIn = mayAddInputPort ?? true;
  if (srcPort > s.outputs || (srcPort === s.outputs && !(addOut && sDef.dynamicOutputs))) return false;
  let port = dstPort;
  let newInput = false;
  if (dstPort < d.inputs) {
    if (inputLink(scene, dst, dstPort) !== undefined) {
      if (mayAddInputPort !== true || !dDef.dynamicInputs) return false;
      port = d.inputs;
      newInput = true;
    }
  } else if (dstPort === d.inputs && addIn && dDef.dynamicInputs) {
    newInput = true;
  } else {
    return false;
  }
  if (reaches(scene, dst, src)) return false;
  if (srcPort === s.outputs) s.outputs += 1;
  if (newInput) d.inputs += 1;
  scene.state.links.push({ src, srcPort, dst, dstPort: port });
  scene.touch();
  return true;
}

export function unlinkInput(scene: SimScene, dst: string, port: number): boolean {
  const i = scene.state.links.findIndex((l) => l.dst === dst && l.dstPort === port);
  if (i < 0) return false;
  scene.state.links.splice(i, 1);
  scene.touch();
  return true;
}

/**
 * node.deleteNode. Like Harmony, the deleted node's first input source is relinked to the nodes it fed.
 * deleteTimedValues removes the columns only this node used; deleteElements also their elements.
 */
export function deleteNode(scene: SimScene, path: string, deleteTimedValues: boolean, deleteElements: boolean): boolean {
  const n = scene.state.nodes.get(path);
  if (n === undefined || path === ROOT) return false;
  const doomed = new Set([path, ...(n.type === 'GROUP' ? descendantsOf(scene, path) : [])]);
  const upstream = inputLink(scene, path, 0);
  const downstream = scene.state.links.filter((l) => l.src === path && !doomed.has(l.dst));
  const columns = new Set<string>();
  for (const p of doomed) for (const a of scene.state.nodes.get(p)!.attrs) if (a.column !== undefined) columns.add(a.column);
  scene.state.links = scene.state.links.filter((l) => !doomed.has(l.src) && !doomed.has(l.dst));
  for (const p of doomed) {
    scene.state.nodes.delete(p);
    scene.state.backdrops.delete(p);
  }
  if (upstream !== undefined && !doomed.has(upstream.src)) {
    for (const l of downstream) {
      if (inputLink(scene, l.dst, l.dstPort) === undefined && !reaches(scene, l.dst, upstream.src)) {
        scene.state.links.push({ src: upstream.src, srcPort: upstream.srcPort, dst: l.dst, dstPort: l.dstPort });
      }
    }
  }
  if (deleteTimedValues) {
    const stillUsed = new Set<string>();
    for (const node of scene.state.nodes.values()) for (const a of node.attrs) if (a.column !== undefined) stillUsed.add(a.column);
    for (const c of columns) {
      if (stillUsed.has(c)) continue;
      const col = scene.state.columns.get(c);
      scene.state.columns.delete(c);
      if (deleteElements && col !== undefined && col.type === 'DRAWING' && col.elementId >= 0) {
        removeElementIfUnused(scene, col.elementId);
      }
    }
  }
  scene.selection.nodes = scene.selection.nodes.filter((p) => !doomed.has(p));
  scene.touch();
  return true;
}
