import { createRequire } from 'node:module';
import os from 'node:os';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { InputError } from '../errors/index.js';
import {
  COMPRESSIONS,
  isWriteCompression,
  levelRange,
  WRITE_COMPRESSIONS,
  type WriteCompression,
} from './codecs.js';
import { Lz4LegacyEncoder } from './lz4-legacy-encoder.js';
import { LZMA_CHECK, type LzmaNativeStream, type LzmaOptions, lzmaNative } from './lzma-native.js';
import { ParallelGzip } from './parallel-gzip.js';

const require = createRequire(import.meta.url);
/** zstd-napi (a native binding), loaded on the first zstd output: gzip and the rest never need it. */
const zstd = (): typeof import('zstd-napi') => require('zstd-napi') as typeof import('zstd-napi');

/** Options of {@link createCompressor}. */
export interface CompressorOptions {
  /** The codec's level; its default when absent (see COMPRESSIONS). */
  level?: number;
  /**
   * Encoder threads for gzip and zstd (default: the machine's cores); the output is the same for
   * every value. The other codecs are written on one thread and accept only 1.
   */
  threads?: number;
}

/** More threads than this is a typo, not a machine. */
const MAX_THREADS = 256;

/**
 * The kernel's own convention for xz data it decodes itself (scripts/Makefile.lib cmd_xzmisc, used by
 * usr/Makefile for the built-in initramfs: `xz --check=crc32 --lzma2=dict=1MiB`): a 1 MiB dictionary
 * keeps the decoder's allocation small at boot. With it, presets 6-9 give the same bytes (they
 * differ only in dictionary size).
 */
const XZ_DICT_SIZE = 1024 * 1024;

/**
 * Returns a Transform that compresses a newc stream; its output depends only on the input bytes,
 * `kind` and `level` (not on how the input is chunked, nor on `threads`):
 * - `gzip`: one gzip member with `gzip -n` semantics (mtime 0, no name, OS 3), written pigz's way
 *   on `threads` worker threads (see ParallelGzip), level 0-9, default 6.
 * - `zstd`: one zstd frame with a content checksum and no long-distance mode, written by zstd's
 *   own multi-threaded encoder with `threads` workers (its output is the same for any number of
 *   workers), level 1-19, default 19 (window 8 MiB at most; 3 is the fast choice).
 * - `xz`: one .xz stream, single-threaded, CRC32 check, LZMA2 with a 1 MiB dictionary (like the
 *   kernel's `xz --check=crc32 --lzma2=dict=1MiB`), preset 0-9, default 6.
 * - `lz4`: lz4 legacy frames (`lz4 -l`, the kernel's only lz4 format), level 1-9, default 1.
 * - `none`: a PassThrough.
 * Encoder failures are emitted as stream errors.
 *
 * Refuses any other kind (CPIO_UNSUPPORTED_COMPRESSION), a level outside the kind's range and
 * threads that are not a whole number from 1 to 256, or above 1 for a single-threaded codec
 * (CPIO_BAD_FIELD).
 *
 * @example pipeline(createCompressor('zstd', { level: 3 }), fs.createWriteStream('initrd.img'))
 */
export function createCompressor(kind: WriteCompression, options: CompressorOptions = {}): Transform {
  if (!isWriteCompression(kind)) {
    throw new InputError(
      'CPIO_UNSUPPORTED_COMPRESSION',
      `compression: expected ${WRITE_COMPRESSIONS.slice(0, -1).join(', ')} or ${WRITE_COMPRESSIONS.at(-1)}, got ${JSON.stringify(kind)}`,
      { field: 'compression', actual: kind },
    );
  }
  const threads = checkThreads(kind, options.threads);
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
      return new ParallelGzip(level, threads);
    case 'zstd':
      // Always at least one worker: zstd's multi-threaded output is the same for any number of
      // workers, but differs from its single-threaded (nbWorkers 0) output.
      return new (zstd().CompressStream)({
        compressionLevel: level,
        checksumFlag: true,
        enableLongDistanceMatching: false,
        nbWorkers: threads,
      });
    case 'xz':
      return new XzEncoder(level);
    case 'lz4':
      return new Lz4LegacyEncoder(level);
    case 'none':
      return new PassThrough();
  }
}

function checkThreads(kind: WriteCompression, threads: number | undefined): number {
  if (threads === undefined) return COMPRESSIONS[kind].write.threads ? os.availableParallelism() : 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new InputError(
      'CPIO_BAD_FIELD',
      `threads: expected a whole number from 1 to ${MAX_THREADS}, got ${threads}`,
      {
        field: 'threads',
        actual: threads,
      },
    );
  }
  if (threads > 1 && !COMPRESSIONS[kind].write.threads) {
    throw new InputError(
      'CPIO_BAD_FIELD',
      `threads: ${kind} is written on one thread: expected 1, got ${threads}`,
      {
        field: 'threads',
        actual: threads,
      },
    );
  }
  return threads;
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
