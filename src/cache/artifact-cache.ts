import fs from 'node:fs';
import path from 'node:path';
import { InputError, ToolError } from '../errors/index.js';
import { fsError } from '../util/fs-errors.js';
import { adoptBlob, ensureDir, writeBlob } from './blob-store.js';
import { copyBlobOut } from './copy-out.js';
import { digestHex, keyId, validateKey } from './key.js';
import { StoreLayout } from './layout.js';
import { pruneStore } from './prune.js';
import { READ_CHUNK } from './read-chunk.js';
import { blobHexes, listDir, readRefFile, readRefOfKey, refFiles, touchRef, writeRef } from './ref-store.js';
import type { RemoteStore } from './remote-store.js';
import { exportEntries, importEntries } from './transfer.js';
import type {
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
import { verifyStore } from './verify.js';

/** How an {@link ArtifactCache} behaves beyond where it stores. */
export interface ArtifactCacheSettings {
  /** Where relative `file`/`dest` arguments are resolved; default the process's. */
  cwd?: string;
  /** The second store: `get` falls back to it and fills the local store, `put` also pushes to it. */
  remote?: RemoteStore;
  /** Remote failures are errors (CI that must publish) instead of warnings. */
  remoteRequired?: boolean;
  /** Receives warnings (a remote that is down, a damaged blob dropped); default: ignored. */
  warn?: (message: string) => void;
}

/**
 * A content-addressed store of files under keys. Safe for concurrent processes: every publication is a
 * rename of a complete file (blob first, then its key's ref), so a reader sees an old entry, a new one
 * or none, never a partial one; a process killed mid-put leaves at most a temp file for `verify`.
 */
export class ArtifactCache {
  readonly dir: string;
  private readonly layout: StoreLayout;
  private readonly cwd: string;
  private readonly warn: (message: string) => void;

  constructor(
    dir: string,
    private readonly settings: ArtifactCacheSettings = {},
  ) {
    this.dir = dir;
    this.layout = new StoreLayout(dir);
    this.cwd = settings.cwd ?? process.cwd();
    this.warn = settings.warn ?? (() => {});
  }

  /** The remote behind this cache, if any (its location is safe to print). */
  get remote(): RemoteStore | undefined {
    return this.settings.remote;
  }

  /** Stores a file's content as a blob (no key; `prune` collects it after a while unless a key names it). */
  async putFile(file: string): Promise<StoredBlob> {
    const source = this.resolve(file);
    return writeBlob(this.layout, openInput(source), source);
  }

  /** Stores `file` under `key` (and pushes it to the remote, if any). The mode defaults to the file's. */
  async put(key: string, file: string, options: PutOptions = {}): Promise<CacheEntry> {
    validateKey(key);
    const source = this.resolve(file);
    const mode = options.mode ?? statMode(source);
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o777)
      throw new InputError('CACHE_BAD_MODE', `mode: expected permission bits 0-0777, got ${mode}`, {
        field: 'mode',
      });
    const blob = await writeBlob(this.layout, openInput(source), source);
    const entry = writeRef(this.layout, {
      key,
      digest: blob.digest,
      size: blob.size,
      mode,
      createdAt: Date.now(),
    });
    const remote = this.settings.remote;
    if (remote !== undefined) {
      await this.remoteStep(`push ${key}`, () =>
        remote.push(key, this.layout.blob(digestHex(entry.digest)), entry),
      );
    }
    return entry;
  }

  /**
   * The entry of `key`, or undefined on a miss; records the use (for `prune`). With `dest`, the content
   * is copied there atomically with the entry's mode, and checked on the way: a blob whose bytes are
   * damaged is dropped (with a warning) and counts as a miss. A local miss asks the remote, if any, and
   * stores what it gets locally.
   */
  async get(key: string, dest?: string): Promise<CacheEntry | undefined> {
    validateKey(key);
    const target = dest === undefined ? undefined : this.resolve(dest);
    const local = this.localEntry(key);
    if (local !== undefined && (await this.deliver(local, target))) return local;
    const remote = this.settings.remote;
    if (remote === undefined) return undefined;
    const pulled = await this.remoteStep(`get ${key}`, () => this.pullInto(remote, key));
    if (pulled === undefined) return undefined;
    return (await this.deliver(pulled, target)) ? pulled : undefined;
  }

  /** True when `key` has an entry here (or, on a local miss, on the remote). Records no use. */
  async has(key: string): Promise<boolean> {
    validateKey(key);
    const local = readRefOfKey(this.layout, key);
    if (local !== undefined && fs.existsSync(this.layout.blob(digestHex(local.digest)))) return true;
    const remote = this.settings.remote;
    if (remote === undefined) return false;
    return (await this.remoteStep(`has ${key}`, () => remote.has(key))) ?? false;
  }

  /** Path of a stored blob's file (read-only; do not modify it), or undefined when it is not stored. */
  blobPath(digest: string): string | undefined {
    const file = this.layout.blob(digestHex(digest));
    return fs.existsSync(file) ? file : undefined;
  }

  /** Every local entry, sorted by key. */
  async list(): Promise<CacheEntry[]> {
    const entries: CacheEntry[] = [];
    for (const file of refFiles(this.layout)) {
      const result = readRefFile(file);
      if ('entry' in result) entries.push(result.entry);
    }
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Removes the key (not the remote's copy); true when it existed. Its blob goes at the next `prune`. */
  async remove(key: string): Promise<boolean> {
    validateKey(key);
    const file = this.layout.ref(keyId(key));
    try {
      fs.unlinkSync(file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw fsError(err, file, 'cannot remove cache entry');
    }
  }

  async stats(): Promise<CacheStats> {
    const named = new Set<string>();
    let entries = 0;
    for (const file of refFiles(this.layout)) {
      const result = readRefFile(file);
      if ('entry' in result) {
        entries += 1;
        named.add(digestHex(result.entry.digest));
      }
    }
    const stats: CacheStats = {
      dir: this.dir,
      ...(this.settings.remote === undefined ? {} : { remote: this.settings.remote.location }),
      entries,
      blobs: 0,
      blobBytes: 0,
      unreferencedBlobs: 0,
      unreferencedBytes: 0,
      tempFiles: listDir(this.layout.tmp).length,
    };
    for (const hex of blobHexes(this.layout)) {
      let size: number;
      try {
        size = fs.statSync(this.layout.blob(hex)).size;
      } catch {
        continue;
      }
      stats.blobs += 1;
      stats.blobBytes += size;
      if (!named.has(hex)) {
        stats.unreferencedBlobs += 1;
        stats.unreferencedBytes += size;
      }
    }
    return stats;
  }

  /** Re-hashes everything; drops corrupt blobs, dangling and unreadable refs, abandoned temp files. */
  async verify(): Promise<VerifyReport> {
    return verifyStore(this.layout);
  }

  /** Removes least recently used entries (see {@link PruneOptions}). */
  async prune(options: PruneOptions): Promise<PruneReport> {
    return pruneStore(this.layout, options);
  }

  /** Writes every local entry and its blob to a tar file (atomically). */
  async export(file: string): Promise<ExportReport> {
    return exportEntries(this.layout, await this.list(), this.resolve(file));
  }

  /** Adds the entries of a tar written by {@link export}, checking every blob against its digest. */
  async import(file: string): Promise<ImportReport> {
    return importEntries(this.layout, this.resolve(file));
  }

  private resolve(file: string): string {
    return path.resolve(this.cwd, file);
  }

  /** The local entry when its blob is present (a ref without its blob is a miss). */
  private localEntry(key: string): CacheEntry | undefined {
    const entry = readRefOfKey(this.layout, key);
    if (entry === undefined) return undefined;
    if (!fs.existsSync(this.layout.blob(digestHex(entry.digest)))) {
      this.warn(`cache entry ${key}: blob ${entry.digest} is missing (run verify); treated as a miss`);
      return undefined;
    }
    return entry;
  }

  /** Records the use and copies the content out; false when the blob turned out damaged (then dropped). */
  private async deliver(entry: CacheEntry, dest: string | undefined): Promise<boolean> {
    const blob = this.layout.blob(digestHex(entry.digest));
    const copied = dest === undefined ? 'copied' : await copyBlobOut(blob, dest, entry.mode, entry.digest);
    if (copied === 'missing') return false;
    if (copied === 'damaged') {
      fs.rmSync(blob, { force: true });
      this.warn(
        `cache entry ${entry.key}: blob ${entry.digest} was damaged and is dropped; treated as a miss`,
      );
      return false;
    }
    entry.usedAt = touchRef(this.layout, entry.key);
    return true;
  }

  /** Pulls `key` from the remote into the local store; undefined when the remote has no such key. */
  private async pullInto(remote: RemoteStore, key: string): Promise<CacheEntry | undefined> {
    const temp = this.layout.newTemp();
    ensureDir(this.layout.tmp);
    try {
      const meta = await remote.pull(key, temp);
      if (meta === undefined) return undefined;
      const blob = await adoptBlob(this.layout, temp, `${remote.location} ${key}`, meta.digest);
      return writeRef(this.layout, {
        key,
        digest: blob.digest,
        size: blob.size,
        mode: meta.mode,
        createdAt: meta.createdAt,
      });
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }

  /**
   * Runs a remote operation. A failure is a warning and `undefined` (a local hit or the local put stands;
   * a miss stays a miss), unless `remoteRequired`, when it is an error naming the remote.
   */
  private async remoteStep<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    const remote = this.settings.remote!;
    try {
      return await step();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (this.settings.remoteRequired) {
        throw new ToolError(
          'CACHE_REMOTE_FAILED',
          `remote ${remote.location}: ${what}: ${reason}`,
          { remote: remote.location, cause: err instanceof ToolError ? err.code : undefined },
          err instanceof ToolError ? err.exitCode : 2,
        );
      }
      this.warn(`remote ${remote.location}: ${what}: ${reason} (continuing with the local cache)`);
      return undefined;
    }
  }
}

function statMode(file: string): number {
  try {
    return fs.statSync(file).mode & 0o777;
  } catch (err) {
    throw fsError(err, file, 'cannot read');
  }
}

/** A file's bytes as a stream, with open errors in words (ENOENT, EISDIR, ...). */
async function* openInput(file: string): AsyncIterable<Uint8Array> {
  try {
    yield* fs.createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>;
  } catch (err) {
    throw fsError(err, file, 'cannot read');
  }
}
