import type { BitReader } from './bzip2-bit-reader.js';
import { BZIP2_CRC_TABLE } from './bzip2-crc.js';
import { HuffmanTable, MAX_CODE_BITS } from './bzip2-huffman.js';
import { CodecFailure } from './codec-failure.js';

const GROUP_SIZE = 50;
const MAX_GROUPS = 6;
const MAX_SELECTORS = 32767;

const corrupt = (r: BitReader, field: string, expected: string, actual: string | number) =>
  new CodecFailure('corrupt', r.offset, field, expected, String(actual));

/**
 * Decodes bzip2 blocks (after their 48-bit magic and CRC) into the Burrows-Wheeler vector `tt`,
 * then hands the block's bytes out in caller-sized pieces ({@link Bzip2Block.fill}), undoing the
 * final run-length step and computing the block CRC on the way. One instance per stream: its
 * buffers are sized by the stream's block size (4 bytes per byte of block, 3.6 MB at `-9`).
 * Every count, index and length read from the input is checked before it is used, as the kernel's
 * decompress_bunzip2.c does; randomised blocks (bzip2 0.9.0) are refused as the kernel refuses them.
 */
export class Bzip2Block {
  readonly blockMax: number;
  readonly #tt: Uint32Array;
  readonly #selectors = new Uint8Array(MAX_SELECTORS + 1);
  readonly #tables = Array.from({ length: MAX_GROUPS }, () => new HuffmanTable());
  readonly #lengths = new Uint8Array(258);
  readonly #counts = new Int32Array(256);
  readonly #mtf = new Uint8Array(256);
  readonly #used = new Uint8Array(256);
  // Output state of the current block.
  #pos = 0;
  #left = 0;
  #last = -1;
  #run = 0;
  #copies = 0;
  #crc = -1;

  constructor(blockMax: number) {
    this.blockMax = blockMax;
    this.#tt = new Uint32Array(blockMax);
  }

  /** The CRC of the bytes handed out so far (final once {@link fill} returned 0). */
  get crc(): number {
    return ~this.#crc >>> 0;
  }

  /** Reads one block's header, tables and symbols; afterwards {@link fill} hands its bytes out. */
  decode(r: BitReader): void {
    if (r.read(1) !== 0) {
      throw corrupt(
        r,
        'bzip2 block',
        'a non-randomised block (as the kernel reads)',
        'a randomised block (bzip2 0.9.0)',
      );
    }
    const origPtr = r.read(24);
    if (origPtr >= this.blockMax) throw corrupt(r, 'bzip2 origPtr', `< ${this.blockMax}`, origPtr);
    const usedCount = this.#readUsedBytes(r);
    const symbolCount = usedCount + 2;
    const groups = r.read(3);
    if (groups < 2 || groups > MAX_GROUPS) throw corrupt(r, 'bzip2 Huffman groups', '2 to 6', groups);
    const selectorCount = this.#readSelectors(r, groups);
    for (let g = 0; g < groups; g++) this.#readTable(r, this.#tables[g]!, symbolCount);
    r.checkInside('bzip2 block');
    const length = this.#readSymbols(r, selectorCount, symbolCount);
    r.checkInside('bzip2 block');
    if (length > 0 && origPtr >= length)
      throw corrupt(r, 'bzip2 origPtr', `< the block length ${length}`, origPtr);
    this.#invertBwt(length);
    this.#pos = length > 0 ? this.#tt[origPtr]! >>> 8 : 0;
    this.#left = length;
    this.#last = -1;
    this.#run = 0;
    this.#copies = 0;
    this.#crc = -1;
  }

