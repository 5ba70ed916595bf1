import { hexOffset } from '../errors/index.js';
import { decodeName } from '../util/byte-names.js';
import { quoteInput } from '../util/quote-input.js';
import type { SequentialSource } from '../util/sequential-source.js';
import { type EntryContent, NO_CONTENT, StreamedContent } from './entry-content.js';
import { cpioError, type StreamPlace } from './errors.js';
import {
  checkMagic,
  HEADER_SIZE,
  pad4,
  parseHeader,
  type RawHeader,
  TRAILER_NAME,
  typeOfMode,
} from './newc-header.js';
import type { SizeBudget } from './size-budget.js';
import type { ArchiveEntry, Info } from './types.js';

/** Limits one input is read under (see ReadOptions). */
export interface ArchiveLimits {
  maxNameSize: number;
  maxEntrySize: number;
}

/**
 * How one stream ends. `plain`: an uncompressed segment of the input; it ends right after its
 * TRAILER!!! record (what follows is the next segment). `compressed`: a whole decompressed segment;
 * after a trailer only NUL padding or another aligned archive may follow, and the stream must end
 * after a trailer: the kernel's "reset" state (init/initramfs.c flush_buffer and unpack_to_rootfs).
 */
export type StreamKind = 'plain' | 'compressed';

/** State shared by every segment of one input. */
export interface InputState {
  limits: ArchiveLimits;
  /** Plain segments charge their records here (compressed ones charge decoded chunks). */
  budget: SizeBudget;
  /** Archives ended so far (each TRAILER!!! ends one): numbers `origin.archive`. */
  archives: number;
}

/** What {@link readArchive} reads: one stream of cpio bytes and where it lives. */
export interface ArchiveStream {
  src: SequentialSource;
  place: StreamPlace;
  kind: StreamKind;
  /** `src.position` at the stream's start: offsets in messages are `src.position - base`. */
  base: number;
  state: InputState;
}

/**
 * Reads the entries of one cpio stream. Refuses every malformed header, name or data with a typed
 * error naming the offset; checks sizes against the limits before reading, so a lying size field
 * never causes a large allocation. File data is handed out lazily ({@link EntryContent}) and
 * skipped when the consumer does not read it.
 */
