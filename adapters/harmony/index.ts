/** The package's `dcc-kit/harmony` entry: the Harmony adapter and what a studio's code uses with it. */
export { default, usesSimulator } from './adapter.ts';
export { HarmonySession, signature, assertES5 } from './session.ts';
export { HarmonySimulator } from './simulator/engine.ts';
export { NotAvailableYetError } from './not-yet.ts';
export { menuEndpoints } from './menu.ts';
export type * from './pipeline-types.ts';
export type { HarmonyCreator } from './create/creator-types.ts';
export type { HarmonyLoader, LoaderInput, PreparedLoad } from './load/loader-types.ts';
