/** One key of the cache: the content it names and how to restore it. */
export interface CacheEntry {
  /** The key as given to `put` (see {@link validateKey} for the character set). */
  key: string;
  /** `sha256:<64 hex>` of the content. */
  digest: string;
  /** Content length in bytes. */
  size: number;
  /** Permission bits restored by `get` (e.g. `0o755`). */
  mode: number;
  /** When the entry was put, milliseconds since the epoch. */
  createdAt: number;
  /** When the entry was last put or got (what `prune` orders by), milliseconds since the epoch. */
  usedAt: number;
}

/** A blob stored by {@link ArtifactCache.putFile}. */
export interface StoredBlob {
  digest: string;
  size: number;
}

export interface CacheStats {
  /** The store's directory. */
  dir: string;
  /** The remote behind it (`oci://HOST/REPO`), if any. */
  remote?: string;
  entries: number;
  blobs: number;
  /** Bytes of all blobs (each stored once, however many keys name it). */
  blobBytes: number;
  /** Blobs no key names (left by `remove`, or stored by `putFile` alone); `prune` collects them. */
  unreferencedBlobs: number;
  unreferencedBytes: number;
  /** Temporary files of puts in progress or interrupted; `verify` removes the abandoned ones. */
  tempFiles: number;
}

export interface VerifyReport {
  /** Blobs re-hashed. */
  blobsChecked: number;
  /** Ref files read. */
  entriesChecked: number;
  /** Blobs whose bytes did not hash to their name: removed. */
  corruptBlobs: { digest: string; actual: string }[];
  /** Keys whose blob is missing (or was corrupt): removed. */
  danglingEntries: { key: string; digest: string }[];
  /** Ref files that could not be read as an entry: removed. */
  badRefs: { file: string; reason: string }[];
  /** Abandoned temporary files (a put killed midway): removed. */
  tempFilesRemoved: number;
  /** True when no blob or entry had to be dropped (removed temp files are housekeeping, not damage). */
  ok: boolean;
}

export interface PruneOptions {
  /** Remove least recently used entries until the named blobs total at most this many bytes. */
  maxSize?: number;
  /** Remove entries not used for this long (milliseconds). */
  olderThanMs?: number;
}

export interface PruneReport {
  /** Entries removed, least recently used first. */
  removed: CacheEntry[];
  /** Blobs deleted (named by no remaining key). */
  blobsDeleted: number;
  bytesFreed: number;
  /** Bytes of the blobs still stored. */
  bytesLeft: number;
}

export interface PutOptions {
  /** Permission bits to restore on `get`; default the source file's. */
  mode?: number;
}

export interface ExportReport {
  entries: number;
  blobs: number;
  bytes: number;
}

export interface ImportReport {
  entries: number;
  blobs: number;
}
