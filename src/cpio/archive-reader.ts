import { hexOffset } from '../errors/index.js';
import { decodeNameAt } from '../util/byte-names.js';
import { quoteInput } from '../util/quote-input.js';
import type { SequentialSource } from '../util/sequential-source.js';
import { addBytes, BufferedContent, NO_CONTENT, StreamedContent } from './entry-content.js';
import { cpioError, type StreamPlace } from './errors.js';
import {
  checkMagic,
  FIELD,
  FIELD_COUNT,
  HEADER_SIZE,
  pad4,
  readHeaderFields,
  TRAILER_NAME,
  typeOfMode,
} from './newc-header.js';
import type { SizeBudget } from './size-budget.js';
import type { ArchiveEntry, Info } from './types.js';

/**
 * Most entries in one batch: enough to make the per-batch await negligible, few enough that a batch
 * dies young (a large one outlives two scavenges and fills the old generation with garbage).
 */
const MAX_BATCH = 256;

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
 * What {@link parseBuffered} found besides an entry (which it returns itself: no step object per
 * record): the end of an archive, or how many bytes it needs.
 */
const NEED = 0;
const TRAILER = 1;

/** Per-stream state of {@link parseBuffered}, and what it reports besides the entry it returns. */
interface ParseState {
  /** Records of the current archive so far. */
  records: number;
  /** NEED: bytes the next record needs buffered. TRAILER: its offset and body size. */
  need: number;
  trailerOffset: number;
  trailerBody: number;
  /** With the entry returned: its data streams (read before the next parse), or its sum failed. */
  streamed: StreamedContent | undefined;
  error: Error | undefined;
  /** The header fields of the record being parsed (FIELD order), reused. */
  fields: Float64Array;
}

/**
 * Reads the entries of one cpio stream, in batches: every record whose header, name (and symlink
 * target, and file data when it is already buffered) sits in the bytes at hand is parsed without a
 * promise, so 400,000 small records cost a few hundred batches, not 400,000 awaits. A batch may end
 * with one entry whose data streams ({@link StreamedContent}): its data is read before the next batch
 * is asked for, and skipped then if it was not. Refuses every malformed header, name or data with a
 * typed error naming the offset, after handing out the entries before it; checks sizes against the
 * limits before reading, so a lying size field never causes a large allocation.
 */
export async function* readArchive(stream: ArchiveStream): AsyncGenerator<ArchiveEntry[]> {
  const { src, place, kind, base, state } = stream;
  const parse: ParseState = {
    records: 0,
    need: 0,
    trailerOffset: 0,
    trailerBody: 0,
    streamed: undefined,
    error: undefined,
    fields: new Float64Array(FIELD_COUNT),
  };
  let batch: ArchiveEntry[] = [];
  for (;;) {
    let step: ArchiveEntry | typeof NEED | typeof TRAILER;
    try {
      step = parseBuffered(stream, parse, false);
    } catch (err) {
      if (batch.length > 0) yield batch;
      throw err;
    }
    if (typeof step === 'object') {
      batch.push(step);
      const { streamed, error } = parse;
      if (streamed === undefined && error === undefined && batch.length < MAX_BATCH) continue;
      parse.streamed = undefined;
      parse.error = undefined;
      yield batch;
      batch = [];
      if (error !== undefined) throw error;
      if (streamed !== undefined && !streamed.finishNow()) await streamed.finish();
      continue;
    }
    // Anything else awaits: hand out what is parsed first (an error then comes after its entries).
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
    if (step === NEED) {
      if (!(await src.ensure(parse.need))) parseBuffered(stream, parse, true); // throws the truncation
      continue;
    }
    // The trailer's body (normally empty) is skipped like any other.
    await discard(src, parse.trailerBody, place, parse.trailerOffset, kind);
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
    parse.records = 0;
  }
}

/**
 * Parses the next record from the buffered bytes without awaiting, reading it in place (one
 * {@link SequentialSource.window}, no view per field) and consuming it whole at the end. Returns the
 * entry, or NEED (consuming nothing) with `parse.need` bytes when they are not all buffered, or
 * TRAILER. With `final` (the stream ended before them) it throws the truncation error instead,
 * after every check an earlier field fails.
 */
