import type { Compression } from '../compression/index.js';
import { hexOffset } from '../errors/index.js';
import { type ArchiveCounter, type ArchiveLimits, type Budget, readArchive } from './archive-reader.js';
import { ByteSource } from './byte-source.js';
import { detectCompression } from './detect-compression.js';
import { cpioError, hexBytes, type StreamPlace } from './errors.js';
import { gunzipMember } from './gzip-segment.js';
import { unlz4Legacy } from './lz4-segment.js';
import type { SegmentDecoder } from './segment-decoder.js';
import type { CpioRecord } from './types.js';
import { unxzStream } from './xz-segment.js';
import { unzstdFrame } from './zstd-segment.js';

/** Options of {@link readRecords}; every limit has a safe default. */
export interface ReadOptions {
  /** File name used in messages (default `input`). */
  source?: string;
  /** Longest name including its NUL, and longest symlink target (default 4096 = PATH_MAX). */
  maxNameSize?: number;
  /** Largest data of one record (default 1 GiB). */
  maxEntrySize?: number;
  /** Largest total of cpio bytes over all segments, after decompression (default 8 GiB). */
  maxTotalSize?: number;
  /**
   * Largest decompressed/compressed ratio of one segment (default 2000), checked once a segment
   * has produced 16 MiB. Deflate cannot exceed about 1032:1, so gzip segments are bounded by the size
   * caps only; zstd and xz bombs (10^4 to 10^6:1 on zeros) stop here after 16 MiB.
   */
  maxRatio?: number;
  /**
   * Skip file data instead of assembling it (default false): records carry empty `data`, memory stays
   * at one decoded chunk whatever the file sizes. Sizes, truncation and 070702 sums are still checked
   * (the sum over the skipped chunks), and symlink targets are still read into `info.linkTarget`.
   * For listings.
   */
  skipData?: boolean;
}

const GiB = 1024 * 1024 * 1024;
const RATIO_FLOOR = 16 * 1024 * 1024;

const DECODERS: Partial<Record<Compression, SegmentDecoder>> = {
  gzip: gunzipMember,
  zstd: unzstdFrame,
  xz: unxzStream,
  lz4: unlz4Legacy,
};

/**
 * Reads every record of an initramfs image, streaming: memory stays bounded by the largest entry.
 * The input is what the kernel's unpack_to_rootfs accepts (init/initramfs.c): a sequence of NUL
 * padding, uncompressed newc archives (4-byte aligned, e.g. early microcode) and compressed ones
 * (gzip, zstd, xz, lz4 legacy; detected by magic, one member/frame/stream per segment). Each record
 * says where it was found (`origin`). Trailer records are not yielded.
 *
 * Refuses, with an InputError naming the offset: bad magic (CPIO_BAD_MAGIC, odc included), bad hex
 * (CPIO_BAD_FIELD), truncation (CPIO_TRUNCATED), missing trailer (CPIO_NO_TRAILER), junk or
 * misalignment (CPIO_JUNK), bad 070702 sums (CPIO_BAD_CHECKSUM), names without NUL or too long
 * (CPIO_NAME_NO_NUL, CPIO_NAME_TOO_LONG), bzip2/lzma/lzo (CPIO_UNSUPPORTED_COMPRESSION), corrupt
 * compressed data (CPIO_DECOMPRESS) and anything over the limits (CPIO_LIMIT).
 *
 * @example
 * for await (const { info, data } of readRecords(fs.createReadStream('initrd.img'), { source: 'initrd.img' })) {
 *   console.log(info.type, info.name, data.length);
 * }
 */
