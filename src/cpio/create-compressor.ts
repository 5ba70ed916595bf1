import { PassThrough, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { InputError } from '../errors/index.js';

/** Compression the writer can produce: what every kernel decodes, or nothing. */
export type WriteCompression = 'gzip' | 'none';

/**
 * Returns a Transform that compresses a newc stream. `gzip` is node:zlib's gzip with `gzip -n`
 * semantics: the header has mtime 0, no file name, OS 3 (unix), so the output depends only on the
 * input and `level` (default 6, gzip's default). `none` is a PassThrough.
 * Refuses any other kind (CPIO_UNSUPPORTED_COMPRESSION) and a level outside 0..9 (CPIO_BAD_FIELD).
 *
 * @example pipeline(createCompressor('gzip'), fs.createWriteStream('initrd.img'))
 */
export function createCompressor(kind: WriteCompression, options: { level?: number } = {}): Transform {
  if (kind === 'none') return new PassThrough();
  if (kind !== 'gzip') {
    throw new InputError(
      'CPIO_UNSUPPORTED_COMPRESSION',
      `compression: expected gzip or none, got ${JSON.stringify(kind)}`,
      {
        field: 'compression',
        actual: kind,
      },
    );
  }
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new InputError('CPIO_BAD_FIELD', `compression level: expected 0 to 9, got ${level}`, {
      field: 'level',
      actual: level,
    });
  }
  return zlib.createGzip({ level });
}
