import type { RandomAccessSource } from '../util/random-access-source.js';
import type { ElfHeader, FieldReader } from './elf-header.js';
import { ELF_LIMITS, ElfError } from './errors.js';
import { mapAddress, type ProgramHeader } from './program-headers.js';

/** Dynamic tags this reader acts on. */
export const DT = {
  NULL: 0,
  NEEDED: 1,
  STRTAB: 5,
  STRSZ: 10,
  SONAME: 14,
  RPATH: 15,
  RUNPATH: 29,
  FLAGS: 30,
  FLAGS_1: 0x6ffffffb,
} as const;

/** DT_FLAGS_1 bits the resolver honours. */
export const DF_1 = { NODEFLIB: 0x800, PIE: 0x0800_0000 } as const;

/** The strings and flags of a dynamic section. */
export interface DynamicInfo {
  needed: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
  flags1: number;
}

interface RawDynamic {
  needed: number[];
  soname?: number;
  rpath?: number;
  runpath?: number;
  strtab?: number;
  strsz?: number;
  flags1: number;
}

/**
 * Reads the dynamic section of PT_DYNAMIC and resolves its strings through DT_STRTAB, a virtual address
 * mapped through the PT_LOAD segments as the loader does. Throws ELF_TRUNCATED, ELF_CORRUPT (unmapped
 * DT_STRTAB, string offset past DT_STRSZ, unterminated string) or ELF_LIMIT (huge section, too many
 * DT_NEEDED, string longer than PATH_MAX).
 */
export function readDynamic(
  src: RandomAccessSource,
  h: ElfHeader,
  f: FieldReader,
  dyn: ProgramHeader,
  loads: readonly ProgramHeader[],
  source: string,
): DynamicInfo {
  const raw = readRawDynamic(src, h, f, dyn, source);
  const hasStrings =
    raw.needed.length > 0 || raw.soname !== undefined || raw.rpath !== undefined || raw.runpath !== undefined;
  if (!hasStrings) return { needed: [], flags1: raw.flags1 };
  if (raw.strtab === undefined) {
    throw new ElfError(
      'ELF_CORRUPT',
      source,
      dyn.offset,
      'DT_STRTAB',
      'expected a string table for DT_NEEDED/DT_SONAME, found none',
    );
  }
  const mapped = mapAddress(loads, raw.strtab);
  if (mapped === null) {
    throw new ElfError(
      'ELF_CORRUPT',
      source,
      dyn.offset,
      'DT_STRTAB',
      `address 0x${raw.strtab.toString(16)} is in no PT_LOAD segment`,
    );
  }
  const tableSize = Math.min(raw.strsz ?? Number.POSITIVE_INFINITY, mapped.available);
  const str = (off: number, field: string): string =>
    readString(src, mapped.offset, tableSize, off, field, source);
  return {
    needed: raw.needed.map((off) => str(off, 'DT_NEEDED')),
    soname: raw.soname === undefined ? undefined : str(raw.soname, 'DT_SONAME'),
    rpath: raw.rpath === undefined ? undefined : str(raw.rpath, 'DT_RPATH'),
    runpath: raw.runpath === undefined ? undefined : str(raw.runpath, 'DT_RUNPATH'),
    flags1: raw.flags1,
  };
}

