import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { CompressStream } from 'zstd-napi';
import { InputError } from '../errors/index.js';
import { isWriteCompression, levelRange, WRITE_COMPRESSIONS, type WriteCompression } from './codecs.js';
import { LZMA_CHECK, type LzmaNativeStream, type LzmaOptions, lzmaNative } from './lzma-native.js';

/** Options of {@link createCompressor}. */
export interface CompressorOptions {
  /** The codec's level; its default when absent (see COMPRESSIONS). */
  level?: number;
}

/**
 * The kernel's own convention for xz data it decodes itself (scripts/Makefile.lib cmd_xzmisc, used by
 * usr/Makefile for the built-in initramfs: `xz --check=crc32 --lzma2=dict=1MiB`): a 1 MiB dictionary
 * keeps the decoder's allocation small at boot. With it, presets 6-9 give the same bytes (they
 * differ only in dictionary size).
 */
const XZ_DICT_SIZE = 1024 * 1024;

/**
 * Returns a Transform that compresses a newc stream; its output depends only on the input bytes,
 * `kind` and `level` (not on how the input is chunked):
 * - `gzip`: node:zlib with `gzip -n` semantics (mtime 0, no name, OS 3), level 0-9, default 6.
 * - `zstd`: one zstd frame, single-threaded, with a content checksum and no long-distance mode
 *   (like `zstd -19`), level 1-19, default 19 (window 8 MiB at most).
 * - `xz`: one .xz stream, single-threaded, CRC32 check, LZMA2 with a 1 MiB dictionary (like the
 *   kernel's `xz --check=crc32 --lzma2=dict=1MiB`), preset 0-9, default 6.
 * - `none`: a PassThrough.
 * Encoder failures are emitted as stream errors.
 *
 * Refuses any other kind (CPIO_UNSUPPORTED_COMPRESSION) and a level outside the kind's range
 * (CPIO_BAD_FIELD).
 *
 * @example pipeline(createCompressor('zstd'), fs.createWriteStream('initrd.img'))
 */
export function createCompressor(kind: WriteCompression, options: CompressorOptions = {}): Transform {
  if (!isWriteCompression(kind)) {
    throw new InputError(
      'CPIO_UNSUPPORTED_COMPRESSION',
      `compression: expected ${WRITE_COMPRESSIONS.slice(0, -1).join(', ')} or ${WRITE_COMPRESSIONS.at(-1)}, got ${JSON.stringify(kind)}`,
      { field: 'compression', actual: kind },
    );
  }
  const range = levelRange(kind);
  if (range === undefined) {
    if (options.level !== undefined) {
      throw new InputError(
        'CPIO_BAD_FIELD',
        `${kind} compression level: expected none, got ${options.level}`,
        {
          field: 'level',
          actual: options.level,
        },
      );
    }
    return new PassThrough();
  }
  const level = options.level ?? range.default;
  if (!Number.isInteger(level) || level < range.min || level > range.max) {
    throw new InputError(
      'CPIO_BAD_FIELD',
      `${kind} compression level: expected ${range.min} to ${range.max}, got ${level}`,
      { field: 'level', actual: level },
    );
  }
  switch (kind) {
    case 'gzip':
      return zlib.createGzip({ level });
    case 'zstd':
      // nbWorkers 0: zstd's multi-threaded format differs from the single-threaded one.
      return new CompressStream({
        compressionLevel: level,
        checksumFlag: true,
        enableLongDistanceMatching: false,
        nbWorkers: 0,
      });
    case 'xz':
      return new XzEncoder(level);
    case 'none':
      return new PassThrough();
  }
}

/**
 * liblzma's lzma_lzma_preset(level) with the dictionary replaced (lzma-native would let a `preset`
 * overwrite `dictSize`, so the preset is spelled out): the same as `xz --lzma2=preset=N,dict=1MiB`.
 */
function lzma2Options(level: number): LzmaOptions {
  const fast = level <= 3;
  return {
    dictSize: XZ_DICT_SIZE,
    lc: 3,
    lp: 0,
    pb: 2,
    mode: fast ? 1 : 2, // LZMA_MODE_FAST, LZMA_MODE_NORMAL
    mf: fast ? (level === 0 ? 0x03 : 0x04) : 0x14, // LZMA_MF_HC3, LZMA_MF_HC4, LZMA_MF_BT4
    niceLen: fast ? (level <= 1 ? 128 : 273) : level === 4 ? 16 : level === 5 ? 32 : 64,
    depth: fast ? ([4, 8, 24, 48][level] as number) : 0,
  };
}

/** A single-threaded liblzma stream encoder as a node:stream Transform. */
class XzEncoder extends Transform {
  private readonly lzma: LzmaNativeStream;
  private failure: Error | undefined;

  constructor(level: number) {
    super();
    this.lzma = new (lzmaNative().Stream)();
    this.lzma.bufferHandler = (buf, _processed, err) => {
      if (buf) this.push(buf);
      else if (buf === null && err) this.failure = err;
    };
    // CRC32: the kernel's lib/xz/xz_dec_stream.c knows only CRC32 and none (CRC64 fails).
    this.lzma.streamEncoder_([{ id: 'LZMA_FILTER_LZMA2', options: lzma2Options(level) }], LZMA_CHECK.crc32);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    // An empty chunk would tell lzma-native to finish the stream.
    if (chunk.length > 0) this.run(chunk);
    done(this.failure);
  }

  override _flush(done: TransformCallback): void {
    this.run(null);
    done(this.failure);
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    this.lzma.resetUnderlying();
    done(err);
  }

  private run(chunk: Buffer | null): void {
    try {
      this.lzma.code(chunk, false);
    } catch (err) {
      this.failure ??= err as Error;
    }
  }
}
