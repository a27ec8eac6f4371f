/**
 * Backdrops are plain objects with no id: Harmony identifies them by value. Every backdrop is stored in
 * normalised form (all fields present) so two descriptions of the same backdrop compare equal.
 */
import type { BackdropState, TextStyle } from './model.ts';
import type { SimScene } from './scene.ts';

export const DEFAULT_BACKDROP_COLOR = 0xff323232 >>> 0;
const DEFAULT_TEXT_COLOR = 0xff000000 >>> 0;

const num = (v: unknown, fallback: number): number => {
  const n = Number(v);
  return v === undefined || v === null || !Number.isFinite(n) ? fallback : n;
};

function text(raw: unknown, size: number): TextStyle {
  const o = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    text: o.text === undefined || o.text === null ? '' : String(o.text),
    color: num(o.color, DEFAULT_TEXT_COLOR) >>> 0,
    size: num(o.size, size),
    font: o.font === undefined || o.font === null ? 'Arial' : String(o.font),
  };
}

/** Fills in defaults; undefined when the value is not an object. */
export function normalizeBackdrop(raw: unknown): BackdropState | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const pos = (o.position !== null && typeof o.position === 'object' ? o.position : {}) as Record<string, unknown>;
  return {
    position: { x: num(pos.x, 0), y: num(pos.y, 0), w: num(pos.w, 300), h: num(pos.h, 300) },
    title: text(o.title, 14),
    description: text(o.description, 14),
    color: num(o.color, DEFAULT_BACKDROP_COLOR) >>> 0,
  };
}

export function sameBackdrop(a: BackdropState, b: BackdropState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The `group` field of a backdrop object (backdrops returned by the DOM carry their group's path). */
export function groupHint(raw: unknown): string | undefined {
  const g = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).group : undefined;
  return typeof g === 'string' ? g : undefined;
}

/** A backdrop as the DOM returns it: its fields plus the path of its group. */
export function withGroup(bd: BackdropState, group: string): BackdropState & { group: string } {
  return { ...structuredClone(bd), group };
}

/** The group holding a backdrop equal to `bd`: the hinted group first, then Top, then the others. */
export function findBackdrop(scene: SimScene, bd: BackdropState, hint?: string): { group: string; index: number } | undefined {
  const rank = (g: string): number => (g === hint ? 0 : g === 'Top' ? 1 : 2);
  const groups = [...scene.state.backdrops.keys()].sort((a, b) => rank(a) - rank(b));
  for (const group of groups) {
    const index = scene.state.backdrops.get(group)!.findIndex((x) => sameBackdrop(x, bd));
    if (index >= 0) return { group, index };
  }
  return undefined;
}

/** Nodes of the backdrop's group whose position lies inside its rectangle. */
export function nodesInBackdrop(scene: SimScene, group: string, bd: BackdropState): string[] {
  const { x, y, w, h } = bd.position;
  const out: string[] = [];
  for (const [p, n] of scene.state.nodes) {
    if (n.group === group && n.x >= x && n.x <= x + w && n.y >= y && n.y <= y + h) out.push(p);
  }
  return out;
}
