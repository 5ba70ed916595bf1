/**
 * Formats that are not initramfs segments the kernel reads, recognised by their magic so a refusal
 * says what the input is (and, for an LZ4 frame, how to make what the kernel takes). Beside the
 * codec table: one place names every segment format, read or refused.
 */

interface Refused {
  /** What it is, for messages: `an LZ4 frame`. */
  name: string;
  /** What to do instead, if there is a simple answer. */
  hint?: string;
  test(head: Uint8Array): boolean;
}

const at = (head: Uint8Array, offset: number, magic: readonly number[]): boolean =>
  head.length >= offset + magic.length && magic.every((b, i) => head[offset + i] === b);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const REFUSED: readonly Refused[] = [
  {
    name: 'an old binary cpio archive',
    hint: 'the kernel reads newc only: write it with cpio -H newc',
    test: (h) => at(h, 0, [0xc7, 0x71]) || at(h, 0, [0x71, 0xc7]),
  },
  {
    name: 'an afio archive ("070727")',
    hint: 'the kernel reads newc only: write it with cpio -H newc',
    test: (h) => at(h, 0, ascii('070727')),
  },
  {
    name: 'an LZ4 frame (04 22 4d 18)',
    hint: 'the kernel reads only the legacy LZ4 format: compress with lz4 -l',
    test: (h) => at(h, 0, [0x04, 0x22, 0x4d, 0x18]),
  },
  {
    name: 'a compress(1) .Z file (1f 9d)',
    hint: 'the kernel has no decoder for it: recompress with gzip, zstd or xz',
    test: (h) => at(h, 0, [0x1f, 0x9d]),
  },
  {
    name: 'an lzip file ("LZIP")',
    hint: 'the kernel has no decoder for it: recompress with gzip, zstd or xz',
    test: (h) => at(h, 0, ascii('LZIP')),
  },
  {
    name: 'a ustar/tar archive',
    hint: 'an initramfs is a cpio newc archive: bsdtar --format newc -cf - ... converts it',
    test: (h) => at(h, 257, ascii('ustar')),
  },
  {
    name: 'a zip archive ("PK")',
    hint: 'an initramfs is a cpio newc archive',
    test: (h) => at(h, 0, [0x50, 0x4b, 0x03, 0x04]) || at(h, 0, [0x50, 0x4b, 0x05, 0x06]),
  },
];

/** Bytes to look at to recognise every refused format (tar's magic is at offset 257). */
export const REFUSED_HEAD = 262;

/** What the segment starting with `head` is, when it is a format the kernel does not read. */
export function refusedFormat(head: Uint8Array): { name: string; hint?: string } | undefined {
  const found = REFUSED.find((format) => format.test(head));
  return found === undefined ? undefined : { name: found.name, ...(found.hint ? { hint: found.hint } : {}) };
}
