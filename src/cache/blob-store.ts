import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CheckError } from '../errors/index.js';
import { fsError } from '../util/fs-errors.js';
import { makeDirs } from '../util/make-dirs.js';
import type { StoreLayout } from './layout.js';
import { READ_CHUNK } from './read-chunk.js';
import type { StoredBlob } from './types.js';

/** Blob files are read-only: a caller holding {@link StoreLayout.blob}'s path cannot edit the store by accident. */
const BLOB_MODE = 0o444;

/**
 * Streams `source` into a new temp file of the store while hashing it, fsyncs it and renames it to
 * `blobs/sha256/<ab>/<hex>`: a blob is visible only once complete. Renaming over an existing blob
 * of the same digest is harmless (same bytes) and repairs one that was damaged.
 *
 * With `expected`, a digest that differs writes nothing and throws CheckError CACHE_DIGEST_MISMATCH
 * naming `what`.
 */
export async function writeBlob(
  layout: StoreLayout,
  source: AsyncIterable<Uint8Array>,
  what: string,
  expected?: string,
): Promise<StoredBlob> {
  ensureDir(layout.tmp);
  const temp = layout.newTemp();
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(temp, 'wx', BLOB_MODE);
  } catch (err) {
    throw fsError(err, layout.tmp, 'cannot create a file in the cache');
  }
  const hash = createHash('sha256');
  let size = 0;
  try {
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        await handle.write(chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const digest = `sha256:${hash.digest('hex')}`;
    if (expected !== undefined && digest !== expected) {
      throw new CheckError(
        'CACHE_DIGEST_MISMATCH',
        `${what}: content: expected ${expected}, got ${digest} (nothing stored)`,
        { expected, actual: digest },
      );
    }
    const target = layout.blob(digest.slice(7));
    ensureDir(path.dirname(target));
    try {
      fs.renameSync(temp, target);
    } catch (err) {
      throw fsError(err, target, 'cannot store blob');
    }
    return { digest, size };
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** sha256 of a file's bytes, streamed. */
export async function hashFile(file: string): Promise<StoredBlob> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, {
    highWaterMark: READ_CHUNK,
  }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** Creates a store directory (and parents), turning a failure into a one-line InputError. */
export function ensureDir(dir: string): void {
  try {
    makeDirs(dir);
  } catch (err) {
    throw fsError(err, dir, 'cannot create directory');
  }
}

/**
 * Publishes a complete file already in the store's `tmp/` (a remote's download) as the blob `expected`,
 * after checking its bytes: a file that does not hash to `expected` is removed and refused.
 */
export async function adoptBlob(
  layout: StoreLayout,
  temp: string,
  what: string,
  expected: string,
): Promise<StoredBlob> {
  try {
    const blob = await hashFile(temp);
    if (blob.digest !== expected) {
      throw new CheckError(
        'CACHE_DIGEST_MISMATCH',
        `${what}: content: expected ${expected}, got ${blob.digest} (nothing stored)`,
        {
          expected,
          actual: blob.digest,
        },
      );
    }
    fs.chmodSync(temp, BLOB_MODE);
    const target = layout.blob(blob.digest.slice(7));
    ensureDir(path.dirname(target));
    fs.renameSync(temp, target);
    return blob;
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw fsError(err, temp, 'cannot store blob');
  }
}