function parseBuffered(
  stream: ArchiveStream,
  parse: ParseState,
  final: boolean,
): ArchiveEntry | typeof NEED | typeof TRAILER {
  const { src, place, kind, base, state } = stream;
  const offset = src.position - base;
  const buffered = src.buffered;
  if (buffered < HEADER_SIZE) {
    if (!final) {
      parse.need = HEADER_SIZE;
      return NEED;
    }
    if (buffered === 0) {
      const got = kind === 'plain' ? 'end of input' : 'end of the decompressed stream';
      const expected = parse.records === 0 ? 'a cpio header' : `a record named ${TRAILER_NAME}`;
      throw cpioError('CPIO_NO_TRAILER', place, offset, 'header', expected, got);
    }
    if (buffered >= 6) checkMagic(src.peek(6), place, offset);
    throw truncated(place, offset, kind, 'header', HEADER_SIZE, buffered);
  }
  const f = parse.fields;
  let bytes = src.window(HEADER_SIZE);
  let at = src.windowStart;
  const magic = readHeaderFields(bytes, at, f, place, offset);
  const mode = f[FIELD.mode]!;
  const namesize = f[FIELD.namesize]!;
  const filesize = f[FIELD.filesize]!;
  checkSizes(namesize, filesize, mode, place, offset, state.limits);
  const namePadded = pad4(HEADER_SIZE + namesize) - HEADER_SIZE;
  /** The record's bytes up to the end of its padded name. */
  const headEnd = HEADER_SIZE + namePadded;
  const modeType = typeOfMode(mode);
  // A symlink's target is part of its record (bounded by maxNameSize, checked above).
  const bodyPadded = modeType === 'symlink' ? pad4(filesize) : 0;
  const need = headEnd + bodyPadded;
  if (buffered < need && !final) {
    parse.need = need;
    return NEED;
  }
  const dataPadded = pad4(filesize);
  if (kind === 'plain') state.budget.charge(headEnd + dataPadded, place, offset);
  if (buffered < headEnd) {
    const got = Math.min(buffered - HEADER_SIZE, namesize);
    throw truncated(place, offset, kind, 'name', namesize, got);
  }
  // Small file data that is already buffered is read in the same window (no stream for it).
  const afterName = buffered - headEnd;
  const inline = modeType === 'file' && filesize > 0 && afterName >= dataPadded;
  bytes = src.window(headEnd + (inline ? dataPadded : Math.min(bodyPadded, afterName)));
  at = src.windowStart;
  const nameStart = at + HEADER_SIZE;
  const name = nameOf(bytes, nameStart, namesize, place, offset);
  const type = name === TRAILER_NAME ? undefined : modeType;
  if (type === undefined && name !== TRAILER_NAME) {
    throw cpioError(
      'CPIO_BAD_FIELD',
      place,
      offset + 14,
      'mode',
      'a file type in the S_IFMT bits',
      `0o${mode.toString(8)}`,
    );
  }
  if (type !== undefined && type !== 'file' && type !== 'symlink' && filesize !== 0) {
    throw cpioError('CPIO_BAD_FIELD', place, offset + 54, 'filesize', `0 for a ${type}`, String(filesize));
  }
  parse.records++;
  if (type === undefined) {
    src.skip(headEnd);
    parse.trailerOffset = offset;
    parse.trailerBody = filesize;
    return TRAILER;
  }
  const info = toInfo(f, name, type);
  const origin = {
    segment: place.segment,
    archive: state.archives,
    compression: place.compression,
    offset,
    segmentOffset: place.segmentOffset,
  };
  const dataStart = nameStart + namePadded;
  if (type === 'symlink') {
    if (afterName < bodyPadded)
      throw truncated(place, offset, kind, 'data', filesize, Math.min(afterName, filesize));
    info.linkTarget = linkTargetOf(bytes, dataStart, filesize);
    src.skip(need);
    return { info, content: NO_CONTENT, origin };
  }
  if (type !== 'file' || filesize === 0) {
    src.skip(headEnd);
    return { info, content: NO_CONTENT, origin };
  }
  // The kernel checks the sum of regular file data only (do_copy); GNU cpio writes 0 for symlinks.
  const checkField = f[FIELD.check]!;
  const check = magic === '070702' ? checkField : undefined;
  if (inline) {
    // All of it is here (small files): no stream, and the sum is checked now.
    const data = bytes.subarray(dataStart, dataStart + filesize);
    src.skip(headEnd + dataPadded);
    const entry = { info, content: new BufferedContent(data), origin };
    if (check !== undefined) {
      const sum = addBytes(0, data);
      if (sum !== check) parse.error = badSum(sum, check, place, offset);
    }
    return entry;
  }
  src.skip(headEnd);
  const streamed = new StreamedContent(
    src,
    filesize,
    {
      truncated: (got) => truncated(place, offset, kind, 'data', filesize, got),
      badSum: (sum) => badSum(sum, checkField, place, offset),
    },
    check,
  );
  parse.streamed = streamed;
  return { info, content: streamed, origin };
}

