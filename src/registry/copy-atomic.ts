import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createAtomicWriteStream } from '../util/atomic-write.js';

/** Copies `source` to `target` through a temporary file renamed on success, with exact `mode`. */
export async function copyAtomic(source: string, target: string, mode: number): Promise<void> {
  const out = createAtomicWriteStream(target, { mode });
  try {
    await pipeline(fs.createReadStream(source), out.stream);
  } catch (error) {
    await out.abort();
    throw error;
  }
  await out.commit();
}
