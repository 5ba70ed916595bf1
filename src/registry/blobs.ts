import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type ArtifactCache, openCache } from '../cache/index.js';
import type { CommandContext } from '../cli/context.js';
import { InputError } from '../errors/index.js';
import { makeDirs } from '../util/make-dirs.js';
import { blobKey, type ComponentId, formatId } from './types.js';

/**
 * The registry keeps no bytes of its own: a component's file lives in rock-cache's store under
 * {@link blobKey} (so `rock-cache prune` does not collect it while catalogued).
 */
export function openBlobs(context: Pick<CommandContext, 'env' | 'home' | 'cwd'>): ArtifactCache {
  return openCache({ env: context.env, home: context.home, cwd: context.cwd });
}

/** Stores `file` for `id`; returns its digest and size. */
export async function storeBlob(
  cache: ArtifactCache,
  id: ComponentId,
  file: string,
): Promise<{ digest: string; size: number }> {
  const entry = await cache.put(blobKey(id), file);
  return { digest: entry.digest, size: entry.size };
}

/** The store's file for a component's digest; {@link missingBlob} when it was pruned. */
export function blobFile(cache: ArtifactCache, id: ComponentId, digest: string): string {
  const file = cache.blobPath(digest);
  if (file === undefined) throw missingBlob(cache, id, digest);
  return file;
}

/** REGISTRY_BLOB_MISSING (exit 2): the catalogue names bytes the cache no longer has. */
export function missingBlob(cache: ArtifactCache, id: ComponentId, digest: string): InputError {
  return new InputError(
    'REGISTRY_BLOB_MISSING',
    `${formatId(id)}: blob ${digest} is not in the cache ${cache.dir} (pruned?); pull or add it again`,
    { component: formatId(id), digest, cache: cache.dir },
  );
}

/**
 * A scratch directory inside the store's `tmp/` (same filesystem as the blobs, so a pull never
 * copies across devices), named `<pid>-<16 hex>` like the cache's own temp files: `rock-cache verify`
 * leaves it alone while this process lives and removes it if the process was killed.
 */
export function scratchDir(cache: ArtifactCache): string {
  const tmp = path.join(cache.dir, 'tmp');
  makeDirs(tmp);
  const dir = path.join(tmp, `${process.pid}-${randomBytes(8).toString('hex')}`);
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}
