/**
 * The version path template (`publish.template`): `{folder}`, `{product}`, `{productType}` and
 * `{version}` / `{version:03}` (zero-padded to 3). Expands a version's folder and recognises existing ones.
 */
import { DccKitError } from '../errors.ts';

export class StoreTemplateError extends DccKitError {
  constructor(message: string) { super(message, 'STORE_TEMPLATE'); }
}

export interface TemplateFields {
  folder: string;
  product: string;
  productType?: string;
  version: number;
}

const TOKEN = /\{(folder|product|productType|version)(?::(\d+))?\}/g;

export class VersionTemplate {
  readonly source: string;
  private readonly pattern: RegExp;
  /** The part before the last `/`: where the version folders of one product are. */
  private readonly parent: string;
  readonly usesProductType: boolean;

  constructor(template: string) {
    this.source = template.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
    const names = [...this.source.matchAll(TOKEN)].map((m) => m[1]);
    for (const required of ['folder', 'product', 'version']) {
      if (!names.includes(required)) throw new StoreTemplateError(`publish.template must contain {${required}} (got "${template}")`);
    }
    const last = this.source.split('/').pop()!;
    if (!/\{version(?::\d+)?\}/.test(last) || /\{(folder|product|productType)/.test(last)) {
      throw new StoreTemplateError(`publish.template must end with a folder made of {version} alone, e.g. "{folder}/{product}/v{version:03}" (got "${template}")`);
    }
    this.parent = this.source.slice(0, this.source.length - last.length - 1);
    this.usesProductType = names.includes('productType');
    let re = '';
    let at = 0;
    for (const m of this.source.matchAll(TOKEN)) {
      re += escape(this.source.slice(at, m.index));
      re += m[1] === 'folder' ? '(?<folder>.+?)' : m[1] === 'version' ? '(?<version>\\d+)' : `(?<${m[1]}>[^/]+)`;
      at = m.index! + m[0].length;
    }
    re += escape(this.source.slice(at));
    this.pattern = new RegExp(`^${re}$`);
  }

  /** The version folder, relative to the store root. */
  expand(f: TemplateFields): string {
    return this.fill(this.source, f);
  }

  /** The folder holding a product's version folders, relative to the root (null if it needs productType). */
  productDir(folder: string, product: string, productType?: string): string | null {
    if (this.usesProductType && productType === undefined) return null;
    return this.fill(this.parent, { folder, product, productType, version: 0 });
  }

  /** The fields of a relative path that is a version folder, or null. */
  match(relative: string): TemplateFields | null {
    const m = this.pattern.exec(relative.replace(/\\/g, '/'));
    if (!m?.groups) return null;
    const version = Number(m.groups.version);
    if (!Number.isSafeInteger(version)) return null;
    return { folder: m.groups.folder!, product: m.groups.product!, productType: m.groups.productType, version };
  }

  /** How many folder levels a version folder is below the root, at least (folder may span several). */
  get minDepth(): number {
    return this.source.split('/').length;
  }

  private fill(text: string, f: TemplateFields): string {
    return text.replace(TOKEN, (_all, name: string, pad?: string) => {
      if (name === 'version') return String(f.version).padStart(pad ? Number(pad) : 0, '0');
      const value = f[name as 'folder' | 'product' | 'productType'];
      if (value === undefined) throw new StoreTemplateError(`publish.template uses {${name}} but no ${name} was given`);
      return value;
    });
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Product names are one plain path part: letters, digits, `_`, `-`, `.` (not `.`/`..` alone). */
export function assertProductName(product: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(product) || product.length > 200) {
    throw new StoreTemplateError(`"${product}" is not a valid product name: use letters, digits, "_", "-" and "." (e.g. renderMain)`);
  }
}

/** Folder paths are relative, made of plain parts ("shots/sh010"). */
export function assertFolderName(folder: string): void {
  const parts = folder.split('/');
  if (folder === '' || folder.startsWith('/') || /^[A-Za-z]:/.test(folder) || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
    throw new StoreTemplateError(`"${folder}" is not a valid folder: use a relative path of plain names like "shots/sh010"`);
  }
}
