import type { RandomAccessSource } from '../util/random-access-source.js';
import type { ElfHeader, FieldReader } from './elf-header.js';
import { ELF_LIMITS, ElfError } from './errors.js';

/** Program header types this reader acts on. */
export const PT = { LOAD: 1, DYNAMIC: 2, INTERP: 3 } as const;

/** One program header, offsets and sizes as numbers (`Infinity` for values past 2^53). */
export interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

const PN_XNUM = 0xffff;

/**
 * Reads the program header table. Throws ELF_CORRUPT for a wrong `e_phentsize`, ELF_TRUNCATED when the
 * table runs past the end of the file, ELF_LIMIT for more than {@link ELF_LIMITS.maxProgramHeaders}.
 */
export function readProgramHeaders(
  src: RandomAccessSource,
  h: ElfHeader,
  f: FieldReader,
  source: string,
): ProgramHeader[] {
  const count = programHeaderCount(src, h, f, source);
  if (count === 0) return [];
  const entsize = h.class === 64 ? 56 : 32;
  if (h.phentsize !== entsize) {
    throw new ElfError(
      'ELF_CORRUPT',
      source,
      undefined,
      'e_phentsize',
      `expected ${entsize}, got ${h.phentsize}`,
    );
  }
  const bytes = count * entsize;
  if (!(h.phoff + bytes <= src.size)) {
    throw new ElfError(
      'ELF_TRUNCATED',
      source,
      undefined,
      'e_phoff',
      `program headers 0x${h.phoff.toString(16)}+${bytes} end past the file size ${src.size}`,
    );
  }
  const table = src.read(h.phoff, bytes);
  const out: ProgramHeader[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * entsize;
    if (h.class === 64) {
      out.push({
        type: f.u32(table, at),
        offset: f.u64(table, at + 8),
        vaddr: f.u64(table, at + 16),
        filesz: f.u64(table, at + 32),
        memsz: f.u64(table, at + 40),
      });
    } else {
      out.push({
        type: f.u32(table, at),
        offset: f.u32(table, at + 4),
        vaddr: f.u32(table, at + 8),
        filesz: f.u32(table, at + 16),
        memsz: f.u32(table, at + 20),
      });
    }
  }
  return out;
}

/** `e_phnum`, or with PN_XNUM the count kept in section header 0's `sh_info` (gABI extended numbering). */
function programHeaderCount(src: RandomAccessSource, h: ElfHeader, f: FieldReader, source: string): number {
  if (h.phnum !== PN_XNUM) return h.phnum;
  const infoAt = h.class === 64 ? 44 : 28;
  const shsize = h.class === 64 ? 64 : 40;
  if (h.shentsize !== shsize || !(h.shoff + shsize <= src.size)) {
    throw new ElfError(
      'ELF_CORRUPT',
      source,
      undefined,
      'e_phnum',
      'PN_XNUM without a readable section header 0',
    );
  }
  const count = f.u32(src.read(h.shoff, shsize), infoAt);
  if (count > ELF_LIMITS.maxProgramHeaders) {
    throw new ElfError(
      'ELF_LIMIT',
      source,
      h.shoff,
      'sh_info',
      `expected <= ${ELF_LIMITS.maxProgramHeaders} program headers, got ${count}`,
    );
  }
  return count;
}

/**
 * Maps a virtual address to a file offset through the PT_LOAD segments, as the loader sees memory.
 * Returns the offset and how many bytes of file data follow it in that segment; null when no segment
 * maps the address from file bytes.
 */
export function mapAddress(
  loads: readonly ProgramHeader[],
  vaddr: number,
): { offset: number; available: number } | null {
  for (const p of loads) {
    if (vaddr >= p.vaddr && vaddr - p.vaddr < p.filesz) {
      return { offset: p.offset + (vaddr - p.vaddr), available: p.filesz - (vaddr - p.vaddr) };
    }
  }
  return null;
}
