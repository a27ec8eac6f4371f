/**
 * A background's layout (.json): a tree of layers whose `filename`s name the layer images beside it. The
 * background loaders and ingest read it the same way.
 */
export function layoutLayerNames(layout: unknown): string[] {
  const names: string[] = [];
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    const o = n as { filename?: unknown; children?: unknown };
    if (typeof o.filename === 'string') names.push(o.filename);
    if (Array.isArray(o.children)) o.children.forEach(walk);
  };
  walk(layout);
  return names;
}
