/**
 * Symbol versioning as glibc's loader checks it before a program runs (elf/dl-version.c,
 * `_dl_check_map_versions`): the versions an object needs from each library it names (DT_VERNEED,
 * the `.gnu.version_r` records) and the versions a library defines (DT_VERDEF, `.gnu.version_d`).
 * A needed version the library does not define stops the program with
 * "version `OPENSSL_3.2.0' not found (required by ...)" before main.
 */
import { bufferSource, type RandomAccessSource } from '../util/random-access-source.js';
import type { FieldReader } from './elf-header.js';
import { readElfHeader } from './elf-header.js';
import { ELF_LIMITS, ElfError } from './errors.js';
import { mapAddress, PT, readProgramHeaders } from './program-headers.js';

const DT_NULL = 0;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_VERDEF = 0x6ffffffc;
const DT_VERNEED = 0x6ffffffe;
/** vna_flags: the reference may be missing (the loader then only warns). */
const VER_FLG_WEAK = 0x2;
/** Records of one chain read before giving up: far above any real object, and it ends a vn_next loop. */
const MAX_RECORDS = 65_536;

/** A version name with the ELF hash stored beside it (vna_hash / vd_hash): the loader compares both. */
export interface VersionName {
  name: string;
  hash: number;
}

/** What an object needs from one library (one Verneed record and its Vernaux entries). */
export interface VersionNeed {
  /** vn_file: the library's name as in DT_NEEDED, e.g. `libcrypto.so.3`. */
  file: string;
  versions: (VersionName & { weak: boolean })[];
}

/** The symbol versioning facts of one object. */
export interface ElfVersions {
  needs: VersionNeed[];
  /** Every version the object defines (its base name included); null when it has no DT_VERDEF. */
  defs: VersionName[] | null;
}

/**
 * Reads DT_VERNEED and DT_VERDEF of an ELF object in memory (both empty for a static object).
 * Throws {@link ElfError}: the header errors of {@link readElfHeader}, ELF_CORRUPT for an unmapped
 * table, an unsupported record version or a string outside DT_STRTAB, ELF_TRUNCATED for records
 * past the end of the file, ELF_LIMIT for a chain longer than any real object's.
 */
export function readElfVersions(bytes: Uint8Array, source: string): ElfVersions {
  return readElfVersionsSource(bufferSource(bytes), source);
}

/**
 * {@link readElfVersions} over any byte source: reads only the headers, PT_DYNAMIC, the version
 * records and the strings they name (a few pages of a file, never the whole of a 100 MB library).
 * Throws the same errors.
 */
export function readElfVersionsSource(src: RandomAccessSource, source: string): ElfVersions {
  const { header, fields: f } = readElfHeader(src, source);
  const phdrs = readProgramHeaders(src, header, f, source);
  const loads = phdrs.filter((p) => p.type === PT.LOAD);
  const dyn = phdrs.find((p) => p.type === PT.DYNAMIC);
  if (dyn === undefined) return { needs: [], defs: null };
  const tags = dynamicTags(src, f, header.class, dyn.offset, dyn.filesz, source);
  const at = (tag: number, field: string): number | undefined => {
    const vaddr = tags.get(tag);
    if (vaddr === undefined) return undefined;
    const mapped = mapAddress(loads, vaddr);
    if (mapped === null) {
      throw new ElfError(
        'ELF_CORRUPT',
        source,
        dyn.offset,
        field,
        `address 0x${vaddr.toString(16)} is in no PT_LOAD`,
      );
    }
    return mapped.offset;
  };
  const strtab = at(DT_STRTAB, 'DT_STRTAB');
  const strsz = tags.get(DT_STRSZ) ?? 0;
  const str = (off: number, field: string): string => {
    if (strtab === undefined || !(off < strsz)) {
      throw new ElfError(
        'ELF_CORRUPT',
        source,
        strtab,
        field,
        `string offset 0x${off.toString(16)} is outside DT_STRTAB`,
      );
    }
    // A window of PATH_MAX + 1 bytes holds any acceptable string and its NUL.
    const window = src.read(strtab + off, ELF_LIMITS.maxStringLength + 1);
    const end = window.indexOf(0);
    if (end < 0) {
      throw new ElfError(
        'ELF_TRUNCATED',
        source,
        strtab + off,
        field,
        'string has no NUL before the end of the file',
      );
    }
    return Buffer.from(window.buffer, window.byteOffset, end).toString('utf8');
  };
  const record = (offset: number, size: number, field: string): Uint8Array => {
    const b = src.read(offset, size);
    if (b.length < size) {
      throw new ElfError(
        'ELF_TRUNCATED',
        source,
        offset,
        field,
        `record ends past the file size ${src.size}`,
      );
    }
    return b;
  };

  const needs: VersionNeed[] = [];
  let auxRead = 0;
  const needAt = at(DT_VERNEED, 'DT_VERNEED');
  if (needAt !== undefined) {
    chain(needAt, 'Verneed', source, (offset) => {
      const vn = record(offset, 16, 'Verneed');
      checkRecordVersion(f.u16(vn, 0), offset, 'vn_version', source);
      const need: VersionNeed = { file: str(f.u32(vn, 4), 'vn_file'), versions: [] };
      let aux = offset + f.u32(vn, 8);
      for (let i = 0; i < f.u16(vn, 2); i++) {
        if (++auxRead > MAX_RECORDS) {
          throw new ElfError('ELF_LIMIT', source, offset, 'Vernaux', `expected <= ${MAX_RECORDS} entries`);
        }
        const a = record(aux, 16, 'Vernaux');
        need.versions.push({
          name: str(f.u32(a, 8), 'vna_name'),
          hash: f.u32(a, 0),
          weak: (f.u16(a, 4) & VER_FLG_WEAK) !== 0,
        });
        aux += f.u32(a, 12);
      }
      needs.push(need);
      return f.u32(vn, 12);
    });
  }
  const defAt = at(DT_VERDEF, 'DT_VERDEF');
  if (defAt === undefined) return { needs, defs: null };
  const defs: VersionName[] = [];
  chain(defAt, 'Verdef', source, (offset) => {
    const vd = record(offset, 20, 'Verdef');
    checkRecordVersion(f.u16(vd, 0), offset, 'vd_version', source);
    // The first Verdaux names the version; later ones name its parents (not definitions).
    const aux = record(offset + f.u32(vd, 12), 8, 'Verdaux');
    defs.push({ name: str(f.u32(aux, 0), 'vda_name'), hash: f.u32(vd, 8) });
    return f.u32(vd, 16);
  });
  return { needs, defs };
}

