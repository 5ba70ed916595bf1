/**
 * The one ELF fact the verifier needs: the program interpreter (PT_INTERP), without which execve
 * fails with ENOENT even though the file itself is there.
 */

const PT_INTERP = 3;

/**
 * Returns the PT_INTERP path of an ELF image, or null when it has none (static) or when the
 * headers are too short or inconsistent to tell (such a file is judged by its magic alone).
 * @example elfInterpreter(bytes) // '/lib64/ld-linux-x86-64.so.2'
 */
export function elfInterpreter(data: Uint8Array): string | null {
  if (data.length < 0x34 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) {
    return null;
  }
  const is64 = data[4] === 2;
  const little = data[5] !== 2;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const word = (at: number) => (is64 ? Number(view.getBigUint64(at, little)) : view.getUint32(at, little));
  if (is64 && data.length < 0x40) return null;
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  const minEntry = is64 ? 0x38 : 0x20;
  if (phnum === 0 || phentsize < minEntry) return null;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + minEntry > data.length) return null;
    if (view.getUint32(ph, little) !== PT_INTERP) continue;
    const offset = word(ph + (is64 ? 0x08 : 0x04));
    const size = word(ph + (is64 ? 0x20 : 0x10));
    if (size === 0 || offset + size > data.length) return null;
    const bytes = data.subarray(offset, offset + size);
    const nul = bytes.indexOf(0);
    return Buffer.from(nul >= 0 ? bytes.subarray(0, nul) : bytes).toString('utf8');
  }
  return null;
}
