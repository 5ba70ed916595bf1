import { COMPRESSION_NAMES, COMPRESSIONS, type Compression } from '../compression/codecs.js';

/** Magic numbers the kernel's decompress_method() knows (lib/decompress.c), longest form. */
const MAGICS: ReadonlyArray<readonly [MagicCompression, readonly number[]]> = COMPRESSION_NAMES.flatMap(
  (name) => {
    const magic: readonly number[] | undefined = COMPRESSIONS[name].magic;
    return magic && name !== 'none' ? [[name, magic] as const] : [];
  },
);

/** A compression recognised by its magic (every one but `none`). */
export type MagicCompression = Exclude<Compression, 'none'>;

/** "07070": the start of every cpio ASCII magic (newc 070701, crc 070702, odc 070707). */
const CPIO_PREFIX = [0x30, 0x37, 0x30, 0x37, 0x30];

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/**
 * Names what the bytes at the start of a segment are: a compression format by its magic, `'cpio'`
 * for an uncompressed cpio archive (any `07070x` magic; the reader refuses odc later), or
 * `'unknown'`. Give it at least 6 bytes.
 *
 * @example detectCompression(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0])) // 'gzip'
 */
export function detectCompression(head: Uint8Array): MagicCompression | 'cpio' | 'unknown' {
  if (startsWith(head, CPIO_PREFIX)) return 'cpio';
  for (const [name, magic] of MAGICS) if (startsWith(head, magic)) return name;
  return 'unknown';
}
