import { quoteInput } from '../util/quote-input.js';
import { cpioError, type StreamPlace } from './errors.js';
import { type EntryType, TYPE_BITS } from './types.js';

/** Size of a newc header: 6 bytes of magic and 13 fields of 8 hex digits. */
export const HEADER_SIZE = 110;
/** Name of the record that ends an archive. */
export const TRAILER_NAME = 'TRAILER!!!';
/** PATH_MAX including the NUL: the kernel skips longer names (init/initramfs.c). */
export { PATH_MAX } from '../util/path-limits.js';
/** Largest value a newc field can hold. */
export const FIELD_MAX = 0xffffffff;

/** The 13 header fields in file order, with the kernel's names. */
export const FIELD_NAMES = [
  'ino',
  'mode',
  'uid',
  'gid',
  'nlink',
  'mtime',
  'filesize',
  'devmajor',
  'devminor',
  'rdevmajor',
  'rdevminor',
  'namesize',
  'check',
] as const;

export type FieldName = (typeof FIELD_NAMES)[number];

/** A decoded header: the magic and every field as a number. */
export type RawHeader = { magic: '070701' | '070702' } & Record<FieldName, number>;

/** Rounds up to the 4-byte alignment newc uses after the name and after the data. */
export function pad4(n: number): number {
  // Arithmetic, not `& ~3`: sizes reach 2^32 and bitwise operators work on 32-bit signed values.
  return Math.ceil(n / 4) * 4;
}

const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[0x41 + i] = 10 + i;
  HEX_VALUE[0x61 + i] = 10 + i;
}

/**
 * Refuses (CPIO_BAD_MAGIC) a magic other than 070701/070702 (the 6 bytes from `at`), naming odc
 * 070707 and the old binary format. Needs the first 6 bytes only, so a short odc file is named as such, not as truncated.
 */
export function checkMagic(
  bytes: Uint8Array,
  place: StreamPlace,
  offset: number,
  at = 0,
): '070701' | '070702' {
  // "07070" then '1' or '2', compared as bytes: this runs once per record.
  if (
    bytes[at] === 0x30 &&
    bytes[at + 1] === 0x37 &&
    bytes[at + 2] === 0x30 &&
    bytes[at + 3] === 0x37 &&
    bytes[at + 4] === 0x30
  ) {
    if (bytes[at + 5] === 0x31) return '070701';
    if (bytes[at + 5] === 0x32) return '070702';
  }
  if (at > 0) return checkMagic(bytes.subarray(at, at + 6), place, offset);
  const magic = String.fromCharCode(...bytes.subarray(0, 6));
  if (magic === '070701' || magic === '070702') return magic;
  const what =
    magic === '070707'
      ? '"070707" (odc, the old portable format: write with -H newc)'
      : bytes[0] === 0xc7 && bytes[1] === 0x71
        ? `${quoteInput(bytes.subarray(0, 6))} (old binary cpio)`
        : quoteInput(bytes.subarray(0, 6));
  throw cpioError('CPIO_BAD_MAGIC', place, offset, 'magic', '"070701" or "070702" (newc)', what);
}

/**
 * Decodes the 110 header bytes found at `offset` of a stream. Refuses a bad magic ({@link checkMagic})
 * and a field with a non-hex digit with CPIO_BAD_FIELD naming the field: the kernel's
 * simple_strtoul would silently stop at such a digit, so we never guess.
 */
export function parseHeader(bytes: Uint8Array, place: StreamPlace, offset: number): RawHeader {
  const f = new Float64Array(FIELD_COUNT);
  const header = { magic: readHeaderFields(bytes, 0, f, place, offset) } as RawHeader;
  FIELD_NAMES.forEach((name, i) => {
    header[name] = f[i]!;
  });
  return header;
}

/** Number of numeric header fields. */
export const FIELD_COUNT = FIELD_NAMES.length;

/** Indexes of the fields in {@link readHeaderFields}'s output: FIELD.mode is 1 (FIELD_NAMES order). */
export const FIELD = Object.fromEntries(FIELD_NAMES.map((name, i) => [name, i])) as Readonly<
  Record<FieldName, number>
>;

/**
 * {@link parseHeader} in place: the header starting at `bytes[at]`, each field into `out[i]` (FIELD_NAMES
 * order), the magic returned. Allocates nothing (the reader calls it once per record).
 */
export function readHeaderFields(
  bytes: Uint8Array,
  at: number,
  out: Float64Array,
  place: StreamPlace,
  offset: number,
): '070701' | '070702' {
  const magic = checkMagic(bytes, place, offset, at);
  for (let f = 0; f < FIELD_COUNT; f++) {
    const value = hex8(bytes, at + 6 + f * 8);
    if (value < 0) {
      const start = 6 + f * 8;
      throw cpioError(
        'CPIO_BAD_FIELD',
        place,
        offset + start,
        FIELD_NAMES[f]!,
        '8 hex digits',
        quoteInput(bytes.subarray(at + start, at + start + 8)),
      );
    }
    out[f] = value;
  }
  return magic;
}

/**
 * Two ASCII hex digits (first byte << 8 | second) to their value, -1 when either is no hex digit: a
 * field is 4 lookups instead of 8 (128 KiB, built once).
 */
const HEX_PAIR = new Int16Array(65536).fill(-1);
for (let hi = 0; hi < 256; hi++) {
  const h = HEX_VALUE[hi]!;
  if (h < 0) continue;
  for (let lo = 0; lo < 256; lo++) {
    const l = HEX_VALUE[lo]!;
    if (l >= 0) HEX_PAIR[(hi << 8) | lo] = (h << 4) | l;
  }
}

/** The 8 hex digits at `i` as a number, or -1 when one is no hex digit. */
function hex8(b: Uint8Array, i: number): number {
  const p0 = HEX_PAIR[(b[i]! << 8) | b[i + 1]!]!;
  const p1 = HEX_PAIR[(b[i + 2]! << 8) | b[i + 3]!]!;
  const p2 = HEX_PAIR[(b[i + 4]! << 8) | b[i + 5]!]!;
  const p3 = HEX_PAIR[(b[i + 6]! << 8) | b[i + 7]!]!;
  if ((p0 | p1 | p2 | p3) < 0) return -1;
  // The high half times 2^16 plus the low half: exact, and never past 2^32 - 1.
  return ((p0 << 8) | p1) * 0x10000 + ((p2 << 8) | p3);
}

/** Encodes a header: uppercase hex like GNU cpio and the kernel's gen_init_cpio (`%08X`). */
export function encodeHeader(header: RawHeader): Uint8Array {
  let text = header.magic;
  for (const name of FIELD_NAMES) text += header[name].toString(16).toUpperCase().padStart(8, '0');
  return Buffer.from(text, 'latin1');
}

/** Entry types by the S_IFMT bits shifted down (mode >>> 12 & 0o17): an array index, not a hash. */
const TYPE_BY_BITS: (EntryType | undefined)[] = new Array(16).fill(undefined);
for (const [type, bits] of Object.entries(TYPE_BITS) as [EntryType, number][])
  TYPE_BY_BITS[bits >>> 12] = type;

/** The entry type of a mode, or undefined when its S_IFMT bits name no type. */
export function typeOfMode(mode: number): EntryType | undefined {
  return TYPE_BY_BITS[(mode >>> 12) & 0o17];
}