function checkSizes(
  namesize: number,
  filesize: number,
  mode: number,
  place: StreamPlace,
  offset: number,
  limits: ArchiveLimits,
): void {
  if (namesize === 0) {
    throw cpioError(
      'CPIO_BAD_FIELD',
      place,
      offset + 94,
      'namesize',
      `1 to ${limits.maxNameSize} (the name and its NUL)`,
      '0',
    );
  }
  if (namesize > limits.maxNameSize) {
    throw cpioError(
      'CPIO_NAME_TOO_LONG',
      place,
      offset + 94,
      'namesize',
      `<= ${limits.maxNameSize}`,
      String(namesize),
    );
  }
  if (filesize > limits.maxEntrySize) {
    throw cpioError(
      'CPIO_LIMIT',
      place,
      offset + 54,
      'filesize',
      `<= ${limits.maxEntrySize} (maxEntrySize)`,
      String(filesize),
    );
  }
  if ((mode & 0o170000) === 0o120000 && filesize > limits.maxNameSize) {
    // The kernel skips symlinks whose target is longer than PATH_MAX (init/initramfs.c do_header).
    throw cpioError(
      'CPIO_NAME_TOO_LONG',
      place,
      offset + 54,
      'filesize',
      `<= ${limits.maxNameSize} for a symlink target`,
      String(filesize),
    );
  }
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
function nameOf(
  bytes: Uint8Array,
  start: number,
  namesize: number,
  place: StreamPlace,
  offset: number,
): string {
  const end = start + namesize;
  if (bytes[end - 1] !== 0) {
    // The kernel calls this a "malformed archive" and stops.
    throw cpioError(
      'CPIO_NAME_NO_NUL',
      place,
      offset + HEADER_SIZE,
      'name',
      'a NUL as its last byte',
      quoteInput(bytes.subarray(Math.max(start, end - 16), end)),
    );
  }
  // Up to the first NUL (at most the last byte, so the padding after it is never searched), noting
  // on the way whether every byte is ASCII: one pass over a short name instead of two native calls.
  let i = start;
  let high = 0;
  for (let b = bytes[i]!; b !== 0; b = bytes[++i]!) high |= b;
  return decodeNameAt(bytes, start, i, high < 0x80);
}

/**
 * A symlink target as the kernel's do_symlink takes it: up to the first NUL (gen_init_cpio stores the
 * target with its NUL, filesize = length + 1), bytes kept exactly.
 */
function linkTargetOf(bytes: Uint8Array, start: number, size: number): string {
  const nul = bytes.indexOf(0, start);
  return decodeNameAt(bytes, start, nul < 0 || nul > start + size ? start + size : nul);
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

function toInfo(f: Float64Array, name: string, type: Info['type']): Info {
  return {
    name,
    type,
    perm: f[FIELD.mode]! & 0o7777,
    uid: f[FIELD.uid]!,
    gid: f[FIELD.gid]!,
    mtime: f[FIELD.mtime]!,
    ino: f[FIELD.ino]!,
    nlink: f[FIELD.nlink]!,
    devMajor: f[FIELD.devmajor]!,
    devMinor: f[FIELD.devminor]!,
    rdevMajor: f[FIELD.rdevmajor]!,
    rdevMinor: f[FIELD.rdevminor]!,
    size: f[FIELD.filesize]!,
  };
}
