import type { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';
import { decodeLz4Block } from './lz4-block.js';
import { decodeError, takeOrTruncated } from './segment-decoder.js';

/** Legacy frame magic 0x184C2102 (what `lz4 -l` writes and the kernel's unlz4 reads). */
const LEGACY_MAGIC = 0x184c2102;
/** Each legacy block decompresses to at most 8 MiB. */
const BLOCK_MAX = 8 * 1024 * 1024;
/** LZ4_compressBound(8 MiB): no valid block is larger. */
const COMPRESSED_MAX = BLOCK_MAX + Math.floor(BLOCK_MAX / 255) + 16;

/**
 * Decodes an lz4 legacy stream: the magic, then blocks of (u32le compressed size, data). Like the
 * kernel's unlz4 (lib/decompress_unlz4.c) a repeated magic starts a new frame in the same stream,
 * and the stream ends at the end of input or at a zero size word (NUL padding, left in `src`); the
 * legacy format has no end mark, so nothing but padding may follow it.
 */
export async function* unlz4Legacy(src: SequentialSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
  for (;;) {
    const at = src.position;
    if (!(await src.ensure(4))) {
      const rest = src.peek(src.buffered);
      if (rest.every((b) => b === 0)) return;
      throw decodeError(
        'CPIO_TRUNCATED',
        place,
        at,
        'lz4 block size',
        '4 bytes',
        `${rest.length} before the end of input`,
      );
    }
    const word = src.peek(4);
    const size = (word[0]! | (word[1]! << 8) | (word[2]! << 16) | (word[3]! << 24)) >>> 0;
    if (size === 0) return;
    src.skip(4);
    if (size === LEGACY_MAGIC) continue;
    if (size > COMPRESSED_MAX) {
      throw decodeError('CPIO_DECOMPRESS', place, at, 'lz4 block size', `<= ${COMPRESSED_MAX}`, String(size));
    }
    const block = await takeOrTruncated(src, size, place, 'lz4 block');
    const out = decodeLz4Block(block, BLOCK_MAX);
    if (typeof out === 'string')
      throw decodeError('CPIO_DECOMPRESS', place, at + 4, 'lz4 block', 'a valid LZ4 block', out);
    yield out;
  }
}
