import { CodecFailure } from './codec-failure.js';

/** bzip2 codes are at most 20 bits long. */
export const MAX_CODE_BITS = 20;
/** Codes up to this length decode with one table look-up; longer ones walk the canonical ranges. */
const FAST_BITS = 10;

/**
 * One of a block's Huffman tables (bzip2 codes are canonical: by length, then by symbol). Built
 * from the code lengths, refusing an over-subscribed set; a bit pattern no symbol owns (an
 * incomplete set) is refused when it is met.
 */
export class HuffmanTable {
  maxLen = 0;
  fastBits = 0;
  /** Indexed by the next `fastBits` bits: `symbol << 5 | length`, or -1 for the slow path. */
  readonly fast = new Int32Array(1 << FAST_BITS);
  /** Per length: one past the last code of that length (canonical order). */
  readonly limit = new Int32Array(MAX_CODE_BITS + 2);
  /** Per length: index in `symbols` of that length's first code, minus its code value. */
  readonly offset = new Int32Array(MAX_CODE_BITS + 2);
  readonly symbols = new Uint16Array(258);

  /** Builds the table; `at` is the input offset named if the lengths cannot form a code. */
  build(lengths: Uint8Array, count: number, at: number): void {
    const perLength = new Int32Array(MAX_CODE_BITS + 1);
    let maxLen = 0;
    for (let s = 0; s < count; s++) {
      const len = lengths[s]!;
      perLength[len]!++;
      if (len > maxLen) maxLen = len;
    }
    const next = new Int32Array(MAX_CODE_BITS + 2);
    let code = 0;
    let index = 0;
    for (let len = 1; len <= MAX_CODE_BITS; len++) {
      next[len] = code;
      this.offset[len] = index - code;
      code += perLength[len]!;
      index += perLength[len]!;
      this.limit[len] = perLength[len]! > 0 ? code : -1;
      if (code > 1 << len) {
        throw new CodecFailure(
          'corrupt',
          at,
          'bzip2 code lengths',
          'a prefix code (Kraft sum <= 1)',
          'too many short codes',
        );
      }
      code <<= 1;
    }
    for (let len = 1, i = 0; len <= MAX_CODE_BITS; len++)
      for (let s = 0; s < count; s++) if (lengths[s] === len) this.symbols[i++] = s;
    this.maxLen = maxLen;
    this.fastBits = Math.min(FAST_BITS, maxLen);
    const fast = this.fast;
    fast.fill(-1, 0, 1 << this.fastBits);
    for (let s = 0; s < count; s++) {
      const len = lengths[s]!;
      if (len > this.fastBits) continue;
      const c = next[len]!++;
      const shift = this.fastBits - len;
      fast.fill((s << 5) | len, c << shift, (c + 1) << shift);
    }
  }
}