function readRawDynamic(
  src: RandomAccessSource,
  h: ElfHeader,
  f: FieldReader,
  dyn: ProgramHeader,
  source: string,
): RawDynamic {
  const entsize = h.class === 64 ? 16 : 8;
  const count = Math.floor(dyn.filesz / entsize);
  if (count > ELF_LIMITS.maxDynamicEntries) {
    throw new ElfError(
      'ELF_LIMIT',
      source,
      dyn.offset,
      'PT_DYNAMIC',
      `expected <= ${ELF_LIMITS.maxDynamicEntries} entries, p_filesz says ${count}`,
    );
  }
  if (!(dyn.offset + count * entsize <= src.size)) {
    throw new ElfError(
      'ELF_TRUNCATED',
      source,
      dyn.offset,
      'PT_DYNAMIC',
      `${count * entsize} bytes end past the file size ${src.size}`,
    );
  }
  const raw: RawDynamic = { needed: [], flags1: 0 };
  // Read in chunks so a large (but legal) section does not become one large allocation.
  const chunkEntries = 256;
  for (let first = 0; first < count; first += chunkEntries) {
    const n = Math.min(chunkEntries, count - first);
    const b = src.read(dyn.offset + first * entsize, n * entsize);
    for (let i = 0; i < n; i++) {
      const at = i * entsize;
      // Tags above 2^32 (negative or OS-specific 64-bit ones) are none of ours: read the low word only when
      // the high word is zero.
      const tag =
        h.class === 64
          ? f.u32(b, at + (f.little ? 4 : 0)) === 0
            ? f.u32(b, at + (f.little ? 0 : 4))
            : -1
          : f.u32(b, at);
      const val = h.class === 64 ? f.u64(b, at + 8) : f.u32(b, at + 4);
      if (tag === DT.NULL) return raw;
      if (tag === DT.NEEDED) {
        if (raw.needed.length >= ELF_LIMITS.maxNeeded) {
          throw new ElfError(
            'ELF_LIMIT',
            source,
            dyn.offset,
            'DT_NEEDED',
            `expected <= ${ELF_LIMITS.maxNeeded} entries`,
          );
        }
        raw.needed.push(val);
      } else if (tag === DT.STRTAB) raw.strtab = val;
      else if (tag === DT.STRSZ) raw.strsz = val;
      else if (tag === DT.SONAME) raw.soname = val;
      else if (tag === DT.RPATH) raw.rpath = val;
      else if (tag === DT.RUNPATH) raw.runpath = val;
      else if (tag === DT.FLAGS_1) raw.flags1 = Number.isFinite(val) ? val % 0x1_0000_0000 : 0;
    }
  }
  return raw;
}

/** A NUL-terminated string at `off` in a table of `tableSize` bytes starting at file offset `tableAt`. */
function readString(
  src: RandomAccessSource,
  tableAt: number,
  tableSize: number,
  off: number,
  field: string,
  source: string,
): string {
  if (!(off < tableSize)) {
    throw new ElfError(
      'ELF_CORRUPT',
      source,
      tableAt,
      field,
      `string offset 0x${off.toString(16)} is past the string table (0x${tableSize.toString(16)} bytes)`,
    );
  }
  const at = tableAt + off;
  const window = Math.min(ELF_LIMITS.maxStringLength + 1, tableSize - off);
  const b = src.read(at, window);
  const end = b.indexOf(0);
  if (end >= 0) return Buffer.from(b.buffer, b.byteOffset, end).toString('utf8');
  if (b.length < window)
    throw new ElfError(
      'ELF_TRUNCATED',
      source,
      at,
      field,
      `string runs past the end of the file (${src.size} bytes)`,
    );
  if (window > ELF_LIMITS.maxStringLength) {
    throw new ElfError(
      'ELF_LIMIT',
      source,
      at,
      field,
      `expected a string <= ${ELF_LIMITS.maxStringLength} bytes, found no NUL within it`,
    );
  }
  throw new ElfError(
    'ELF_CORRUPT',
    source,
    at,
    field,
    'string is not NUL-terminated within the string table',
  );
}

/** Reads the PT_INTERP path (NUL-terminated, at most PATH_MAX). */
export function readInterpreter(src: RandomAccessSource, p: ProgramHeader, source: string): string {
  if (p.filesz === 0 || p.filesz > ELF_LIMITS.maxStringLength + 1) {
    const code = p.filesz === 0 ? 'ELF_CORRUPT' : 'ELF_LIMIT';
    throw new ElfError(
      code,
      source,
      p.offset,
      'PT_INTERP',
      `expected 1..${ELF_LIMITS.maxStringLength + 1} bytes, p_filesz is ${p.filesz}`,
    );
  }
  if (!(p.offset + p.filesz <= src.size)) {
    throw new ElfError(
      'ELF_TRUNCATED',
      source,
      p.offset,
      'PT_INTERP',
      `${p.filesz} bytes end past the file size ${src.size}`,
    );
  }
  const b = src.read(p.offset, p.filesz);
  const end = b.indexOf(0);
  // The kernel (fs/binfmt_elf.c) requires the terminating NUL at the last byte; it reads up to it.
  if (end < 0) throw new ElfError('ELF_CORRUPT', source, p.offset, 'PT_INTERP', 'path is not NUL-terminated');
  if (end === 0) throw new ElfError('ELF_CORRUPT', source, p.offset, 'PT_INTERP', 'path is empty');
  return Buffer.from(b.buffer, b.byteOffset, end).toString('utf8');
}
