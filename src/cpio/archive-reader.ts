import { hexOffset } from '../errors/index.js';
import { decodeName } from '../util/byte-names.js';
import { quoteInput } from '../util/quote-input.js';
import type { SequentialSource } from '../util/sequential-source.js';
import { addBytes, BufferedContent, NO_CONTENT, StreamedContent } from './entry-content.js';
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

const EMPTY = new Uint8Array(0);
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

/** What {@link parseBuffered} did: an entry, the end of an archive, or how many bytes it needs. */
type Step =
  | { kind: 'entry'; entry: ArchiveEntry; streamed?: StreamedContent; error?: Error }
  | { kind: 'trailer'; offset: number; bodySize: number }
  | { kind: 'need'; bytes: number };

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
  const records = { count: 0 };
  let batch: ArchiveEntry[] = [];
  for (;;) {
    let step: Step;
    try {
      step = parseBuffered(stream, records, false);
    } catch (err) {
      if (batch.length > 0) yield batch;
      throw err;
    }
    if (step.kind === 'entry') {
      batch.push(step.entry);
      if (step.streamed === undefined && step.error === undefined && batch.length < MAX_BATCH) continue;
      yield batch;
      batch = [];
      if (step.error !== undefined) throw step.error;
      if (step.streamed !== undefined && !step.streamed.finishNow()) await step.streamed.finish();
      continue;
    }
    // Anything else awaits: hand out what is parsed first (an error then comes after its entries).
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
    if (step.kind === 'need') {
      if (!(await src.ensure(step.bytes))) parseBuffered(stream, records, true); // throws the truncation
      continue;
    }
    // The trailer's body (normally empty) is skipped like any other.
    await discard(src, step.bodySize, place, step.offset, kind);
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
    records.count = 0;
  }
}

/**
 * Parses the next record from the buffered bytes without awaiting. Consumes nothing and says how many
 * bytes it needs when they are not all buffered; with `final` (the stream ended before them) it
 * throws the truncation error instead, after every check an earlier field fails.
 */
function parseBuffered(stream: ArchiveStream, records: { count: number }, final: boolean): Step {
  const { src, place, kind, base, state } = stream;
  const offset = src.position - base;
  if (src.buffered < HEADER_SIZE) {
    if (!final) return { kind: 'need', bytes: HEADER_SIZE };
    if (src.buffered === 0) {
      const got = kind === 'plain' ? 'end of input' : 'end of the decompressed stream';
      const expected = records.count === 0 ? 'a cpio header' : `a record named ${TRAILER_NAME}`;
      throw cpioError('CPIO_NO_TRAILER', place, offset, 'header', expected, got);
    }
    if (src.buffered >= 6) checkMagic(src.peek(6), place, offset);
    throw truncated(place, offset, kind, 'header', HEADER_SIZE, src.buffered);
  }
  const header = parseHeader(src.peek(HEADER_SIZE), place, offset);
  checkSizes(header, place, offset, state.limits);
  const namePadded = pad4(HEADER_SIZE + header.namesize) - HEADER_SIZE;
  const isSymlink = (header.mode & 0o170000) === 0o120000;
  // A symlink's target is part of its record (bounded by maxNameSize, checked above).
  const bodyPadded = isSymlink ? pad4(header.filesize) : 0;
  const need = HEADER_SIZE + namePadded + bodyPadded;
  if (src.buffered < need && !final) return { kind: 'need', bytes: need };
  if (kind === 'plain') state.budget.charge(HEADER_SIZE + namePadded + pad4(header.filesize), place, offset);
  if (src.buffered < HEADER_SIZE + namePadded) {
    const got = Math.min(src.buffered - HEADER_SIZE, header.namesize);
    throw truncated(place, offset, kind, 'name', header.namesize, got);
  }
  src.skip(HEADER_SIZE);
  const nameBytes = src.takeBuffered(namePadded);
  const name = nameOf(nameBytes, header.namesize, place, offset);
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
  records.count++;
  if (type === undefined) return { kind: 'trailer', offset, bodySize: header.filesize };
  const info = toInfo(header, name, type);
  const origin = {
    segment: place.segment,
    archive: state.archives,
    compression: place.compression,
    offset,
    segmentOffset: place.segmentOffset,
  };
  if (type === 'symlink') {
    if (src.buffered < bodyPadded) {
      throw truncated(place, offset, kind, 'data', header.filesize, Math.min(src.buffered, header.filesize));
    }
    info.linkTarget = linkTargetOf(src.takeBuffered(bodyPadded).subarray(0, header.filesize));
    return { kind: 'entry', entry: { info, content: NO_CONTENT, origin } };
  }
  if (type !== 'file') return { kind: 'entry', entry: { info, content: NO_CONTENT, origin } };
  // The kernel checks the sum of regular file data only (do_copy); GNU cpio writes 0 for symlinks.
  const check = header.magic === '070702' ? header.check : undefined;
  const dataPadded = pad4(header.filesize);
  if (header.filesize === 0 || src.buffered >= dataPadded) {
    // All of it is here (empty files, small files): no stream, and the sum is checked now.
    const data = header.filesize === 0 ? EMPTY : src.takeBuffered(dataPadded).subarray(0, header.filesize);
    const content = header.filesize === 0 ? NO_CONTENT : new BufferedContent(data);
    const entry = { info, content, origin };
    if (check !== undefined) {
      const sum = addBytes(0, data);
      if (sum !== check) return { kind: 'entry', entry, error: badSum(sum, check, place, offset) };
    }
    return { kind: 'entry', entry };
  }
  const streamed = new StreamedContent(
    src,
    header.filesize,
    {
      truncated: (got) => truncated(place, offset, kind, 'data', header.filesize, got),
      badSum: (sum) => badSum(sum, header.check, place, offset),
    },
    check,
  );
  return { kind: 'entry', entry: { info, content: streamed, origin }, streamed };
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
function nameOf(padded: Uint8Array, namesize: number, place: StreamPlace, offset: number): string {
  if (padded[namesize - 1] !== 0) {
    // The kernel calls this a "malformed archive" and stops.
    const raw = padded.subarray(0, namesize);
    throw cpioError(
      'CPIO_NAME_NO_NUL',
      place,
      offset + HEADER_SIZE,
      'name',
      'a NUL as its last byte',
      quoteInput(raw.subarray(Math.max(0, raw.length - 16))),
    );
  }
  // The first NUL is at most the last byte (namesize - 1), so the padding after it is never searched.
  return decodeName(padded.subarray(0, padded.indexOf(0)));
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