export async function* readRecords(
  input: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<CpioRecord> {
  const source = options.source ?? 'input';
  const limits: ArchiveLimits = {
    maxNameSize: options.maxNameSize ?? 4096,
    maxEntrySize: options.maxEntrySize ?? GiB,
    maxTotalSize: options.maxTotalSize ?? 8 * GiB,
    skipData: options.skipData ?? false,
  };
  const maxRatio = options.maxRatio ?? 2000;
  const budget: Budget = { total: 0 };
  const archives: ArchiveCounter = { count: 0 };
  const src = new ByteSource(input);
  let segment = 0;
  for (;;) {
    await src.skipZeros();
    if (await src.atEnd()) break;
    const segmentOffset = src.position;
    await src.ensure(8);
    const head = src.peek(Math.min(8, src.buffered));
    const kind = detectCompression(head);
    if (kind === 'cpio' || head[0] === 0x30) {
      const place: StreamPlace = { source, segment, compression: 'none', segmentOffset };
      if (segmentOffset % 4 !== 0) {
        // The kernel takes an unaligned '0' as the start of a compressed archive and fails.
        throw cpioError(
          'CPIO_JUNK',
          place,
          0,
          'segment',
          'an uncompressed archive to start at a 4-byte aligned offset',
          `one at ${hexOffset(segmentOffset)} (misaligned)`,
        );
      }
      yield* readArchive(src, place, limits, segmentOffset, 'plain', budget, archives);
    } else {
      const place: StreamPlace = {
        source,
        segment,
        compression: kind === 'unknown' ? 'none' : kind,
        segmentOffset,
      };
      const decoder = kind === 'unknown' ? undefined : DECODERS[kind];
      if (kind === 'unknown') {
        throw cpioError(
          'CPIO_BAD_MAGIC',
          place,
          0,
          'segment',
          'a cpio magic "070701" or a compression magic (gzip, zstd, xz, lz4, bzip2, lzma, lzo)',
          hexBytes(head),
        );
      }
      if (decoder === undefined) {
        throw cpioError(
          'CPIO_UNSUPPORTED_COMPRESSION',
          { ...place, compression: 'none' },
          0,
          'segment',
          'gzip, zstd, xz or lz4 (legacy) compression',
          `${kind} (not decoded by this tool; recompress with gzip, zstd or xz)`,
        );
      }
      const decoded = new ByteSource(
        capped(decoder(src, place), src, place, limits.maxTotalSize, maxRatio, budget),
      );
      try {
        yield* readArchive(decoded, place, limits, 0, 'compressed', undefined, archives);
      } finally {
        await decoded.close();
      }
    }
    segment++;
  }
  if (segment === 0) {
    const place: StreamPlace = { source, segment: 0, compression: 'none', segmentOffset: 0 };
    throw cpioError(
      'CPIO_TRUNCATED',
      place,
      src.position,
      'archive',
      'at least one cpio archive',
      src.position === 0 ? 'an empty input' : 'only NUL bytes',
    );
  }
}

/** Stops a decompressed segment at the total cap and at the ratio cap (compression bombs). */
async function* capped(
  chunks: AsyncGenerator<Uint8Array>,
  src: ByteSource,
  place: StreamPlace,
  maxTotal: number,
  maxRatio: number,
  budget: Budget,
): AsyncGenerator<Uint8Array> {
  let produced = 0;
  for await (const chunk of chunks) {
    produced += chunk.length;
    budget.total += chunk.length;
    if (budget.total > maxTotal) {
      throw cpioError(
        'CPIO_LIMIT',
        place,
        produced,
        'decompressed size',
        `<= ${maxTotal} bytes in total (maxTotalSize)`,
        `more than ${budget.total - chunk.length} bytes`,
      );
    }
    const compressed = Math.max(1, src.position - place.segmentOffset);
    if (produced > RATIO_FLOOR && produced > compressed * maxRatio) {
      throw cpioError(
        'CPIO_LIMIT',
        place,
        produced,
        'compression ratio',
        `<= ${maxRatio} (maxRatio)`,
        `${Math.floor(produced / compressed)} (${produced} bytes from ${compressed})`,
      );
    }
    yield chunk;
  }
}
