/** HTML built from template strings: every interpolated value is escaped unless it is already Html. */

export class Html {
  readonly text: string;
  constructor(text: string) { this.text = text; }
  toString(): string { return this.text; }
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function piece(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(piece).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(v);
}

export function h(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** A value for hx-vals: JSON in a single-quoted attribute. */
export function vals(obj: Record<string, unknown>): Html {
  return new Html(escapeHtml(JSON.stringify(obj)));
}
