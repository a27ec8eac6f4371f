/** The `harmony.workfiles` settings, read from a resolved config (or the defaults when a hub runs without one). */
import { defaultConfig } from '../../../config/defaults.ts';
import { dccKitHome } from '../../../config/paths.ts';
import type { HarmonyWorkfilesConfig } from '../../../config/schema.ts';

export type { HarmonyWorkfilesConfig };

export interface WorkfileSettings extends HarmonyWorkfilesConfig {
  /** dcc-kit home (where the hub keeps its files). */
  home: string;
}

/** `config` is the resolved DccKitConfig (typed `unknown` on the adapter boundary); `home` fills in a missing one. */
export function workfileSettings(config: unknown, home?: string): WorkfileSettings {
  const c = config as { home?: string; harmony?: { workfiles?: Partial<HarmonyWorkfilesConfig> } } | null | undefined;
  const resolvedHome = c?.home || home || dccKitHome(process.env);
  const defaults = defaultConfig(resolvedHome).harmony.workfiles;
  return { ...defaults, ...(c?.harmony?.workfiles ?? {}), home: resolvedHome };
}
