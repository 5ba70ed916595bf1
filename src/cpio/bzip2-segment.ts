import { BitReader } from '../compression/bzip2-bit-reader.js';
import { Bzip2Block } from '../compression/bzip2-block.js';
import { combineBlockCrc } from '../compression/bzip2-crc.js';
import { CodecFailure } from '../compression/codec-failure.js';
import type { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';
import { codecFailureError, decodeError, takeOrTruncated } from './segment-decoder.js';

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const OUT_CHUNK = 64 * 1024;

/**
 * Decodes one bzip2 stream (RD_BZIP2; the kernel's lib/decompress_bunzip2.c is the reference):
 * `BZh1`..`BZh9`, blocks, the end mark and the stream CRC. Each block's CRC and the stream's are
 * checked; the bytes after the byte-aligned end (the next segment) are left in `src`.
 *
 * Memory is bounded by the block size: before a block, the input window holds the most bytes a
 * block of that size can take (every symbol at the longest code, 20 bits), so a block decodes
 * without waiting, and a block that needs more is corrupt. Output goes out in 64 KiB pieces.
 */
export async function* bunzip2Stream(src: SequentialSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
  const start = src.position;
  const head = await takeOrTruncated(src, 4, place, 'bzip2 header');
  const level = head[3]! - 0x30;
  if (level < 1 || level > 9) {
    const shown =
      head[3]! >= 0x20 && head[3]! < 0x7f
        ? `"${String.fromCharCode(head[3]!)}"`
        : `0x${head[3]!.toString(16)}`;
    throw decodeError(
      'CPIO_DECOMPRESS',
      place,
      start + 3,
      'bzip2 block size',
      '"1" to "9" (x 100 kB)',
      shown,
    );
  }
  const block = new Bzip2Block(level * 100_000);
  const window = new InputWindow(src, Math.ceil((block.blockMax * 20) / 8) + 64 * 1024);
  const r = new BitReader();
  r.limitText = `a block of at most ${window.span} bytes (block size ${level})`;
  let streamCrc = 0;
  try {
    for (;;) {
      await window.refill(r);
      const hi = r.read(24);
      const lo = r.read(24);
      const storedCrc = r.read32();
      r.checkInside('bzip2 block header');
      if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
        if (storedCrc !== streamCrc) {
          throw new CodecFailure('corrupt', r.offset - 4, 'bzip2 stream CRC', hex(streamCrc), hex(storedCrc));
        }
        r.alignToByte();
        window.giveBack(r);
        return;
      }
      if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) {
        throw new CodecFailure(
          'corrupt',
          r.offset - 10,
          'bzip2 block magic',
          '31 41 59 26 53 59 (block) or 17 72 45 38 50 90 (end)',
          `${hex(hi, 6)}${hex(lo, 6).slice(2)}`,
        );
      }
      const blockAt = r.offset - 10;
      block.decode(r);
      for (;;) {
        const out = new Uint8Array(OUT_CHUNK);
        const n = block.fill(out);
        if (n === 0) break;
        yield out.subarray(0, n);
      }
      if (block.crc !== storedCrc) {
        throw new CodecFailure('corrupt', blockAt + 6, 'bzip2 block CRC', hex(block.crc), hex(storedCrc));
      }
      streamCrc = combineBlockCrc(streamCrc, block.crc);
    }
  } catch (caught) {
    if (!(caught instanceof CodecFailure)) throw caught;
    // Zero bits read past the end of the input make any field look corrupt: report the end.
    const err = pastEnd(r) ?? caught;
    throw codecFailureError(err, place);
  }
}

/** The failure to report when the reader consumed bits past its window, if it did. */
function pastEnd(r: BitReader): CodecFailure | undefined {
  try {
    r.checkInside('bzip2 block');
    return undefined;
  } catch (err) {
    if (err instanceof CodecFailure) return err;
    throw err;
  }
}

const hex = (n: number, digits = 8) => `0x${n.toString(16).padStart(digits, '0')}`;

/**
 * A contiguous window over `src` for the bit reader: refilled before each block so at least
 * `span` bytes (or the rest of the input) are in it; each refill moves only the unread tail.
 */
class InputWindow {
  readonly span: number;
  readonly #src: SequentialSource;
  readonly #buf: Uint8Array;
  #end = 0;
  #base: number;
  #ended = false;

  constructor(src: SequentialSource, span: number) {
    this.#src = src;
    this.span = span;
    this.#buf = new Uint8Array(2 * span);
    this.#base = src.position;
  }

  async refill(r: BitReader): Promise<void> {
    const consumed = Math.min(r.pos, this.#end);
    if (this.#ended || this.#end - consumed >= this.span) return;
    this.#buf.copyWithin(0, consumed, this.#end);
    this.#end -= consumed;
    this.#base += consumed;
    while (this.#end < this.#buf.length) {
      const chunk = await this.#src.nextChunk(this.#buf.length - this.#end);
      if (chunk === undefined) {
        this.#ended = true;
        break;
      }
      this.#buf.set(chunk, this.#end);
      this.#end += chunk.length;
    }
    r.load(this.#buf, this.#end, this.#base, this.#ended);
  }

  /** Puts the bytes after the reader's (byte-aligned) position back into `src`. */
  giveBack(r: BitReader): void {
    const next = r.pos - (r.count >> 3);
    if (next < this.#end) this.#src.unshift(this.#buf.slice(next, this.#end));
  }
}
