/**
 * Harmony's native methods are Qt slots: Qt Script converts each argument to the C++ parameter type.
 * This module reproduces that conversion so host methods see what Harmony's C++ would see:
 *  - QString: JS `String(x)` (so `["Top"]` becomes "Top", an OpenHarmony object becomes its toString()),
 *  - QStringList: `String` mapped over an array's elements (`[["READ"]]` becomes ["READ"]),
 *  - int: ToInt32, double: ToNumber, bool: ToBoolean ("false" is true, as in Qt Script),
 * and too few arguments throw like Qt Script does ("too few arguments in call to ..."). Results go back
 * through a Realm so arrays and plain objects belong to the script's own realm.
 */

export type ParamKind = 'String' | 'StringList' | 'int' | 'double' | 'bool' | 'any';

/** Converts host values to values of the script realm (a node:vm context) so `instanceof Array` works there. */
export class Realm {
  readonly #Array: ArrayConstructor | undefined;
  readonly #Object: ObjectConstructor | undefined;

  constructor(intrinsics?: { Array: ArrayConstructor; Object: ObjectConstructor }) {
    this.#Array = intrinsics?.Array;
    this.#Object = intrinsics?.Object;
  }

  /** Deep-copies host arrays and plain objects into the realm; class instances and primitives pass as they are. */
  out(value: unknown): unknown {
    if (this.#Array === undefined || this.#Object === undefined) return value;
    if (Array.isArray(value)) {
      const arr = new this.#Array() as unknown[];
      for (const item of value) arr.push(this.out(item));
      return arr;
    }
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const obj = new this.#Object() as Record<string, unknown>;
      for (const [k, v] of Object.entries(value)) obj[k] = this.out(v);
      return obj;
    }
    return value;
  }
}

/** Prototype of objects that stand for native Harmony objects; Realm.out passes them through untouched. */
class HostObject {}

/** Makes a native-like object from `props`, keeping getters live (numPalettes, location...). */
export function hostObject<T extends object>(props: T): T {
  return Object.defineProperties(Object.create(HostObject.prototype), Object.getOwnPropertyDescriptors(props)) as T;
}

export function toQString(x: unknown): string {
  return String(x);
}

export function toStringList(x: unknown): string[] {
  if (x === undefined || x === null) return [];
  if (Array.isArray(x)) return x.map((item) => String(item));
  return [String(x)];
}

export function toInt(x: unknown): number {
  const n = Number(x);
  return Number.isFinite(n) ? Math.trunc(n) | 0 : 0;
}

export function toDouble(x: unknown): number {
  return Number(x);
}

export function toBool(x: unknown): boolean {
  return Boolean(x);
}

function convert(kind: ParamKind, x: unknown): unknown {
  switch (kind) {
    case 'String': return toQString(x);
    case 'StringList': return toStringList(x);
    case 'int': return toInt(x);
    case 'double': return toDouble(x);
    case 'bool': return toBool(x);
    case 'any': return x;
  }
}

interface Param { kind: ParamKind; optional: boolean }

function parseSignature(signature: string): Param[] {
  if (signature.trim() === '') return [];
  return signature.split(',').map((raw) => {
    const text = raw.trim();
    const optional = text.endsWith('?');
    const kind = (optional ? text.slice(0, -1) : text) as ParamKind;
    return { kind, optional };
  });
}

function qtTypeName(kind: ParamKind): string {
  switch (kind) {
    case 'String': return 'QString';
    case 'StringList': return 'QStringList';
    case 'int': return 'int';
    case 'double': return 'double';
    case 'bool': return 'bool';
    case 'any': return 'QScriptValue';
  }
}

interface Signature { params: Param[]; required: number; qtTypes: string }
/** Parsed signatures, shared by every engine's methods (engines are made on every scene switch). */
const SIGNATURES = new Map<string, Signature>();
function signatureOf(text: string): Signature {
  let sig = SIGNATURES.get(text);
  if (sig === undefined) {
    const params = parseSignature(text);
    sig = { params, required: params.filter((p) => !p.optional).length, qtTypes: params.map((p) => qtTypeName(p.kind)).join(',') };
    SIGNATURES.set(text, sig);
  }
  return sig;
}

/** Marks a native method with its signature (a property, not a WeakMap: engines come and go). */
const SIGNATURE = Symbol('harmony native signature');

/** The parameters a native method takes (required, all); undefined for a function not made by native(). */
export function nativeArity(fn: unknown): { min: number; max: number } | undefined {
  const sig = typeof fn === 'function' ? (fn as unknown as Record<symbol, Signature | undefined>)[SIGNATURE] : undefined;
  return sig === undefined ? undefined : { min: sig.required, max: sig.params.length };
}

/**
 * Wraps an implementation as a Harmony native method. `signature` lists parameter kinds, optional ones
 * ending with `?` ("String,int,String,int,bool?,bool?"). Optional parameters that were not passed arrive as
 * undefined; passed ones are converted. The wrapper never reads `this`, so unbound calls work.
 */
export function native<A extends unknown[], R>(
  realm: Realm,
  qualifiedName: string,
  signature: string,
  impl: (...args: A) => R,
): (...args: unknown[]) => unknown {
  const sig = signatureOf(signature);
  const { params, required } = sig;
  const shortName = qualifiedName.slice(qualifiedName.lastIndexOf('.') + 1);
  const fn = (...args: unknown[]): unknown => {
    if (args.length < required) {
      throw new TypeError(`too few arguments in call to ${shortName}(); candidates are\n    ${shortName}(${sig.qtTypes})`);
    }
    const converted = params.map((p, i) => (i < args.length ? convert(p.kind, args[i]) : undefined));
    return realm.out(impl(...(converted as A)));
  };
  Object.defineProperty(fn, 'name', { value: shortName });
  (fn as unknown as Record<symbol, Signature>)[SIGNATURE] = sig;
  return fn;
}
