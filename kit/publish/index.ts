/** The publish engine (DCC-agnostic): plugins in pyblish order, events, reports. */
export { runPublish, checkSkips, stageOf, pluginMatches, describeFailure, ORDER } from './engine.ts';
export { commitProducts } from './commit-products.ts';
export type * from './types.ts';
