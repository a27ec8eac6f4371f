/** ColorRGBA, Harmony's colour value class (components 0..255). */
import type { Color } from '../model.ts';

export interface ColorRGBAInstance { r: number; g: number; b: number; a: number }

const component = (v: unknown, fallback: number): number => {
  const n = Number(v);
  return v === undefined || !Number.isFinite(n) ? fallback : Math.max(0, Math.min(255, Math.round(n)));
};

/** `new ColorRGBA(r, g, b, a)`; missing components default to 255 (opaque white). */
export function ColorRGBA(this: ColorRGBAInstance, r?: unknown, g?: unknown, b?: unknown, a?: unknown): ColorRGBAInstance {
  const target: ColorRGBAInstance = this instanceof ColorRGBA ? this : Object.create(ColorRGBA.prototype);
  target.r = component(r, 255);
  target.g = component(g, 255);
  target.b = component(b, 255);
  target.a = component(a, 255);
  return target;
}

export function makeColor(c: Color): ColorRGBAInstance {
  return ColorRGBA.call(Object.create(ColorRGBA.prototype), c.r, c.g, c.b, c.a);
}

/** Reads any {r,g,b,a} object; undefined when it is not one. */
export function readColor(x: unknown): Color | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  const o = x as Record<string, unknown>;
  const parts = [o.r, o.g, o.b, o.a === undefined ? 255 : o.a].map(Number);
  if (parts.some((p) => !Number.isFinite(p))) return undefined;
  const [r, g, b, a] = parts.map((p) => Math.max(0, Math.min(255, Math.round(p))));
  return { r: r!, g: g!, b: b!, a: a! };
}