  #readUsedBytes(r: BitReader): number {
    const map = r.read(16);
    let count = 0;
    for (let i = 0; i < 16; i++) {
      if ((map & (0x8000 >> i)) === 0) continue;
      const bits = r.read(16);
      for (let j = 0; j < 16; j++) if (bits & (0x8000 >> j)) this.#used[count++] = i * 16 + j;
    }
    if (count === 0) throw corrupt(r, 'bzip2 byte map', 'at least one byte value in use', 'none');
    return count;
  }

  #readSelectors(r: BitReader, groups: number): number {
    const count = r.read(15);
    if (count === 0) throw corrupt(r, 'bzip2 selectors', 'at least 1', 0);
    const order = [0, 1, 2, 3, 4, 5];
    for (let i = 0; i < count; i++) {
      let j = 0;
      while (r.read(1) === 1) {
        j++;
        if (j >= groups) throw corrupt(r, 'bzip2 selector', `< ${groups}`, j);
      }
      const group = order[j]!;
      for (; j > 0; j--) order[j] = order[j - 1]!;
      order[0] = group;
      this.#selectors[i] = group;
    }
    return count;
  }

  #readTable(r: BitReader, table: HuffmanTable, symbolCount: number): void {
    const at = r.offset;
    let len = r.read(5);
    for (let s = 0; s < symbolCount; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_BITS) throw corrupt(r, 'bzip2 code length', '1 to 20', len);
        if (r.read(1) === 0) break;
        len += r.read(1) === 0 ? 1 : -1;
      }
      this.#lengths[s] = len;
    }
    table.build(this.#lengths, symbolCount, at);
  }

  /** Huffman, run-length (RUNA/RUNB) and move-to-front decoding into `tt`; returns the length. */
  #readSymbols(r: BitReader, selectorCount: number, symbolCount: number): number {
    const tt = this.#tt;
    const counts = this.#counts;
    const mtf = this.#mtf;
    const blockMax = this.blockMax;
    const endOfBlock = symbolCount - 1;
    counts.fill(0);
    for (let i = 0; i < 256; i++) mtf[i] = this.#used[i]!;
    const buf = r.buf;
    const end = r.end;
    let { bits, count, pos } = r;
    let length = 0;
    let run = 0;
    let weight = 1;
    let selector = 0;
    let left = 0;
    let table = this.#tables[0]!;
    for (;;) {
      if (left === 0) {
        if (selector >= selectorCount) {
          r.bits = bits;
          r.count = count;
          r.pos = pos;
          throw corrupt(r, 'bzip2 selectors', `enough for the block (${selectorCount})`, 'more symbols');
        }
        if (pos - (count >> 3) > end) break; // read past the window: reported below
        table = this.#tables[this.#selectors[selector++]!]!;
        left = GROUP_SIZE;
      }
      left--;
      while (count < 24) {
        bits = (bits << 8) | (pos < end ? buf[pos]! : 0);
        pos++;
        count += 8;
      }
      const maxLen = table.maxLen;
      const peek = (bits >>> (count - maxLen)) & ((1 << maxLen) - 1);
      const entry = table.fast[peek >>> (maxLen - table.fastBits)]!;
      let symbol: number;
      if (entry >= 0) {
        count -= entry & 31;
        symbol = entry >>> 5;
      } else {
        let len = table.fastBits + 1;
        let code = 0;
        for (; len <= maxLen; len++) {
          code = peek >>> (maxLen - len);
          if (code < table.limit[len]!) break;
        }
        if (len > maxLen) {
          r.bits = bits;
          r.count = count;
          r.pos = pos;
          throw corrupt(r, 'bzip2 Huffman code', 'a code of the table', 'an unassigned bit pattern');
        }
        count -= len;
        symbol = table.symbols[table.offset[len]! + code]!;
      }
      if (symbol <= 1) {
        // RUNA/RUNB: a bijective base-2 run length of the byte at the front of the MTF list.
        run += weight << symbol;
        weight <<= 1;
        if (run > blockMax) {
          r.bits = bits;
          r.count = count;
          r.pos = pos;
          throw corrupt(r, 'bzip2 run', `at most the block size ${blockMax}`, 'a longer run');
        }
        continue;
      }
      if (run > 0) {
        if (length + run > blockMax) {
          r.bits = bits;
          r.count = count;
          r.pos = pos;
          throw corrupt(r, 'bzip2 block length', `<= ${blockMax}`, 'more');
        }
        const b = mtf[0]!;
        counts[b]! += run;
        tt.fill(b, length, length + run);
        length += run;
        run = 0;
        weight = 1;
      }
      if (symbol === endOfBlock) break;
      if (length >= blockMax) {
        r.bits = bits;
        r.count = count;
        r.pos = pos;
        throw corrupt(r, 'bzip2 block length', `<= ${blockMax}`, 'more');
      }
      let j = symbol - 1;
      const b = mtf[j]!;
      for (; j > 0; j--) mtf[j] = mtf[j - 1]!;
      mtf[0] = b;
      counts[b]!++;
      tt[length++] = b;
    }
    r.bits = bits;
    r.count = count;
    r.pos = pos;
    return length;
  }

  /** Links `tt` into the inverse Burrows-Wheeler chain: entry = next index << 8 | byte. */
  #invertBwt(length: number): void {
    const tt = this.#tt;
    const start = new Int32Array(256);
    for (let b = 0, sum = 0; b < 256; b++) {
      start[b] = sum;
      sum += this.#counts[b]!;
    }
    for (let i = 0; i < length; i++) {
      const b = tt[i]! & 0xff;
      tt[start[b]!++]! |= i << 8;
    }
  }

  /**
   * Writes the block's next bytes into `out` (undoing bzip2's first run-length step: four equal
   * bytes are followed by a count of 0-255 more) and returns how many; 0 once the block is done.
   */
  fill(out: Uint8Array): number {
    const tt = this.#tt;
    const table = BZIP2_CRC_TABLE;
    let pos = this.#pos;
    let left = this.#left;
    let last = this.#last;
    let run = this.#run;
    let copies = this.#copies;
    let crc = this.#crc;
    let o = 0;
    const size = out.length;
    while (o < size) {
      if (copies > 0) {
        const k = Math.min(copies, size - o);
        out.fill(last, o, o + k);
        for (let i = 0; i < k; i++) crc = (crc << 8) ^ table[((crc >>> 24) ^ last) & 0xff]!;
        o += k;
        copies -= k;
        continue;
      }
      if (left === 0) break;
      const entry = tt[pos]!;
      pos = entry >>> 8;
      const b = entry & 0xff;
      left--;
      if (run === 4) {
        copies = b;
        run = 0;
        continue;
      }
      if (b === last) run++;
      else {
        last = b;
        run = 1;
      }
      out[o++] = b;
      crc = (crc << 8) ^ table[((crc >>> 24) ^ b) & 0xff]!;
    }
    this.#pos = pos;
    this.#left = left;
    this.#last = last;
    this.#run = run;
    this.#copies = copies;
    this.#crc = crc;
    return o;
  }
}
