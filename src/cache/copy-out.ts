import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import { createAtomicWriteStream } from '../util/atomic-write.js';
import { fsError } from '../util/fs-errors.js';

/**
 * Copies a blob to `dest` through a temp file renamed on success, with exactly `mode`, hashing on the
 * way: when the bytes do not match `digest` nothing is written and this resolves false (a damaged blob).
 */
export async function copyBlobOut(
  blob: string,
  dest: string,
  mode: number,
  digest: string,
): Promise<boolean> {
  const out = createAtomicWriteStream(dest, { mode });
  const hash = createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(blob) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (!out.stream.write(chunk)) await once(out.stream, 'drain');
    }
  } catch (err) {
    await out.abort();
    throw fsError(err, blob, 'cannot read cached blob');
  }
  if (`sha256:${hash.digest('hex')}` !== digest) {
    await out.abort();
    return false;
  }
  await out.commit();
  return true;
}
