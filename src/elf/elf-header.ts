import type { RandomAccessSource } from '../util/random-access-source.js';
import { ElfError } from './errors.js';
import { type ElfType, elfTypeName, machineName } from './machines.js';

/** The fields of the ELF file header this reader uses. */
export interface ElfHeader {
  class: 32 | 64;
  endian: 'little' | 'big';
  osabi: number;
  abiVersion: number;
  /** True when e_ident bytes 9..15 are zero (glibc refuses an object whose padding is not). */
  identPaddingZero: boolean;
  /** `e_version` (1 for every valid object). */
  version: number;
  type: ElfType;
  machine: number;
  machineName: string;
  phoff: number;
  phentsize: number;
  /** `e_phnum` as written (0xffff means the real count is in section header 0). */
  phnum: number;
  shoff: number;
  shentsize: number;
}

/** Reads multi-byte fields of one ELF file in its own class and byte order. */
export class FieldReader {
  readonly little: boolean;
  constructor(
    readonly elfClass: 32 | 64,
    endian: 'little' | 'big',
    readonly source: string,
  ) {
    this.little = endian === 'little';
  }

  // Byte arithmetic rather than a DataView per field: the resolver and the version check read tens of
  // thousands of fields per scan. Out-of-range reads still throw a RangeError, as a DataView does.
  u16(b: Uint8Array, at: number): number {
    inBounds(b, at, 2);
    return this.little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
  }

  u32(b: Uint8Array, at: number): number {
    inBounds(b, at, 4);
    return this.little
      ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
      : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  /** A 64-bit field as a number; `Infinity` when it does not fit in 2^53 (every offset check then fails). */
  u64(b: Uint8Array, at: number): number {
    const lo = this.u32(b, at + (this.little ? 0 : 4));
    const hi = this.u32(b, at + (this.little ? 4 : 0));
    return hi >= 0x200000 ? Number.POSITIVE_INFINITY : hi * 0x1_0000_0000 + lo;
  }

  /** An address or offset: 4 bytes in ELF32, 8 in ELF64. */
  word(b: Uint8Array, at: number): number {
    return this.elfClass === 64 ? this.u64(b, at) : this.u32(b, at);
  }
}

function inBounds(b: Uint8Array, at: number, size: number): void {
  if (!(at >= 0 && at + size <= b.length))
    throw new RangeError(`offset ${at} is outside the bounds of ${b.length} bytes`);
}

/** True when the bytes start with the ELF magic `\x7fELF`. */
export function hasElfMagic(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46
  );
}

/**
 * Parses the ELF identification and file header. Throws {@link ElfError}: ELF_BAD_MAGIC (not ELF),
 * ELF_TRUNCATED (shorter than the header), ELF_CORRUPT (unknown class, byte order or version).
 */
export function readElfHeader(
  src: RandomAccessSource,
  source: string,
): { header: ElfHeader; fields: FieldReader } {
  const ident = src.read(0, 16);
  if (!hasElfMagic(ident)) {
    if (ident.length < 4)
      throw new ElfError('ELF_TRUNCATED', source, 0, 'e_ident', `expected 16 bytes, file has ${src.size}`);
    throw new ElfError(
      'ELF_BAD_MAGIC',
      source,
      0,
      'e_ident',
      'expected \\x7fELF, found other bytes (not an ELF file)',
    );
  }
  if (ident.length < 16)
    throw new ElfError('ELF_TRUNCATED', source, 0, 'e_ident', `expected 16 bytes, file has ${src.size}`);
  const cls = ident[4];
  if (cls !== 1 && cls !== 2)
    throw new ElfError('ELF_CORRUPT', source, 4, 'EI_CLASS', `expected 1 or 2, got ${cls}`);
  const data = ident[5];
  if (data !== 1 && data !== 2)
    throw new ElfError('ELF_CORRUPT', source, 5, 'EI_DATA', `expected 1 or 2, got ${data}`);
  if (ident[6] !== 1)
    throw new ElfError('ELF_CORRUPT', source, 6, 'EI_VERSION', `expected 1, got ${ident[6]}`);
  const elfClass = cls === 2 ? 64 : 32;
  const fields = new FieldReader(elfClass, data === 1 ? 'little' : 'big', source);
  const size = elfClass === 64 ? 64 : 52;
  const b = src.read(0, size);
  if (b.length < size)
    throw new ElfError(
      'ELF_TRUNCATED',
      source,
      0,
      'ELF header',
      `expected ${size} bytes, file has ${src.size}`,
    );
  const w = elfClass === 64 ? 8 : 4;
  // Offsets after e_entry shift by the address size: e_phoff, e_shoff, then 32-bit e_flags.
  const phoff = fields.word(b, 24 + w);
  const shoff = fields.word(b, 24 + 2 * w);
  const base = 24 + 3 * w + 4;
  const machine = fields.u16(b, 18);
  const header: ElfHeader = {
    class: elfClass,
    endian: fields.little ? 'little' : 'big',
    osabi: ident[7] ?? 0,
    abiVersion: ident[8] ?? 0,
    identPaddingZero: ident.subarray(9, 16).every((x) => x === 0),
    version: fields.u32(b, 20),
    type: elfTypeName(fields.u16(b, 16)),
    machine,
    machineName: machineName(machine),
    phoff,
    phentsize: fields.u16(b, base + 2),
    phnum: fields.u16(b, base + 4),
    shoff,
    shentsize: fields.u16(b, base + 6),
  };
  return { header, fields };
}
