/**
 * The `Backdrop` global. Backdrops have no ids: removeBackdrop and nodes() find them by value (position,
 * title, description, colour). Returned objects also carry `group`, the path of their group, which
 * comparisons ignore.
 */
import { findBackdrop, groupHint, nodesInBackdrop, normalizeBackdrop, withGroup } from '../backdrops.ts';
import { native } from '../coerce.ts';
import type { BackdropState } from '../model.ts';
import type { DomContext } from './context.ts';

export function createBackdropApi(ctx: DomContext): Record<string, unknown> {
  const { scene, realm } = ctx;
  const fn = <A extends unknown[], R>(name: string, sig: string, impl: (...args: A) => R) =>
    native(realm, `Backdrop.${name}`, sig, impl);
  const isGroup = (g: string) => scene.state.nodes.get(g)?.type === 'GROUP';
  const list = (g: string): BackdropState[] => scene.state.backdrops.get(g) ?? [];

  return {
    backdrops: fn('backdrops', 'String', (g: string) => list(g).map((b) => withGroup(b, g))),
    addBackdrop: fn('addBackdrop', 'String,any', (g: string, raw: unknown) => {
      const bd = normalizeBackdrop(raw);
      if (!isGroup(g) || bd === undefined) return undefined;
      scene.state.backdrops.set(g, [...list(g), bd]);
      scene.touch();
      return withGroup(bd, g);
    }),
    setBackdrops: fn('setBackdrops', 'String,any', (g: string, raw: unknown) => {
      if (!isGroup(g)) return false;
      const items = Array.isArray(raw) ? raw : [raw];
      const normalized = items.map(normalizeBackdrop);
      if (normalized.some((b) => b === undefined)) return false;
      scene.state.backdrops.set(g, normalized as BackdropState[]);
      scene.touch();
      return true;
    }),
    removeBackdrop: fn('removeBackdrop', 'any,int?', (first: unknown, idx?: number) => {
      if (idx !== undefined) {
        const g = String(first);
        if (idx < 0 || idx >= list(g).length) return false;
        scene.state.backdrops.set(g, list(g).filter((_, i) => i !== idx));
        scene.touch();
        return true;
      }
      const bd = normalizeBackdrop(first);
      const where = bd === undefined ? undefined : findBackdrop(scene, bd, groupHint(first));
      if (where === undefined) return false;
      scene.state.backdrops.set(where.group, list(where.group).filter((_, i) => i !== where.index));
      scene.touch();
      return true;
    }),
    nodes: fn('nodes', 'any', (raw: unknown) => {
      const bd = normalizeBackdrop(raw);
      const where = bd === undefined ? undefined : findBackdrop(scene, bd, groupHint(raw));
      return where === undefined ? [] : nodesInBackdrop(scene, where.group, bd!);
    }),
    contains: fn('contains', 'any,any', (raw: unknown, nodes: unknown) => {
      const bd = normalizeBackdrop(raw);
      const where = bd === undefined ? undefined : findBackdrop(scene, bd, groupHint(raw));
      if (where === undefined) return false;
      const inside = nodesInBackdrop(scene, where.group, bd!);
      const wanted = Array.isArray(nodes) ? nodes.map(String) : [String(nodes)];
      return wanted.length > 0 && wanted.every((n) => inside.includes(n));
    }),
  };
}
