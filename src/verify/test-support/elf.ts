/** ELF bytes for tests: the smallest headers that carry (or lack) a PT_INTERP. */

/** A minimal ELF with one PT_LOAD and one PT_INTERP program header. */
export function elf(is64: boolean, little: boolean, interp: string | null): Uint8Array {
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phnum = interp === null ? 1 : 2;
  const strAt = ehsize + phnum * phentsize;
  const str = Buffer.from(`${interp ?? ''}\0`);
  const bytes = new Uint8Array(strAt + str.length);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1]);
  const w = (at: number, n: number) =>
    is64 ? v.setBigUint64(at, BigInt(n), little) : v.setUint32(at, n, little);
  w(is64 ? 0x20 : 0x1c, ehsize);
  v.setUint16(is64 ? 0x36 : 0x2a, phentsize, little);
  v.setUint16(is64 ? 0x38 : 0x2c, phnum, little);
  v.setUint32(ehsize, 1, little); // PT_LOAD
  if (interp !== null) {
    const ph = ehsize + phentsize;
    v.setUint32(ph, 3, little); // PT_INTERP
    w(ph + (is64 ? 0x08 : 0x04), strAt);
    w(ph + (is64 ? 0x20 : 0x10), str.length);
  }
  bytes.set(str, strAt);
  return bytes;
}
