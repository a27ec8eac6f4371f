/** Studio extensions from configuration: publish plugins, creators and loaders (see docs/ARCHITECTURE.md, "Extending dcc-kit"). */
export { loadModules, describeImportError, type ExtensionProblem, type LoadedExport } from './modules.ts';
export { composePublishPlugins, publishPluginProblems, pluginEntry, type PluginEntry } from './publish.ts';
export { extensionSet, describeProblems, type ExtensionSet, type Sourced } from './set.ts';
export { creatorRecordProblems, creatorInfo, creatorNamed, creatorAttributes, assertVariant, productNameFor, newInstanceFields, type AttributeDef, type CreatorInfo, type CreatorRecord, type InstanceFields } from './creators.ts';
export { loaderRecordProblems, loaderInfo, chooseLoader, chooseRepresentation, LoadError, type LoaderInfo, type LoaderRecord } from './loaders.ts';
