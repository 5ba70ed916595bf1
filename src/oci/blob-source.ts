import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fsError } from '../util/fs-errors.js';

/** A blob on disk to upload: its file, and its digest and size when already known. */
export interface BlobSource {
  path: string;
  digest: string;
  size: number;
}

/** Hashes a file by streaming it (never whole in memory): `{ digest: 'sha256:<hex>', size }`. */
export async function digestFile(file: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    throw fsError(error, file, 'cannot read');
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
