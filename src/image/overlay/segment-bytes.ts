import {
  COMPRESSIONS,
  type Compression,
  createCompressor,
  type WriteCompression,
} from '../../compression/index.js';
import { assignInodes, makeReproducible, sortForArchive, type WriteEntry } from '../../cpio/index.js';
import { writeRecords } from '../write-archive.js';

/**
 * The zero bytes a segment starts with, so that it can follow `baseBytes` bytes of a base whose
 * last segment is `last`: four, which end an lz4 legacy stream (it has no end mark; the kernel's
 * unlz4 and our reader stop at a zero size word), then, for an uncompressed segment, enough to
 * start it on a multiple of 4 in the combined file, as the kernel requires. A compressed segment
 * may start anywhere, so it is what `cat`, GRUB and iPXE concatenations all accept alike.
 */
export function segmentPadding(baseBytes: number, last: Compression, compress: WriteCompression): number {
  const stop = last === 'lz4' ? 4 : 0;
  if (compress !== 'none') return stop;
  return stop + ((4 - ((baseBytes + stop) % 4)) % 4);
}

/** A node's segment as bytes: padding, then one newc archive, reproducible, compressed. */
export async function segmentBytes(
  entries: WriteEntry[],
  options: { compress: WriteCompression; padding: number; mtime: number },
): Promise<Buffer> {
  const prepared = assignInodes(
    makeReproducible(sortForArchive(entries), { mtime: options.mtime, uid: 0, gid: 0 }),
    {
      first: 1,
    },
  );
  // One thread: a segment is a few KiB, smaller than one parallel gzip block.
  const threads = COMPRESSIONS[options.compress].write.threads ? 1 : undefined;
  // The records go through the compressor as writeArchive sends them (writeRecords: the same
  // bytes), gathered from it directly: a stream pipeline would cost more than compressing a few KiB.
  const compressor = createCompressor(options.compress, { threads });
  const chunks: Buffer[] = [Buffer.alloc(options.padding)];
  compressor.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((done, fail) => {
    compressor.once('end', done);
    compressor.once('error', fail);
  });
  ended.catch(() => undefined); // awaited below, or the writer's error reported instead
  try {
    await writeRecords(compressor, prepared);
  } catch (err) {
    compressor.destroy();
    throw err;
  }
  await ended;
  return Buffer.concat(chunks);
}
