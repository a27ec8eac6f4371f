/**
 * Lookups by a name a peer (or a command line, a config file, a scene) chose: own properties only. A plain
 * object inherits `__proto__`, `constructor`, `toString`...: `table[name]` with name "constructor" is Object
 * itself, callable. Use this (or a Map) wherever such a name indexes an object.
 */
export function own<T>(table: Readonly<Record<string, T>> | null | undefined, name: unknown): T | undefined {
  return table != null && typeof name === 'string' && Object.hasOwn(table, name) ? table[name] : undefined;
}