/**
 * The versions of `need` the loader would fail on when `defs` are what the library defines: every
 * non-weak one without a definition of equal hash and name. None when the library has no DT_VERDEF
 * (glibc then only warns, "no version information available").
 */
export function missingVersions(need: VersionNeed, defs: readonly VersionName[] | null): string[] {
  if (defs === null) return [];
  return need.versions
    .filter((v) => !v.weak && !defs.some((d) => d.hash === v.hash && d.name === v.name))
    .map((v) => v.name);
}

/** Visits a vn_next / vd_next chain: `visit` returns the offset of the next record, 0 at the end. */
function chain(first: number, field: string, source: string, visit: (offset: number) => number): void {
  let offset = first;
  for (let n = 0; n < MAX_RECORDS; n++) {
    const next = visit(offset);
    if (next === 0) return;
    offset += next;
  }
  throw new ElfError('ELF_LIMIT', source, first, field, `expected <= ${MAX_RECORDS} records in the chain`);
}

function checkRecordVersion(version: number, offset: number, field: string, source: string): void {
  // dl-version.c refuses any other revision ("unsupported version of Verneed record").
  if (version !== 1) throw new ElfError('ELF_CORRUPT', source, offset, field, `expected 1, got ${version}`);
}

/** The first value of each dynamic tag of PT_DYNAMIC (the loader keeps the first, too). */
function dynamicTags(
  src: RandomAccessSource,
  f: FieldReader,
  elfClass: 32 | 64,
  offset: number,
  size: number,
  source: string,
): Map<number, number> {
  const entsize = elfClass === 64 ? 16 : 8;
  const count = Math.min(Math.floor(size / entsize), ELF_LIMITS.maxDynamicEntries);
  if (!(offset + count * entsize <= src.size)) {
    throw new ElfError('ELF_TRUNCATED', source, offset, 'PT_DYNAMIC', `ends past the file size ${src.size}`);
  }
  const tags = new Map<number, number>();
  // Read in chunks, stopping at DT_NULL: a lying p_filesz costs no large allocation.
  const chunkEntries = 256;
  for (let first = 0; first < count; first += chunkEntries) {
    const n = Math.min(chunkEntries, count - first);
    const b = src.read(offset + first * entsize, n * entsize);
    for (let i = 0; i < n; i++) {
      const at = i * entsize;
      const tag = elfClass === 64 ? f.u64(b, at) : f.u32(b, at);
      if (tag === DT_NULL) return tags;
      if (!tags.has(tag)) tags.set(tag, elfClass === 64 ? f.u64(b, at + 8) : f.u32(b, at + 4));
    }
  }
  return tags;
}
