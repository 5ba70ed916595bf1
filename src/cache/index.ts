/**
 * rock-cache: files stored by content (sha256) under keys, safe for concurrent processes, with an
 * optional OCI registry behind it. Used by rock-build and rock-compose through {@link openCache}.
 */
export { ArtifactCache, type ArtifactCacheSettings } from './artifact-cache.js';
export { type CacheConfig, cacheConfigPath, readCacheConfig } from './cache-config.js';
export { type CacheLocation, cacheDir } from './cache-dir.js';
export { CACHE_ERROR_CODES, type CacheErrorCode } from './error-codes.js';
export { formatBytes, formatEntry, formatPrune, formatStats, formatVerify } from './format.js';
export { keyId, MAX_KEY_LENGTH, validateKey } from './key.js';
export { CACHE_ARTIFACT_TYPE, OciRemote, type OciRemoteOptions } from './oci-remote.js';
export { type OpenCacheOptions, openCache } from './open-cache.js';
export type { RemoteEntry, RemoteStore } from './remote-store.js';
export type {
  CacheEntry,
  CacheStats,
  ExportReport,
  ImportReport,
  PruneOptions,
  PruneReport,
  PutOptions,
  StoredBlob,
  VerifyReport,
} from './types.js';
