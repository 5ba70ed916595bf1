import fs from 'node:fs';
import { InputError } from '../errors/index.js';
import { errnoText } from '../util/fs-errors.js';
import {
  bufferSource,
  pagedSource,
  type RandomAccessSource,
  readFdRange,
} from '../util/random-access-source.js';
import { DF_1, readDynamic, readInterpreter } from './dynamic.js';
import { readElfHeader } from './elf-header.js';
import type { ElfType } from './machines.js';
import { PT, readProgramHeaders } from './program-headers.js';

/** How an object is run: by the kernel alone, through an interpreter, or loaded by one. */
export type ElfKind = 'static' | 'dynamic' | 'static-pie' | 'shared' | 'object';

/** What the loader needs to know about one ELF object. */
export interface ElfInfo {
  class: 32 | 64;
  endian: 'little' | 'big';
  machine: number;
  /** e.g. `x86_64`, `aarch64`; `machine-<n>` when unknown. */
  machineName: string;
  osabi: number;
  abiVersion: number;
  /** `e_version` and whether e_ident's padding is zero: glibc refuses a library otherwise. */
  version: number;
  identPaddingZero: boolean;
  type: ElfType;
  /**
   * `static` (no interpreter), `dynamic` (an executable with PT_INTERP), `static-pie` (ET_DYN, no
   * interpreter, DF_1_PIE), `shared` (a library, even one that is also runnable like libc.so.6),
   * `object` (relocatable, core or unknown type: nothing to load).
   */
  kind: ElfKind;
  /** PT_INTERP path. */
  interpreter?: string;
  /** DT_NEEDED names in order. */
  needed: string[];
  soname?: string;
  /** DT_RPATH / DT_RUNPATH split on `:` (tokens such as `$ORIGIN` left unexpanded). */
  rpath: string[];
  runpath: string[];
  /** DT_FLAGS_1 (0 when absent). */
  flags1: number;
  /** True when there is a PT_DYNAMIC segment. */
  hasDynamic: boolean;
}

/**
 * Parses an ELF object from any byte source (headers, PT_INTERP, PT_DYNAMIC and the dynamic string table
 * only). Throws {@link ElfError} (ELF_BAD_MAGIC, ELF_TRUNCATED, ELF_CORRUPT, ELF_LIMIT) naming `source`.
 */
export function readElfSource(src: RandomAccessSource, source: string): ElfInfo {
  const { header: h, fields } = readElfHeader(src, source);
  const phdrs = readProgramHeaders(src, h, fields, source);
  const loads = phdrs.filter((p) => p.type === PT.LOAD);
  // The first PT_INTERP and PT_DYNAMIC count, as for the kernel (fs/binfmt_elf.c) and ld.so.
  const interpHeader = phdrs.find((p) => p.type === PT.INTERP);
  const dynHeader = phdrs.find((p) => p.type === PT.DYNAMIC);
  const interpreter = interpHeader ? readInterpreter(src, interpHeader, source) : undefined;
  const dyn = dynHeader ? readDynamic(src, h, fields, dynHeader, loads, source) : { needed: [], flags1: 0 };
  const info: ElfInfo = {
    class: h.class,
    endian: h.endian,
    machine: h.machine,
    machineName: h.machineName,
    osabi: h.osabi,
    abiVersion: h.abiVersion,
    version: h.version,
    identPaddingZero: h.identPaddingZero,
    type: h.type,
    kind: 'object',
    needed: dyn.needed,
    rpath: splitPath(dyn.rpath),
    runpath: splitPath(dyn.runpath),
    flags1: dyn.flags1,
    hasDynamic: dynHeader !== undefined,
  };
  if (interpreter !== undefined) info.interpreter = interpreter;
  if (dyn.soname !== undefined) info.soname = dyn.soname;
  info.kind = classify(info);
  return info;
}

function splitPath(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(':');
}

function classify(info: ElfInfo): ElfKind {
  if (info.type === 'exec') return info.interpreter !== undefined ? 'dynamic' : 'static';
  if (info.type !== 'dyn') return 'object';
  const pie = (info.flags1 & DF_1.PIE) !== 0;
  if (info.interpreter !== undefined) {
    // A runnable library (libc.so.6 has PT_INTERP) has a soname and no DF_1_PIE; a PIE has the flag
    // (binutils >= 2.26) or at least no soname.
    return pie || info.soname === undefined ? 'dynamic' : 'shared';
  }
  if (!info.hasDynamic) return 'static';
  return pie ? 'static-pie' : 'shared';
}

/** Parses an ELF object held in memory. Pure; throws {@link ElfError} naming `source`. */
export function readElfInfo(bytes: Uint8Array, source: string): ElfInfo {
  return readElfSource(bufferSource(bytes), source);
}

/**
 * Parses the ELF object at `path`, reading only the ranges it needs (headers, PT_INTERP, PT_DYNAMIC and
 * the strings it names) through one file descriptor, never the whole file. Throws {@link ElfError} for
 * bad content and InputError FILE_UNREADABLE when the file cannot be opened or read.
 */
export function readElfFile(path: string): ElfInfo {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    throw new InputError('FILE_UNREADABLE', `${path}: cannot open: ${errnoText(err)}`, { file: path });
  }
  try {
    const size = fs.fstatSync(fd).size;
    return readElfSource(
      pagedSource(size, (offset, length) => readFdRange(fd, offset, length)),
      path,
    );
  } finally {
    fs.closeSync(fd);
  }
}
