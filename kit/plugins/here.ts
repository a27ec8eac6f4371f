/** The extension sets of every adapter that takes part (kit/adapter.ts `extensions`), for a resolved configuration. */
import { AdapterRegistry, builtInAdapterNames, type Adapter } from '../adapter.ts';
import type { ResolvedConfig } from '../config.ts';
import { extensionSet, type ExtensionSet } from './set.ts';

export async function extensionSetsFor(resolved: ResolvedConfig, cwd: string): Promise<{ sets: ExtensionSet[]; adapterErrors: string[] }> {
  const registry = new AdapterRegistry(resolved.config.adapters, cwd);
  const adapters: Adapter[] = [];
  const adapterErrors: string[] = [];
  for (const name of builtInAdapterNames()) {
    const a = await registry.find(name);
    if (a) adapters.push(a);
  }
  for (const pkg of resolved.config.adapters) {
    try {
      const a = await registry.loadPackage(pkg);
      if (!adapters.includes(a)) adapters.push(a);
    } catch (err) {
      adapterErrors.push((err as Error).message);
    }
  }
  const sets = await Promise.all(adapters.filter((a) => a.extensions).map((a) => extensionSet({
    adapter: a.name, extensions: a.extensions!, config: resolved.config, sources: resolved.sources, cwd,
  })));
  return { sets, adapterErrors };
}
