/**
 * The archive engine behind Harmony workfiles: a fast zip writer that never leaves a partial archive at its
 * destination, a safe extractor, and small inspection helpers.
 */
export { zipDirectory, type ZipDirectoryOptions, type ZipSummary } from './zip-directory.ts';
export { extractZip, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_RATIO, type ExtractZipOptions, type ExtractSummary } from './extract-zip.ts';
export { listZip, verifyZip, type ZipEntryInfo, type VerifyZipOptions, type VerifySummary } from './inspect-zip.ts';
export { cleanStaleTemps, type CleanStaleTempsOptions } from './temp-files.ts';
export type { ArchiveProgress, ArchivePhase, ProgressCallback } from './progress.ts';
export type { ExcludePredicate, ExcludeInfo } from './scan.ts';
export * from './errors.ts';
