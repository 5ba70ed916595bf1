import type { Compression } from '../compression/index.js';
import { REFUSED_HEAD, refusedFormat } from '../compression/refused-formats.js';
import { hexOffset } from '../errors/index.js';
import { SequentialSource } from '../util/sequential-source.js';
import { type ArchiveLimits, type InputState, readArchive } from './archive-reader.js';
import { detectCompression } from './detect-compression.js';
import { cpioError, hexBytes, type StreamPlace } from './errors.js';
import { PATH_MAX } from './newc-header.js';
import type { SegmentDecoder } from './segment-decoder.js';
import { SizeBudget } from './size-budget.js';
import type { ArchiveEntry, CpioRecord } from './types.js';

/** Options of {@link readEntries} and {@link readRecords}; every limit has a safe default. */
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
   * {@link readRecords} only: skip file data instead of assembling it (default false): records carry
   * empty `data`. Sizes, truncation and 070702 sums are still checked. ({@link readEntries} never
   * assembles anything it is not asked for.)
   */
  skipData?: boolean;
}

const GiB = 1024 * 1024 * 1024;
const RATIO_FLOOR = 16 * 1024 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * A decoder for every compression the kernel's decompress_method() knows, each module loaded when a
 * segment first needs it (listing a plain or gzip image never loads the bzip2, lzo or xz code).
 */
const DECODERS: Record<Exclude<Compression, 'none'>, () => Promise<SegmentDecoder>> = {
  gzip: async () => (await import('./gzip-segment.js')).gunzipMember,
  zstd: async () => (await import('./zstd-segment.js')).unzstdFrame,
  xz: async () => (await import('./xz-segment.js')).unxzStream,
  lzma: async () => (await import('./xz-segment.js')).unlzmaStream,
  lz4: async () => (await import('./lz4-segment.js')).unlz4Legacy,
  bzip2: async () => (await import('./bzip2-segment.js')).bunzip2Stream,
  lzo: async () => (await import('./lzo-segment.js')).unlzopStream,
};

/**
 * Reads every entry of an initramfs image, streaming: file data is handed out lazily
 * ({@link ArchiveEntry.content}) and skipped when not read, so memory stays at one decoded chunk
 * whatever the file sizes. The input is what the kernel's unpack_to_rootfs accepts
 * (init/initramfs.c): a sequence of NUL padding, uncompressed newc archives (4-byte aligned, e.g.
 * early microcode) and compressed ones (detected by magic, one member/frame/stream per segment).
 * Trailer records are not yielded.
 *
 * Refuses, with an InputError naming the offset: bad magic (CPIO_BAD_MAGIC, odc included), formats
 * that are no initramfs (CPIO_UNSUPPORTED_FORMAT: binary cpio, afio, LZ4 frame, .Z, lzip, tar, zip),
 * bad hex (CPIO_BAD_FIELD), truncation (CPIO_TRUNCATED), missing trailer (CPIO_NO_TRAILER), junk or
 * misalignment (CPIO_JUNK), bad 070702 sums (CPIO_BAD_CHECKSUM), names without NUL or too long
 * (CPIO_NAME_NO_NUL, CPIO_NAME_TOO_LONG), corrupt compressed data (CPIO_DECOMPRESS) and anything over the
 * limits (CPIO_LIMIT).
 *
 * @example
 * for await (const { info, content } of readEntries(fs.createReadStream('initrd.img'))) {
 *   if (info.name === 'etc/hostname') console.log(Buffer.from(await content.bytes()).toString());
 * }
 */
export async function* readEntries(
  input: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<ArchiveEntry> {
  for await (const batch of readEntryBatches(input, options)) yield* batch;
}

/**
 * {@link readEntries} in batches, for consumers of many small records (listing, verifying 400,000
 * entries): each batch holds the records parsed from the bytes at hand without a promise between
 * them. The same rules apply per entry: read an entry's content before moving to the next one (a
 * batch's last entry may stream its data; it is skipped once the next batch is asked for). An error
 * comes after the batch of entries before it.
 *
 * @example
 * for await (const batch of readEntryBatches(fs.createReadStream('initrd.img')))
 *   for (const { info } of batch) console.log(info.name);
 */
export async function* readEntryBatches(
  input: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<ArchiveEntry[]> {
  const source = options.source ?? 'input';
  const limits: ArchiveLimits = {
    maxNameSize: options.maxNameSize ?? PATH_MAX,
    maxEntrySize: options.maxEntrySize ?? GiB,
  };
  const maxRatio = options.maxRatio ?? 2000;
  const state: InputState = { limits, budget: new SizeBudget(options.maxTotalSize ?? 8 * GiB), archives: 0 };
  const src = new SequentialSource(input);
  let segment = 0;
  for (;;) {
    await src.skipZeros();
    if (await src.atEnd()) break;
    const segmentOffset = src.position;
    await src.ensure(REFUSED_HEAD);
    const head = src.peek(Math.min(REFUSED_HEAD, src.buffered));
    const kind = detectCompression(head);
    if (kind === 'cpio' || (head[0] === 0x30 && refusedFormat(head) === undefined)) {
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
      yield* readArchive({ src, place, kind: 'plain', base: segmentOffset, state });
    } else {
      const place: StreamPlace = {
        source,
        segment,
        compression: kind === 'unknown' ? 'none' : kind,
        segmentOffset,
      };
      if (kind === 'unknown') throw unknownFormat(place, head);
      const decoder = await DECODERS[kind]();
      const decoded = new SequentialSource(capped(decoder(src, place), src, place, maxRatio, state.budget));
      try {
        yield* readArchive({ src: decoded, place, kind: 'compressed', base: 0, state });
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

/**
 * {@link readEntries} with each file's data assembled into `data` (or skipped with `skipData`):
 * for small images, tests and callers that want every byte. Memory grows with the largest file.
 */
export async function* readRecords(
  input: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<CpioRecord> {
  for await (const { info, content, origin } of readEntries(input, options)) {
    const data = options.skipData === true ? EMPTY : await content.bytes();
    yield { info, data, origin };
  }
}

function unknownFormat(place: StreamPlace, head: Uint8Array) {
  const refused = refusedFormat(head);
  if (refused !== undefined) {
    return cpioError(
      'CPIO_UNSUPPORTED_FORMAT',
      place,
      0,
      'segment',
      'a cpio newc archive, plain or compressed as the kernel reads it',
      refused.hint === undefined ? refused.name : `${refused.name}; ${refused.hint}`,
    );
  }
  return cpioError(
    'CPIO_BAD_MAGIC',
    place,
    0,
    'segment',
    'a cpio magic "070701" or a compression magic (gzip, zstd, xz, lz4, bzip2, lzma, lzo)',
    hexBytes(head.subarray(0, 8)),
  );
}

/** Charges a decompressed segment to the size budget and stops it at the ratio cap (bombs). */
async function* capped(
  chunks: AsyncGenerator<Uint8Array>,
  src: SequentialSource,
  place: StreamPlace,
  maxRatio: number,
  budget: SizeBudget,
): AsyncGenerator<Uint8Array> {
  let produced = 0;
  for await (const chunk of chunks) {
    produced += chunk.length;
    budget.charge(chunk.length, place, produced);
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
