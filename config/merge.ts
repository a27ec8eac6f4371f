/**
 * Layers configuration objects section by section while recording, for every leaf, which layer set it.
 * Objects merge key by key; anything else (numbers, strings, null, arrays) replaces what was there.
 */
import { isPlainObject } from './schema.ts';

export class SourcedConfig {
  readonly value: Record<string, unknown> = {};
  /** Dotted key path of each leaf -> where its value came from. A key keeps its first position when overridden. */
  readonly sources: Record<string, string> = {};

  /** Merges `layer` over what is there; `origin` is recorded for every leaf it sets. */
  apply(layer: Record<string, unknown>, origin: string): void {
    this.mergeInto(this.value, layer, origin, '');
  }

  /** Sets one leaf (e.g. from an environment variable). */
  set(keyPath: string, leaf: unknown, origin: string): void {
    const keys = keyPath.split('.');
    let target = this.value;
    for (let i = 0; i < keys.length - 1; i++) {
      const next = ownValue(target, keys[i]);
      if (!isPlainObject(next)) {
        const sectionPath = keys.slice(0, i + 1).join('.');
        delete this.sources[sectionPath];
        this.forgetBelow(sectionPath);
        const created: Record<string, unknown> = {};
        setOwn(target, keys[i], created);
        target = created;
      } else {
        target = next;
      }
    }
    this.forgetBelow(keyPath);
    setOwn(target, keys[keys.length - 1], leaf);
    this.sources[keyPath] = origin;
  }

  private mergeInto(target: Record<string, unknown>, layer: Record<string, unknown>, origin: string, prefix: string): void {
    for (const [key, incoming] of Object.entries(layer)) {
      const keyPath = prefix ? `${prefix}.${key}` : key;
      if (isPlainObject(incoming)) {
        let existing = ownValue(target, key);
        if (!isPlainObject(existing)) {
          delete this.sources[keyPath];
          this.forgetBelow(keyPath);
          existing = {};
          setOwn(target, key, existing);
          if (Object.keys(incoming).length === 0) this.sources[keyPath] = origin;
        } else if (Object.keys(incoming).length > 0) {
          delete this.sources[keyPath];
        }
        this.mergeInto(existing as Record<string, unknown>, incoming, origin, keyPath);
      } else {
        this.forgetBelow(keyPath);
        setOwn(target, key, incoming);
        this.sources[keyPath] = origin;
      }
    }
  }

  /** Drops the source records of everything under `keyPath` (it is being replaced by a leaf). */
  private forgetBelow(keyPath: string): void {
    const below = `${keyPath}.`;
    for (const key of Object.keys(this.sources)) if (key.startsWith(below)) delete this.sources[key];
  }
}

function ownValue(target: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

/** Own-property assignment that cannot reach a prototype, whatever the key (`__proto__` from JSON included). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