export async function* readArchive(stream: ArchiveStream): AsyncGenerator<ArchiveEntry> {
  const { src, place, kind, base, state } = stream;
  let records = 0;
  for (;;) {
    const offset = src.position - base;
    // Buffered bytes are taken without awaiting: a promise per field costs more than the parsing.
    if (src.buffered < HEADER_SIZE && !(await src.ensure(HEADER_SIZE))) {
      if (src.buffered === 0) {
        const got = kind === 'plain' ? 'end of input' : 'end of the decompressed stream';
        const expected = records === 0 ? 'a cpio header' : `a record named ${TRAILER_NAME}`;
        throw cpioError('CPIO_NO_TRAILER', place, offset, 'header', expected, got);
      }
      if (src.buffered >= 6) checkMagic(src.peek(6), place, offset);
      throw truncated(place, offset, kind, 'header', HEADER_SIZE, src.buffered);
    }
    const header = parseHeader(src.peek(HEADER_SIZE), place, offset);
    checkSizes(header, place, offset, state.limits);
    const namePadded = pad4(HEADER_SIZE + header.namesize) - HEADER_SIZE;
    if (kind === 'plain')
      state.budget.charge(HEADER_SIZE + namePadded + pad4(header.filesize), place, offset);
    src.skip(HEADER_SIZE);

    const nameBytes =
      src.buffered >= namePadded
        ? src.takeBuffered(namePadded)
        : await takeOrThrow(src, namePadded, header.namesize, place, offset, kind, 'name');
    const name = nameOf(nameBytes.subarray(0, header.namesize), place, offset);
    const type = name === TRAILER_NAME ? undefined : typeOfMode(header.mode);
    if (type === undefined && name !== TRAILER_NAME) {
      throw cpioError(
        'CPIO_BAD_FIELD',
        place,
        offset + 14,
        'mode',
        'a file type in the S_IFMT bits',
        `0o${header.mode.toString(8)}`,
      );
    }
    if (type !== undefined && type !== 'file' && type !== 'symlink' && header.filesize !== 0) {
      throw cpioError(
        'CPIO_BAD_FIELD',
        place,
        offset + 54,
        'filesize',
        `0 for a ${type}`,
        String(header.filesize),
      );
    }
    records++;

    if (type === undefined) {
      // The trailer's body (normally empty) is skipped like any other.
      await discard(src, header.filesize, place, offset, kind);
      // A trailer ends one archive: the kernel forgets its hard-link table here (init/initramfs.c).
      state.archives += 1;
      if (kind === 'plain') return;
      // Inside a compressed segment: NUL padding, then the end or another archive (the kernel's Reset state).
      await src.skipZeros();
      if (await src.atEnd()) return;
      const next = src.position - base;
      const byte = src.peek(1)[0];
      if (byte !== 0x30) {
        throw cpioError(
          'CPIO_JUNK',
          place,
          next,
          'after trailer',
          'NUL padding, a cpio header or the end (kernel: "junk within compressed archive")',
          quoteInput(src.peek(Math.min(8, src.buffered))),
        );
      }
      if (next % 4 !== 0) {
        throw cpioError(
          'CPIO_JUNK',
          place,
          next,
          'after trailer',
          'a cpio header at a 4-byte aligned offset (kernel: "broken padding")',
          `a header at ${hexOffset(next)}`,
        );
      }
      records = 0;
      continue;
    }
    const info = toInfo(header, name, type);
    let content: EntryContent = NO_CONTENT;
    let streamed: StreamedContent | undefined;
    if (type === 'symlink') {
      const body = await takeOrThrow(
        src,
        pad4(header.filesize),
        header.filesize,
        place,
        offset,
        kind,
        'data',
      );
      info.linkTarget = linkTargetOf(body.subarray(0, header.filesize));
    } else if (type === 'file') {
      // The kernel checks the sum of regular file data only (do_copy); GNU cpio writes 0 for symlinks.
      const check = header.magic === '070702' ? header.check : undefined;
      streamed = new StreamedContent(
        src,
        header.filesize,
        {
          truncated: (got) => truncated(place, offset, kind, 'data', header.filesize, got),
          badSum: (sum) => badSum(sum, header.check, place, offset),
        },
        check,
      );
      content = streamed;
    }
    yield {
      info,
      content,
      origin: {
        segment: place.segment,
        archive: state.archives,
        compression: place.compression,
        offset,
        segmentOffset: place.segmentOffset,
      },
    };
    if (streamed !== undefined && !streamed.finishNow()) await streamed.finish();
  }
}

function checkSizes(header: RawHeader, place: StreamPlace, offset: number, limits: ArchiveLimits): void {
  if (header.namesize === 0) {
    throw cpioError(
      'CPIO_BAD_FIELD',
      place,
      offset + 94,
      'namesize',
      `1 to ${limits.maxNameSize} (the name and its NUL)`,
      '0',
    );
  }
  if (header.namesize > limits.maxNameSize) {
    throw cpioError(
      'CPIO_NAME_TOO_LONG',
      place,
      offset + 94,
      'namesize',
      `<= ${limits.maxNameSize}`,
      String(header.namesize),
    );
  }
  if (header.filesize > limits.maxEntrySize) {
    throw cpioError(
      'CPIO_LIMIT',
      place,
      offset + 54,
      'filesize',
      `<= ${limits.maxEntrySize} (maxEntrySize)`,
      String(header.filesize),
    );
  }
  if ((header.mode & 0o170000) === 0o120000 && header.filesize > limits.maxNameSize) {
    // The kernel skips symlinks whose target is longer than PATH_MAX (init/initramfs.c do_header).
    throw cpioError(
      'CPIO_NAME_TOO_LONG',
      place,
      offset + 54,
      'filesize',
      `<= ${limits.maxNameSize} for a symlink target`,
      String(header.filesize),
    );
  }
}

