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
 * Refuses (CPIO_BAD_MAGIC) a magic other than 070701/070702, naming odc 070707 and the old binary
 * format. Needs the first 6 bytes only, so a short odc file is named as such, not as truncated.
 */
export function checkMagic(bytes: Uint8Array, place: StreamPlace, offset: number): '070701' | '070702' {
  // "07070" then '1' or '2', compared as bytes: this runs once per record.
  if (bytes[0] === 0x30 && bytes[1] === 0x37 && bytes[2] === 0x30 && bytes[3] === 0x37 && bytes[4] === 0x30) {
    if (bytes[5] === 0x31) return '070701';
    if (bytes[5] === 0x32) return '070702';
  }
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
  const magic = checkMagic(bytes, place, offset);
  // One literal in field order (a fixed object shape), each field read straight from the bytes:
  // this runs once per record (400,000 records: no strings, no keyed stores).
  return {
    magic,
    ino: hexField(bytes, 0, place, offset),
    mode: hexField(bytes, 1, place, offset),
    uid: hexField(bytes, 2, place, offset),
    gid: hexField(bytes, 3, place, offset),
    nlink: hexField(bytes, 4, place, offset),
    mtime: hexField(bytes, 5, place, offset),
    filesize: hexField(bytes, 6, place, offset),
    devmajor: hexField(bytes, 7, place, offset),
    devminor: hexField(bytes, 8, place, offset),
    rdevmajor: hexField(bytes, 9, place, offset),
    rdevminor: hexField(bytes, 10, place, offset),
    namesize: hexField(bytes, 11, place, offset),
    check: hexField(bytes, 12, place, offset),
  };
}

/** Field `f` (0-based, file order) as a number; CPIO_BAD_FIELD on a non-hex digit. */
function hexField(bytes: Uint8Array, f: number, place: StreamPlace, offset: number): number {
  const i = 6 + f * 8;
  const start = i;
  // Unrolled: 13 fields of 8 digits per record; a digit that is no hex digit makes `bad` negative.
  const d0 = HEX_VALUE[bytes[i]!]!;
  const d1 = HEX_VALUE[bytes[i + 1]!]!;
  const d2 = HEX_VALUE[bytes[i + 2]!]!;
  const d3 = HEX_VALUE[bytes[i + 3]!]!;
  const d4 = HEX_VALUE[bytes[i + 4]!]!;
  const d5 = HEX_VALUE[bytes[i + 5]!]!;
  const d6 = HEX_VALUE[bytes[i + 6]!]!;
  const d7 = HEX_VALUE[bytes[i + 7]!]!;
  const bad = d0 | d1 | d2 | d3 | d4 | d5 | d6 | d7;
  // The high half times 2^16 plus the low half: exact, and never past 2^32 - 1.
  const value =
    ((d0 << 12) | (d1 << 8) | (d2 << 4) | d3) * 0x10000 + ((d4 << 12) | (d5 << 8) | (d6 << 4) | d7);
  if (bad < 0) {
    throw cpioError(
      'CPIO_BAD_FIELD',
      place,
      offset + start,
      FIELD_NAMES[f]!,
      '8 hex digits',
      quoteInput(bytes.subarray(start, start + 8)),
    );
  }
  return value;
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
