/**
 * Byte-level edits of real ELF64 little-endian objects, for the differential test's broken images:
 * where the loaded bytes end, where the dynamic section and its strings end, and in-place patches of
 * e_machine, EI_CLASS and a version name a binary needs. An independent reader on purpose: the test
 * must not share the code it checks.
 */

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;

interface Phdr {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function requireElf64(bytes: Uint8Array): void {
  const magic = bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  if (!magic || bytes[4] !== 2 || bytes[5] !== 1) throw new Error('not an ELF64 little-endian object');
}

function phdrs(bytes: Uint8Array): Phdr[] {
  requireElf64(bytes);
  const v = view(bytes);
  const phoff = Number(v.getBigUint64(0x20, true));
  const entsize = v.getUint16(0x36, true);
  const count = v.getUint16(0x38, true);
  const out: Phdr[] = [];
  for (let i = 0; i < count; i++) {
    const at = phoff + i * entsize;
    out.push({
      type: v.getUint32(at, true),
      offset: Number(v.getBigUint64(at + 8, true)),
      vaddr: Number(v.getBigUint64(at + 16, true)),
      filesz: Number(v.getBigUint64(at + 32, true)),
    });
  }
  return out;
}

function fileOffset(bytes: Uint8Array, vaddr: number): number {
  for (const p of phdrs(bytes)) {
    if (p.type === PT_LOAD && vaddr >= p.vaddr && vaddr < p.vaddr + p.filesz)
      return p.offset + vaddr - p.vaddr;
  }
  throw new Error(`address 0x${vaddr.toString(16)} is in no PT_LOAD`);
}

function dynamicTags(bytes: Uint8Array): Map<number, number> {
  const dyn = phdrs(bytes).find((p) => p.type === PT_DYNAMIC);
  if (!dyn) throw new Error('no PT_DYNAMIC');
  const v = view(bytes);
  const tags = new Map<number, number>();
  for (let at = dyn.offset; at + 16 <= dyn.offset + dyn.filesz; at += 16) {
    const tag = Number(v.getBigUint64(at, true));
    if (tag === 0) break;
    if (!tags.has(tag)) tags.set(tag, Number(v.getBigUint64(at + 8, true)));
  }
  return tags;
}

/** One past the last byte any PT_LOAD maps from the file: what follows is section headers and the like. */
export function loadedEnd(bytes: Uint8Array): number {
  return Math.max(...phdrs(bytes).map((p) => (p.type === PT_LOAD ? p.offset + p.filesz : 0)));
}

/**
 * One past the last byte a header reader needs: the program headers, the dynamic section and the
 * dynamic string table. A file cut here still parses, but its PT_LOAD segments run past its end.
 */
export function headersEnd(bytes: Uint8Array): number {
  const all = phdrs(bytes);
  const v = view(bytes);
  const phoff = Number(v.getBigUint64(0x20, true));
  const dyn = all.find((p) => p.type === PT_DYNAMIC);
  const tags = dynamicTags(bytes);
  const strtab = fileOffset(bytes, tags.get(DT_STRTAB) ?? 0);
  return Math.max(
    phoff + all.length * v.getUint16(0x36, true),
    dyn ? dyn.offset + dyn.filesz : 0,
    strtab + (tags.get(DT_STRSZ) ?? 0),
  );
}

/** A copy with e_machine set to `machine` (e.g. 183, EM_AARCH64). */
export function withMachine(bytes: Uint8Array, machine: number): Uint8Array {
  requireElf64(bytes);
  const copy = Uint8Array.from(bytes);
  view(copy).setUint16(0x12, machine, true);
  return copy;
}

/** A copy with EI_CLASS set to ELFCLASS32: the loader rejects it with "wrong ELF class". */
export function withClass32(bytes: Uint8Array): Uint8Array {
  requireElf64(bytes);
  const copy = Uint8Array.from(bytes);
  copy[4] = 1;
  return copy;
}

/** File offset of the first Verneed record (DT_VERNEED); throws when there is none. */
export function versionNeedOffset(bytes: Uint8Array): number {
  const vaddr = dynamicTags(bytes).get(DT_VERNEED);
  if (vaddr === undefined) throw new Error('no DT_VERNEED');
  return fileOffset(bytes, vaddr);
}

/** The System V ELF hash, as vna_hash and vd_hash hold it. */
export function elfHash(name: string): number {
  let h = 0;
  for (const c of Buffer.from(name, 'latin1')) {
    h = ((h << 4) + c) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h;
}

/**
 * A copy of a binary whose DT_VERNEED asks for version `to` wherever it asked for `from` (same
 * length; the string and every vna_hash naming it are patched), as if it had been linked against a
 * newer library than the one the image carries; with `weak`, those references are also marked
 * VER_FLG_WEAK. Throws when it needs no version `from`.
 */
export function withNeededVersion(
  bytes: Uint8Array,
  from: string,
  to: string,
  options: { weak?: boolean } = {},
): Uint8Array {
  if (from.length !== to.length) throw new Error('version names must have the same length');
  const copy = Uint8Array.from(bytes);
  const v = view(copy);
  const tags = dynamicTags(copy);
  const strtab = fileOffset(copy, tags.get(DT_STRTAB) ?? 0);
  let need = fileOffset(copy, tags.get(DT_VERNEED) ?? 0);
  let patched = 0;
  for (let i = 0; i < (tags.get(DT_VERNEEDNUM) ?? 0); i++) {
    const count = v.getUint16(need + 2, true);
    let aux = need + v.getUint32(need + 8, true);
    for (let j = 0; j < count; j++) {
      const nameAt = strtab + v.getUint32(aux + 8, true);
      const name = Buffer.from(copy.subarray(nameAt, nameAt + from.length + 1)).toString('latin1');
      if (name === `${from}\0` || name === `${to}\0`) {
        copy.set(Buffer.from(to, 'latin1'), nameAt);
        v.setUint32(aux, elfHash(to), true);
        if (options.weak) v.setUint16(aux + 4, v.getUint16(aux + 4, true) | 2, true);
        patched++;
      }
      aux += v.getUint32(aux + 12, true);
    }
    need += v.getUint32(need + 12, true);
  }
  if (patched === 0) throw new Error(`no needed version ${from}`);
  return copy;
}