/** Takes `n` bytes (`want` of them meaningful, the rest padding) or throws naming `want`. */
async function takeOrThrow(
  src: SequentialSource,
  n: number,
  want: number,
  place: StreamPlace,
  offset: number,
  kind: StreamKind,
  field: string,
): Promise<Uint8Array> {
  const got = await src.take(n);
  if (typeof got === 'number') throw truncated(place, offset, kind, field, want, Math.min(got, want));
  return got;
}

/** Consumes `size` bytes and their padding without keeping them. */
async function discard(
  src: SequentialSource,
  size: number,
  place: StreamPlace,
  offset: number,
  kind: StreamKind,
) {
  let got = 0;
  const total = pad4(size);
  while (got < total) {
    const piece = await src.nextChunk(total - got);
    if (piece === undefined) throw truncated(place, offset, kind, 'data', size, Math.min(got, size));
    got += piece.length;
  }
}

function truncated(
  place: StreamPlace,
  offset: number,
  kind: StreamKind,
  field: string,
  want: number,
  got: number,
) {
  if (kind === 'compressed') {
    // One archive split over two compressed members: the kernel says exactly this and refuses it.
    return cpioError(
      'CPIO_JUNK',
      place,
      offset,
      field,
      `${want} bytes before the end of the segment`,
      `${got} (kernel: "junk at the end of compressed archive": a compressed segment must end after a trailer)`,
    );
  }
  return cpioError('CPIO_TRUNCATED', place, offset, field, `${want} bytes`, `${got} before the end of input`);
}

/**
 * The name as the kernel reads it (init/initramfs.c do_name): the last byte must be NUL, and the name
 * is what comes before the first NUL (gen_init_cpio -a pads names with NULs to align data). The
 * bytes are kept exactly ({@link decodeName}).
 */
function nameOf(raw: Uint8Array, place: StreamPlace, offset: number): string {
  if (raw[raw.length - 1] !== 0) {
    // The kernel calls this a "malformed archive" and stops.
    throw cpioError(
      'CPIO_NAME_NO_NUL',
      place,
      offset + HEADER_SIZE,
      'name',
      'a NUL as its last byte',
      quoteInput(raw.subarray(Math.max(0, raw.length - 16))),
    );
  }
  return decodeName(raw.subarray(0, raw.indexOf(0)));
}

/**
 * A symlink target as the kernel's do_symlink takes it: up to the first NUL (gen_init_cpio stores the
 * target with its NUL, filesize = length + 1), bytes kept exactly.
 */
function linkTargetOf(body: Uint8Array): string {
  const nul = body.indexOf(0);
  return decodeName(nul < 0 ? body : body.subarray(0, nul));
}

function badSum(sum: number, check: number, place: StreamPlace, offset: number) {
  // 070702: the check field is the 32-bit sum of the data bytes (init/initramfs.c do_copy).
  return cpioError(
    'CPIO_BAD_CHECKSUM',
    place,
    offset + 102,
    'check',
    `0x${sum.toString(16)} (sum of the data bytes)`,
    `0x${check.toString(16)}`,
  );
}

function toInfo(header: RawHeader, name: string, type: Info['type']): Info {
  return {
    name,
    type,
    perm: header.mode & 0o7777,
    uid: header.uid,
    gid: header.gid,
    mtime: header.mtime,
    ino: header.ino,
    nlink: header.nlink,
    devMajor: header.devmajor,
    devMinor: header.devminor,
    rdevMajor: header.rdevmajor,
    rdevMinor: header.rdevminor,
    size: header.filesize,
  };
}
