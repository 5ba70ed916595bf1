import { CodecFailure } from './codec-failure.js';

/**
 * Big-endian bit reader over a window of a bzip2 stream (bzip2 packs bits MSB first). The window is
 * refilled between blocks by the segment reader ({@link BitReader.load}); inside a block the reader
 * never waits. Reading past the window's end yields zero bits and is reported by
 * {@link BitReader.checkInside}: a truncation when the input has ended, a block larger than any
 * encoder writes otherwise.
 */
export class BitReader {
  buf: Uint8Array = new Uint8Array(0);
  /** Next byte of `buf` to load into the bit buffer. */
  pos = 0;
  /** End of the valid bytes in `buf`. */
  end = 0;
  /** Bit buffer: the low `count` bits are unread. */
  bits = 0;
  count = 0;
  /** Input offset of `buf[0]`. */
  base = 0;
  /** True when `end` is the end of the whole input. */
  ended = false;
  /** What a read past `end` means when the input has not ended (the window is the largest block). */
  limitText = '';

  /** Replaces the window, keeping the unread bits already loaded. */
  load(buf: Uint8Array, end: number, base: number, ended: boolean): void {
    this.buf = buf;
    this.end = end;
    this.pos = 0;
    this.base = base;
    this.ended = ended;
  }

  /** Input offset of the byte holding the next unread bit. */
  get offset(): number {
    return this.base + this.pos - (this.count >> 3);
  }

  /** Reads `n` bits (1..24). */
  read(n: number): number {
    while (this.count < n) {
      this.bits = (this.bits << 8) | (this.pos < this.end ? this.buf[this.pos]! : 0);
      this.pos++;
      this.count += 8;
    }
    this.count -= n;
    return (this.bits >>> this.count) & ((1 << n) - 1);
  }

  /** Reads 32 bits as an unsigned number. */
  read32(): number {
    return ((this.read(16) << 16) | this.read(16)) >>> 0;
  }

  /** Throws when bits past the end of the window were consumed. */
  checkInside(field: string): void {
    if (this.pos - (this.count >> 3) <= this.end) return;
    if (this.ended)
      throw new CodecFailure('truncated', this.base + this.end, field, 'more data', 'the end of input');
    throw new CodecFailure('corrupt', this.base + this.end, field, this.limitText, 'more');
  }

  /** Drops the bits up to the next byte boundary (the end of a stream is byte-aligned). */
  alignToByte(): void {
    this.count -= this.count & 7;
  }
}
