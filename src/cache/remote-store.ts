import type { CacheEntry } from './types.js';

/** What a remote says about a key it holds. */
export type RemoteEntry = Pick<CacheEntry, 'digest' | 'size' | 'mode' | 'createdAt'>;

/**
 * A second store behind the local one (an OCI registry: see `oci-remote.ts`). The cache calls it only
 * on a local miss (`pull`, `has`) and after a local put (`push`); whether its failures are warnings
 * or errors is the cache's decision (`remoteRequired`), not the remote's.
 */
export interface RemoteStore {
  /** Where it is, for messages (`oci://127.0.0.1:5000/rock-cache`); never carries credentials. */
  readonly location: string;
  /** True when the remote holds `key`. */
  has(key: string): Promise<boolean>;
  /**
   * Downloads the content of `key` into `file` (which must not exist), verified against the digest the
   * remote names; resolves that metadata, or undefined when the remote has no such key.
   */
  pull(key: string, file: string): Promise<RemoteEntry | undefined>;
  /** Uploads `file` (whose bytes are `entry.digest`) under `key`. */
  push(key: string, file: string, entry: CacheEntry): Promise<void>;
}
