/**
 * The `.modinfo` section of a kernel module (an ELF relocatable): NUL-separated `key=value` strings
 * such as `name=virtio_net`, `depends=virtio_ring,virtio,net_failover`, `alias=virtio:d00000001v*`.
 * It is what depmod reads to write modules.dep and modules.alias.
 */
import { InputError } from '../errors/index.js';

/** The fields of a module's .modinfo that modules.dep and modules.alias are made of. */
export interface ModInfo {
  /** `name=`; older modules lack it and are named after their file. */
  name?: string;
  /** Names of the modules this one needs (`depends=`), possibly empty. */
  depends: string[];
  /** `alias=` patterns. */
  aliases: string[];
}

/**
 * Reads the .modinfo section of the module `bytes` (uncompressed). `file` names it in messages.
 *
 * Refuses (InputError `MODULE_NOT_ELF`) a file that is not a 32- or 64-bit ELF, and
 * (`MODULE_NO_MODINFO`) one without a .modinfo section.
 */
export function readModInfo(bytes: Uint8Array, file: string): ModInfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) {
    throw new InputError('MODULE_NOT_ELF', `${file}: not an ELF module (no \\x7fELF magic)`, { file });
  }
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const word = (o: number) => (is64 ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o));
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    if (at + shentsize > buf.length) {
      throw new InputError('MODULE_NOT_ELF', `${file}: section header ${i} lies past the end of the file`, {
        file,
      });
    }
    return {
      name: u32(at),
      offset: word(at + (is64 ? 0x18 : 0x10)),
      size: word(at + (is64 ? 0x20 : 0x14)),
    };
  };
  const names = section(shstrndx);
  for (let i = 0; i < shnum; i += 1) {
    const s = section(i);
    const nameAt = names.offset + s.name;
    const name = buf.subarray(nameAt, buf.indexOf(0, nameAt)).toString('latin1');
    if (name !== '.modinfo') continue;
    if (s.offset + s.size > buf.length) {
      throw new InputError('MODULE_NOT_ELF', `${file}: .modinfo lies past the end of the file`, { file });
    }
    return parseModInfo(buf.subarray(s.offset, s.offset + s.size));
  }
  throw new InputError('MODULE_NO_MODINFO', `${file}: has no .modinfo section: not a kernel module`, {
    file,
  });
}

function parseModInfo(section: Buffer): ModInfo {
  const info: ModInfo = { depends: [], aliases: [] };
  for (const entry of section.toString('latin1').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (key === 'name') info.name = value;
    else if (key === 'depends') info.depends = value.split(',').filter((d) => d !== '');
    else if (key === 'alias') info.aliases.push(value);
  }
  return info;
}
