import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CompressorOptions, createCompressor, type WriteCompression } from '../compression/index.js';
import { NewcWriter, type WriteEntry } from '../cpio/index.js';

/** Optional observers of {@link writeArchive}. */
export interface WriteArchiveHooks {
  /** Sees every entry just before it is written. */
  onEntry?: (index: number, entry: WriteEntry) => void;
  /**
   * Sees every output byte (after compression), e.g. to hash or verify the image while it is
   * written; a returned promise holds the output back until it settles (backpressure), and its
   * rejection fails the write. The chunk must not be modified.
   */
  onBytes?: (chunk: Buffer) => Promise<void> | undefined | void;
}

/** A compression with its encoder settings (level, threads; each codec's default when absent). */
export interface CompressionChoice extends CompressorOptions {
  compress: WriteCompression;
}

/**
 * Streams prepared entries as one newc archive, compressed, into `out`, honouring backpressure all
 * the way (file contents are read only as fast as the output drains). Resolves when `out` has
 * finished; rejects with the writer's typed error (a file that changed size, a name too long, ...).
 */
export async function writeArchive(
  entries: readonly WriteEntry[],
  out: NodeJS.WritableStream,
  compression: WriteCompression | CompressionChoice,
  hooks: WriteArchiveHooks = {},
): Promise<void> {
  const { compress, ...encoder } = typeof compression === 'string' ? { compress: compression } : compression;
  const compressor = createCompressor(compress, encoder);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const seen = hooks.onBytes?.(chunk);
      if (seen) seen.then(() => done(null, chunk), done);
      else done(null, chunk);
    },
  });
  const drained = pipeline(compressor, tap, out);
  // Keep the pipeline's rejection observed while the writer is still producing.
  drained.catch(() => undefined);
  try {
    await writeRecords(compressor, entries, hooks.onEntry);
  } catch (err) {
    compressor.destroy(err as Error);
    await drained.catch(() => undefined);
    throw err;
  }
  await drained;
}

/**
 * Writes `entries` as one newc archive into `compressor` (backpressure honoured) and ends it; the
 * caller takes the compressed bytes from it and destroys it when this rejects. The one writer loop
 * of {@link writeArchive} and of a node's segment (image/overlay/segment-bytes.ts).
 */
export async function writeRecords(
  compressor: NodeJS.WritableStream & { readonly writableEnded: boolean },
  entries: readonly WriteEntry[],
  onEntry?: (index: number, entry: WriteEntry) => void,
): Promise<void> {
  const writer = new NewcWriter(compressor);
  for (const [i, entry] of entries.entries()) {
    onEntry?.(i, entry);
    await writer.write(entry);
  }
  await writer.finish();
  if (!compressor.writableEnded) compressor.end();
}
