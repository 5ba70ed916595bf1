import { hexOffset } from '../errors/index.js';
import type { ByteSource } from './byte-source.js';
import { cpioError, type StreamPlace } from './errors.js';
import {
  checkMagic,
  HEADER_SIZE,
  pad4,
  parseHeader,
  quoteBytes,
  type RawHeader,
  TRAILER_NAME,
  typeOfMode,
} from './newc-header.js';
import type { CpioRecord, Info } from './types.js';

/** Limits one archive is read under, and whether file data is kept (see ReadOptions). */
export interface ArchiveLimits {
  maxNameSize: number;
  maxEntrySize: number;
  maxTotalSize: number;
  /** Consume file data chunk by chunk without assembling it; records then carry empty `data`. */
  skipData: boolean;
}

/** Bytes of cpio stream read so far over all segments, for the total cap. */
export interface Budget {
  total: number;
}

/** Archives ended so far over all segments (each TRAILER!!! ends one): numbers `origin.archive`. */
export interface ArchiveCounter {
  count: number;
}

/**
 * How one stream ends. `plain`: an uncompressed segment of the input; it ends right after its
 * TRAILER!!! record (what follows is the next segment). `compressed`: a whole decompressed segment;
 * after a trailer only NUL padding or another aligned archive may follow, and the stream must end
 * after a trailer: the kernel's "reset" state (init/initramfs.c flush_buffer and unpack_to_rootfs).
 */
export type StreamKind = 'plain' | 'compressed';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const EMPTY = new Uint8Array(0);

/**
 * Reads the records of one cpio stream from `src`. Offsets are `src.position - base`. Refuses every
 * malformed header, name or data with a typed error naming the offset; checks sizes against the
 * limits before reading, so a lying size field never causes a large allocation.
 */
