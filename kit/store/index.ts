/** The product store: versions reserved atomically, filled in workers, completed by their manifest. */
export { type Integrator } from './store.ts';
export { ProductStore, VersionWriter, parseProductRef, storeFromConfig, StoreError, StoreWriteError, ProductNotFoundError, VersionNotFoundError, MANIFEST, RESERVATION, AWAITING } from './store.ts';
export { VersionTemplate, StoreTemplateError, assertFolderName, assertProductName } from './template.ts';
export { filesForLoad, resolveVersionFile, markDamaged, versionLabel, DamagedVersionError, DAMAGED_MARK, type LoadableFiles } from './version-files.ts';
export type * from './types.ts';
