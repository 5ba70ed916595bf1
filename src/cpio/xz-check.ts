/**
 * The integrity check an .xz stream declares, and whether the kernel can unpack it: the kernel's
 * decoder (lib/xz/xz_dec_stream.c dec_stream_header, built without XZ_USE_CRC64 and
 * XZ_DEC_ANY_CHECK) accepts only Check ID 0 (none) and 1 (CRC32) and fails on anything else with
 * "Initramfs unpacking failed: Input was encoded with settings that are not supported by this XZ
 * decoder". liblzma (our reader, and `xz -t`) accepts them all, so this is checked on its own.
 */

/** The 6-byte .xz Stream Header magic (xz file format 2.1.1.1). */
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] as const;

/** Bytes of the Stream Header that this reads: magic and the two Stream Flags bytes. */
export const XZ_HEADER_PREFIX = 8;

/** Check ID names (xz file format 3.4); IDs 2-3, 5-9 and 11-15 are reserved. */
const CHECK_NAMES: Readonly<Record<number, string>> = { 0: 'none', 1: 'CRC32', 4: 'CRC64', 10: 'SHA-256' };

/** What one .xz Stream Header declares. */
export interface XzStreamCheck {
  /** Check ID, the low nibble of Stream Flags byte 2 (file byte 7). */
  id: number;
  /** `none`, `CRC32`, `CRC64`, `SHA-256`, or `reserved ID n`. */
  name: string;
  /** Whether the kernel's xz decoder unpacks a stream with this check (ID 0 or 1). */
  kernelDecodes: boolean;
}

/**
 * Reads the check type from the first bytes of an .xz stream (at least {@link XZ_HEADER_PREFIX}).
 * Returns undefined when `header` is shorter or does not start with the .xz magic.
 *
 * @example xzStreamCheck(fs.readFileSync('initrd.img')) // { id: 1, name: 'CRC32', kernelDecodes: true }
 */
export function xzStreamCheck(header: Uint8Array): XzStreamCheck | undefined {
  if (header.length < XZ_HEADER_PREFIX) return undefined;
  if (!XZ_MAGIC.every((b, i) => header[i] === b)) return undefined;
  // A non-zero first flags byte or upper nibble is a reserved bit: also XZ_OPTIONS_ERROR.
  const flags = ((header[6] as number) << 8) | (header[7] as number);
  const id = flags & 0x0f;
  const name = CHECK_NAMES[id] ?? `reserved ID ${id}`;
  return { id, name, kernelDecodes: (flags & 0xfff0) === 0 && id <= 1 };
}
