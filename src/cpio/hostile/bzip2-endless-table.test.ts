// Hostile archive: a bzip2 block whose code-length table never ends (each length stepped up and
// down forever, as the format allows). The decoder holds at most the largest block an encoder can
// write for the stream's block size, and refuses the block once it needs more, instead of buffering
// the input; cut short, the same block is a truncation.
import { describe, expect, it } from 'vitest';
import { readError } from '../test-support/records.js';

/** MSB-first bit writer, as bzip2 packs its bits. */
class Bits {
  readonly bytes: number[] = [];
  #acc = 0;
  #count = 0;
  put(value: number, n: number): this {
    for (let i = n - 1; i >= 0; i--) {
      this.#acc = (this.#acc << 1) | ((value >>> i) & 1);
      if (++this.#count === 8) {
        this.bytes.push(this.#acc);
        this.#acc = 0;
        this.#count = 0;
      }
    }
    return this;
  }
}

/** `BZh1`, one block header with one byte value in use, 2 tables, 1 selector, then `steps` up/down steps. */
function endlessBlock(steps: number): Buffer {
  const bits = new Bits();
  for (const b of Buffer.from('BZh1')) bits.put(b, 8);
  bits.put(0x314159, 24).put(0x265359, 24).put(0, 32); // block magic, CRC
  bits.put(0, 1).put(0, 24); // not randomised, origPtr 0
  bits.put(0x8000, 16).put(0x8000, 16); // byte 0x00 in use
  bits.put(2, 3).put(1, 15).put(0, 1); // 2 tables, 1 selector: table 0
  bits.put(1, 5); // first code length 1, then +1, -1, +1, -1 ...
  for (let i = 0; i < steps; i++) bits.put(0b1011, 4);
  return Buffer.from(bits.bytes);
}

describe('bzip2 block that never ends', () => {
  it('is refused once it passes the largest block of its size, the input still flowing', async () => {
    const err = await readError(endlessBlock(2_000_000), { source: 'img' }, 65536);
    expect(err.code).toBe('CPIO_DECOMPRESS');
    // Named at the end of the window (4 header bytes + twice the largest block, 0x9a120).
    expect(err.message).toBe(
      'img:0x9a124: segment 0 (bzip2) at 0x0: bzip2 block: expected a block of at most 315536 bytes (block size 1), got more',
    );
  });

  it('cut short, it is a truncation at the end of the input', async () => {
    const bytes = endlessBlock(100_000);
    const err = await readError(bytes, { source: 'img' }, 4096);
    expect(err.code).toBe('CPIO_TRUNCATED');
    expect(err.message).toBe(
      `img:0x${bytes.length.toString(16)}: segment 0 (bzip2) at 0x0: bzip2 block: expected more data, got the end of input`,
    );
  });
});
