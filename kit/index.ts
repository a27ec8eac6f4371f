/** The public API of dcc-kit for pipeline code. */
export { connectHub, HubClient, SessionHandle, HubNotRunningError, NotAHubError, type ConnectOptions, type CallOptions } from './hub/client.ts';
export { ensureHub } from './hub/start.ts';
export { Hub, type HubOptions } from './hub/server.ts';
export { RpcPeer, type PeerOptions } from './protocol/peer.ts';
export { encodeFrame, FrameDecoder, FrameError } from './protocol/frame.ts';
export { SessionClosedError, CallTimeoutError, RemoteError } from './protocol/errors.ts';
export type { RequestMessage, ReplyMessage, HelloArgs, HelloResult } from './protocol/messages.ts';
export { AdapterRegistry, validateAdapter, type Adapter, type SessionInfo, type Endpoint, type EndpointContext, type LaunchSpec, type LaunchRequest } from './adapter.ts';
export { loadConfig, type DccKitConfig } from './config.ts';
export { DccKitError, UsageError, ConfigError } from './errors.ts';
export * from './farm/index.ts';
export { zipDirectory, extractZip, listZip, verifyZip, cleanStaleTemps, ArchiveError, UnsafeZipEntryError, ZipCorruptError, ZipLimitError } from './archive/index.ts';
export { launchDetached, runBatch, resolveExecutable, ExecutableNotFoundError, BatchRunError } from './launch.ts';
export { resolveContext, contextFromConfig, frameRangeWithHandles, type ProjectContext, type ResolvedContext } from './context.ts';
export { ProductStore, VersionWriter, parseProductRef, storeFromConfig, StoreError, type VersionManifest, type VersionInfo, type ProductSummary, type ProductRef } from './store/index.ts';
export { runPublish, describeFailure, ORDER, type PublishPlugin, type PublishContext, type PublishInstance, type PublishReport, type PublishEvent, type PluginResult, type StagedWork } from './publish/index.ts';
