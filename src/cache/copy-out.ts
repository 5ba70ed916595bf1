import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import { createAtomicWriteStream } from '../util/atomic-write.js';
import { fsError } from '../util/fs-errors.js';
import { READ_CHUNK } from './read-chunk.js';

/**
 * Copies a blob to `dest` through a temp file renamed on success, with exactly `mode`, hashing on the
 * way. When the bytes do not match `digest` (`damaged`) or the blob is gone (`missing`: pruned by
 * another process meanwhile) nothing is written.
 */
export async function copyBlobOut(
  blob: string,
  dest: string,
  mode: number,
  digest: string,
): Promise<'copied' | 'damaged' | 'missing'> {
  const out = createAtomicWriteStream(dest, { mode });
  const hash = createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(blob, {
      highWaterMark: READ_CHUNK,
    }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (!out.stream.write(chunk)) await once(out.stream, 'drain');
    }
  } catch (err) {
    await out.abort();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw fsError(err, blob, 'cannot read cached blob');
  }
  if (`sha256:${hash.digest('hex')}` !== digest) {
    await out.abort();
    return 'damaged';
  }
  await out.commit();
  return 'copied';
}
