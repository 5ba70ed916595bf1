import { createRequire } from 'node:module';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { CompressStream } from 'zstd-napi';
import { InputError } from '../errors/index.js';

/**
 * Compression the writer can produce: none, or one a stock kernel unpacks (RD_GZIP, RD_ZSTD from
 * 5.9, RD_XZ), written the way the kernel's decoders accept.
 */
export type WriteCompression = 'gzip' | 'none' | 'zstd' | 'xz';

/** Levels each codec accepts, and the default used when none is given. */
export const COMPRESSION_LEVELS = {
  gzip: { min: 0, max: 9, default: 6 },
  // 19 is the highest level without --ultra: 20-22 raise the window to 32-128 MiB, which the kernel
  // must allocate at boot (19 keeps it at 8 MiB). Default 19, as initramfs-tools (dracut uses 15,
  // mkinitcpio 3). Measured here (2 cores) on the 9.6 MB boot image: 3 → 4.32 MB in 0.06 s, 9 → 3.66 MB
  // in 0.17 s, 15 → 3.62 MB in 1.2 s, 19 → 3.27 MB in 2.9 s (gzip -6: 4.32 MB); on a 52 MB tree
  // (python3.11): 3 → 14.7 MB, 19 → 11.1 MB in 17 s. An image is built once and booted (often
  // fetched) many times, and zstd decodes as fast at any level, so the 24% is worth seconds.
  zstd: { min: 1, max: 19, default: 19 },
  // xz presets; the dictionary is always 1 MiB (see XZ_DICT_SIZE). Default 6 as xz's own.
  xz: { min: 0, max: 9, default: 6 },
} as const;

/**
 * The kernel's own convention for xz data it decodes itself (scripts/Makefile.lib cmd_xzmisc, used by
 * usr/Makefile for the built-in initramfs: `xz --check=crc32 --lzma2=dict=1MiB`): a 1 MiB dictionary
 * keeps the decoder's allocation small at boot. With it, presets 6-9 give the same bytes (they
 * differ only in dictionary size).
 */
const XZ_DICT_SIZE = 1024 * 1024;
/** liblzma's lzma_check CRC32: lib/xz/xz_dec_stream.c knows only CRC32 and none (CRC64 fails). */
const LZMA_CHECK_CRC32 = 1;

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
export function createCompressor(kind: WriteCompression, options: { level?: number } = {}): Transform {
  if (kind === 'none') return new PassThrough();
  if (!Object.hasOwn(COMPRESSION_LEVELS, kind)) {
    throw new InputError(
      'CPIO_UNSUPPORTED_COMPRESSION',
      `compression: expected gzip, zstd, xz or none, got ${JSON.stringify(kind)}`,
      { field: 'compression', actual: kind },
    );
  }
  const range = COMPRESSION_LEVELS[kind];
  const level = options.level ?? range.default;
  if (!Number.isInteger(level) || level < range.min || level > range.max) {
    throw new InputError(
      'CPIO_BAD_FIELD',
      `${kind} compression level: expected ${range.min} to ${range.max}, got ${level}`,
      { field: 'level', actual: level },
    );
  }
  if (kind === 'gzip') return zlib.createGzip({ level });
  if (kind === 'zstd') {
    // nbWorkers 0: zstd's multi-threaded format differs from the single-threaded one.
    return new CompressStream({
      compressionLevel: level,
      checksumFlag: true,
      enableLongDistanceMatching: false,
      nbWorkers: 0,
    });
  }
  return new XzEncoder(level);
}

/** The part of lzma-native's native stream used here, driven synchronously (it ships no types). */
interface LzmaStream {
  bufferHandler: (
    buf: Uint8Array | null | undefined,
    processedChunks: number | undefined,
    err: Error | null | undefined,
  ) => void;
  streamEncoder_(filters: { id: string; options: LzmaOptions }[], check: number): void;
  code(chunk: Uint8Array | null, async: boolean): void;
  resetUnderlying(): void;
}

/** lzma_options_lzma as lzma-native reads it (src/util.cpp parseOptionsLZMA). */
interface LzmaOptions {
  dictSize: number;
  lc: number;
  lp: number;
  pb: number;
  mode: number;
  niceLen: number;
  mf: number;
  depth: number;
}

const require = createRequire(import.meta.url);
let LzmaNative: (new () => LzmaStream) | undefined;

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
  private readonly lzma: LzmaStream;
  private failure: Error | undefined;

  constructor(level: number) {
    super();
    LzmaNative ??= (require('lzma-native') as { Stream: new () => LzmaStream }).Stream;
    this.lzma = new LzmaNative();
    this.lzma.bufferHandler = (buf, _processed, err) => {
      if (buf) this.push(buf);
      else if (buf === null && err) this.failure = err;
    };
    this.lzma.streamEncoder_([{ id: 'LZMA_FILTER_LZMA2', options: lzma2Options(level) }], LZMA_CHECK_CRC32);
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
