/** Builds small, valid ELF objects (headers, PT_INTERP, PT_DYNAMIC and strings only) for tests. */
export interface ElfSpec {
  class?: 32 | 64;
  endian?: 'little' | 'big';
  machine?: number;
  type?: 'exec' | 'dyn' | 'rel';
  osabi?: number;
  interpreter?: string;
  needed?: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
  flags1?: number;
  /** No PT_DYNAMIC at all. */
  noDynamic?: boolean;
}

const TYPE = { rel: 1, exec: 2, dyn: 3 } as const;

export function buildElf(spec: ElfSpec = {}): Uint8Array {
  const is64 = (spec.class ?? 64) === 64;
  const little = (spec.endian ?? 'little') === 'little';
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const dynent = is64 ? 16 : 8;
  // String table: offset 0 is the empty string.
  const strings: number[] = [0];
  const str = (s: string): number => {
    const at = strings.length;
    strings.push(...Buffer.from(s, 'utf8'), 0);
    return at;
  };
  const dyn: [number, number][] = [];
  for (const n of spec.needed ?? []) dyn.push([1, str(n)]);
  if (spec.soname !== undefined) dyn.push([14, str(spec.soname)]);
  if (spec.rpath !== undefined) dyn.push([15, str(spec.rpath)]);
  if (spec.runpath !== undefined) dyn.push([29, str(spec.runpath)]);
  if (spec.flags1 !== undefined) dyn.push([0x6ffffffb, spec.flags1]);
  const phnum = 1 + (spec.interpreter !== undefined ? 1 : 0) + (spec.noDynamic ? 0 : 1);
  const interpAt = ehsize + phnum * phentsize;
  const interpBytes = spec.interpreter === undefined ? [] : [...Buffer.from(spec.interpreter, 'utf8'), 0];
  const strAt = interpAt + interpBytes.length;
  const dynAt = Math.ceil((strAt + strings.length) / 8) * 8;
  dyn.push([5, strAt], [10, strings.length], [0, 0]);
  const size = dynAt + dyn.length * dynent;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  const u16 = (at: number, x: number): void => v.setUint16(at, x, little);
  const u32 = (at: number, x: number): void => v.setUint32(at, x, little);
  const word = (at: number, x: number): void =>
    is64 ? v.setBigUint64(at, BigInt(x), little) : v.setUint32(at, x, little);
  b.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1, spec.osabi ?? 0]);
  u16(16, TYPE[spec.type ?? 'dyn']);
  u16(18, spec.machine ?? 62);
  u32(20, 1);
  const w = is64 ? 8 : 4;
  word(24 + w, ehsize); // e_phoff
  const base = 24 + 3 * w + 4;
  u16(base, ehsize);
  u16(base + 2, phentsize);
  u16(base + 4, phnum);
  u16(base + 6, is64 ? 64 : 40);
  let ph = ehsize;
  const phdr = (type: number, offset: number, filesz: number): void => {
    u32(ph, type);
    if (is64) {
      u32(ph + 4, 4);
      word(ph + 8, offset);
      word(ph + 16, offset);
      word(ph + 24, offset);
      word(ph + 32, filesz);
      word(ph + 40, filesz);
      word(ph + 48, 8);
    } else {
      word(ph + 4, offset);
      word(ph + 8, offset);
      word(ph + 12, offset);
      word(ph + 16, filesz);
      word(ph + 20, filesz);
      u32(ph + 24, 4);
      word(ph + 28, 8);
    }
    ph += phentsize;
  };
  if (spec.interpreter !== undefined) phdr(3, interpAt, interpBytes.length);
  phdr(1, 0, size);
  if (!spec.noDynamic) phdr(2, dynAt, dyn.length * dynent);
  b.set(interpBytes, interpAt);
  b.set(strings, strAt);
  dyn.forEach(([tag, val], i) => {
    word(dynAt + i * dynent, tag);
    word(dynAt + i * dynent + w, val);
  });
  return b;
}