export async function* readArchive(
  src: ByteSource,
  place: StreamPlace,
  limits: ArchiveLimits,
  base: number,
  kind: StreamKind,
  budget?: Budget,
  archives: ArchiveCounter = { count: 0 },
): AsyncGenerator<CpioRecord> {
  let records = 0;
  for (;;) {
    const offset = src.position - base;
    const start = src.position;
    if (!(await src.ensure(HEADER_SIZE))) {
      if (src.buffered === 0) {
        const got = kind === 'plain' ? 'end of input' : 'end of the decompressed stream';
        const expected = records === 0 ? 'a cpio header' : `a record named ${TRAILER_NAME}`;
        throw cpioError('CPIO_NO_TRAILER', place, offset, 'header', expected, got);
      }
      if (src.buffered >= 6) checkMagic(src.peek(6), place, offset);
      throw truncated(place, offset, kind, 'header', HEADER_SIZE, src.buffered);
    }
    const header = parseHeader(src.peek(HEADER_SIZE), place, offset);
    checkSizes(header, place, offset, limits);
    src.skip(HEADER_SIZE);

    const nameBytes = await takeOrThrow(
      src,
      pad4(HEADER_SIZE + header.namesize) - HEADER_SIZE,
      header.namesize,
      place,
      offset,
      kind,
      'name',
    );
    const name = decodeName(nameBytes, header.namesize, place, offset);
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
    // The kernel checks the sum of regular file data only (do_copy); GNU cpio writes 0 for symlinks.
    const summed = header.magic === '070702' && type === 'file';
    let data: Uint8Array = EMPTY;
    if (limits.skipData && type === 'file') {
      let sum = 0;
      const visit = summed
        ? (bytes: Uint8Array) => {
            sum = addBytes(sum, bytes);
          }
        : undefined;
      await discardOrThrow(src, header.filesize, place, offset, kind, visit);
      if (summed) verifySum(sum, header.check, place, offset);
    } else {
      const padded = await takeOrThrow(
        src,
        pad4(header.filesize),
        header.filesize,
        place,
        offset,
        kind,
        'data',
      );
      data = padded.subarray(0, header.filesize);
      if (summed) verifySum(addBytes(0, data), header.check, place, offset);
    }
    records++;
    if (budget) {
      budget.total += src.position - start;
      if (budget.total > limits.maxTotalSize) {
        throw cpioError(
          'CPIO_LIMIT',
          place,
          offset,
          'total size',
          `<= ${limits.maxTotalSize} bytes`,
          `${budget.total} bytes`,
        );
      }
    }

    if (type === undefined) {
      // A trailer ends one archive: the kernel forgets its hard-link table here (init/initramfs.c).
      archives.count += 1;
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
          quoteBytes(src.peek(Math.min(8, src.buffered))),
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
    yield {
      info: toInfo(header, name, type, data, place, offset),
      data: type === 'file' ? data : EMPTY,
      origin: {
        segment: place.segment,
        archive: archives.count,
        compression: place.compression,
        offset,
        segmentOffset: place.segmentOffset,
      },
    };
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
  src: ByteSource,
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

/**
 * Consumes `size` data bytes and their padding without assembling them: each piece is a view into one
 * decoded chunk, handed to `visit` and dropped, so memory stays at one chunk whatever `size` says.
 * Throws the same error as {@link takeOrThrow} when the stream ends first.
 */
async function discardOrThrow(
  src: ByteSource,
  size: number,
  place: StreamPlace,
  offset: number,
  kind: StreamKind,
  visit?: (bytes: Uint8Array) => void,
): Promise<void> {
  let got = 0;
  const total = pad4(size);
  while (got < total) {
    const piece = await src.nextChunk(total - got);
    if (piece === undefined) throw truncated(place, offset, kind, 'data', size, Math.min(got, size));
    // Only the first `size` bytes are data; the rest is NUL padding.
    if (visit && got < size) visit(piece.subarray(0, size - got));
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

function decodeName(bytes: Uint8Array, namesize: number, place: StreamPlace, offset: number): string {
  const raw = bytes.subarray(0, namesize);
  if (raw[namesize - 1] !== 0) {
    // The kernel calls this a "malformed archive" and stops (init/initramfs.c do_name).
    throw cpioError(
      'CPIO_NAME_NO_NUL',
      place,
      offset + HEADER_SIZE,
      'name',
      'a NUL as its last byte',
      quoteBytes(raw.subarray(Math.max(0, namesize - 16))),
    );
  }
  const text = raw.subarray(0, namesize - 1);
  if (text.includes(0)) {
    throw cpioError(
      'CPIO_BAD_FIELD',
      place,
      offset + HEADER_SIZE,
      'name',
      'no NUL before its end',
      quoteBytes(text),
    );
  }
  try {
    return utf8.decode(text);
  } catch {
    throw cpioError('CPIO_BAD_FIELD', place, offset + HEADER_SIZE, 'name', 'UTF-8', quoteBytes(text));
  }
}

/** Adds the bytes to a running 32-bit sum (070702's check field). */
function addBytes(sum: number, bytes: Uint8Array): number {
  let s = sum;
  for (let i = 0; i < bytes.length; i++) s = (s + bytes[i]!) >>> 0;
  return s;
}

function verifySum(sum: number, check: number, place: StreamPlace, offset: number): void {
  // 070702: the check field is the 32-bit sum of the data bytes (init/initramfs.c do_copy).
  if (sum !== check) {
    throw cpioError(
      'CPIO_BAD_CHECKSUM',
      place,
      offset + 102,
      'check',
      `0x${sum.toString(16)} (sum of the data bytes)`,
      `0x${check.toString(16)}`,
    );
  }
}

function toInfo(
  header: RawHeader,
  name: string,
  type: Info['type'],
  data: Uint8Array,
  place: StreamPlace,
  offset: number,
): Info {
  const info: Info = {
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
  if (type === 'symlink') {
    if (data.includes(0)) {
      throw cpioError(
        'CPIO_BAD_FIELD',
        place,
        offset,
        'linkTarget',
        'no NUL byte',
        quoteBytes(data.subarray(0, 64)),
      );
    }
    try {
      info.linkTarget = utf8.decode(data);
    } catch {
      throw cpioError(
        'CPIO_BAD_FIELD',
        place,
        offset,
        'linkTarget',
        'UTF-8',
        quoteBytes(data.subarray(0, 64)),
      );
    }
  }
  return info;
}
