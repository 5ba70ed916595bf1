/**
 * An LZ4 block compressor (the raw block format of lz4_Block_format.md, as the kernel's
 * LZ4_decompress_safe reads it). A hash table of 4-byte sequences finds matches; at level 1 it keeps
 * one candidate per hash and skips ahead faster through data that does not match (as LZ4's fast
 * mode), at higher levels it follows a hash chain of 2^(level-1) candidates and keeps the longest.
 * The output depends only on the input and the level.
 */

/** The format's rules for the end of a block (lz4_Block_format.md, "End of block conditions"). */
const MIN_MATCH = 4;
/** The last 5 bytes are always literals. */
const LAST_LITERALS = 5;
/** The last match starts at least 12 bytes before the end of the block. */
const MF_LIMIT = 12;
const MAX_DISTANCE = 65535;
const HASH_LOG = 16;
const WINDOW_MASK = 0xffff;

/** The largest block `encodeLz4Block` writes for `n` input bytes (LZ4_compressBound). */
export function lz4CompressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

function read32(src: Uint8Array, i: number): number {
  return (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
}

function hash(sequence: number): number {
  return Math.imul(sequence, 2654435761) >>> (32 - HASH_LOG);
}

/** Tables reused from block to block (allocating 512 KiB per 8 MiB block would be noise, but free). */
export class Lz4BlockEncoder {
  private readonly head = new Int32Array(1 << HASH_LOG);
  private readonly chain: Int32Array | undefined;
  private readonly depth: number;

  /** `level` 1-9: 1 is the fast greedy mode, each level above doubles the candidates searched. */
  constructor(level: number) {
    this.depth = 1 << (level - 1);
    this.chain = level > 1 ? new Int32Array(WINDOW_MASK + 1) : undefined;
  }

  /** Compresses `input` as one independent block. */
  encode(input: Uint8Array): Uint8Array {
    // A plain view: subarrays of a Buffer would be Buffers, whose construction costs more here.
    const src = new Uint8Array(input.buffer, input.byteOffset, input.length);
    const n = src.length;
    const out = new Uint8Array(lz4CompressBound(n));
    const head = this.head;
    head.fill(-1);
    const chain = this.chain;
    const depth = this.depth;
    let op = 0;
    let anchor = 0;
    const matchStartLimit = n - MF_LIMIT;
    const matchEndLimit = n - LAST_LITERALS;
    let ip = 0;
    let misses = 0;
    while (ip < matchStartLimit) {
      const sequence = read32(src, ip);
      const h = hash(sequence);
      let candidate = head[h]!;
      head[h] = ip;
      let bestLength = 0;
      let bestFrom = 0;
      if (chain === undefined) {
        if (candidate >= 0 && ip - candidate <= MAX_DISTANCE && read32(src, candidate) === sequence) {
          bestFrom = candidate;
          bestLength = MIN_MATCH;
          while (ip + bestLength < matchEndLimit && src[candidate + bestLength] === src[ip + bestLength])
            bestLength++;
        }
      } else {
        chain[ip & WINDOW_MASK] = candidate;
        for (let tries = depth; candidate >= 0 && ip - candidate <= MAX_DISTANCE && tries > 0; tries--) {
          // A longer match must also differ nowhere up to the best length: test that byte first.
          if (src[candidate + bestLength] === src[ip + bestLength] && read32(src, candidate) === sequence) {
            let length = MIN_MATCH;
            while (ip + length < matchEndLimit && src[candidate + length] === src[ip + length]) length++;
            if (length > bestLength) {
              bestLength = length;
              bestFrom = candidate;
            }
          }
          const next = chain[candidate & WINDOW_MASK]!;
          if (next >= candidate) break; // the slot was reused by a newer position
          candidate = next;
        }
      }
      if (bestLength === 0) {
        // Level 1 skips faster through incompressible data (LZ4's acceleration); deeper levels step 1.
        ip += chain ? 1 : 1 + (misses++ >> 6);
        continue;
      }
      misses = 0;
      let start = ip;
      let from = bestFrom;
      while (start > anchor && from > 0 && src[start - 1] === src[from - 1]) {
        start--;
        from--;
        bestLength++;
      }
      // The sequence: token, literal length, literals, offset, match length.
      const literals = start - anchor;
      const extra = bestLength - MIN_MATCH;
      out[op++] = (Math.min(literals, 15) << 4) | Math.min(extra, 15);
      if (literals >= 15) op = writeLength(out, op, literals - 15);
      op = copyLiterals(src, anchor, literals, out, op);
      const distance = start - from;
      out[op++] = distance & 0xff;
      out[op++] = distance >>> 8;
      if (extra >= 15) op = writeLength(out, op, extra - 15);
      const end = start + bestLength;
      if (chain) {
        // Index the positions inside the match, so the next searches see them.
        for (let p = ip + 1; p < end && p < matchStartLimit; p++) {
          const hp = hash(read32(src, p));
          chain[p & WINDOW_MASK] = head[hp]!;
          head[hp] = p;
        }
      } else if (end - 2 > ip && end - 2 < matchStartLimit) {
        head[hash(read32(src, end - 2))] = end - 2;
      }
      ip = end;
      anchor = end;
    }
    const literals = n - anchor;
    out[op++] = Math.min(literals, 15) << 4;
    if (literals >= 15) op = writeLength(out, op, literals - 15);
    op = copyLiterals(src, anchor, literals, out, op);
    return out.subarray(0, op);
  }
}

/** Copies `length` literals; short runs by a loop, which costs less than a call. */
function copyLiterals(src: Uint8Array, from: number, length: number, out: Uint8Array, op: number): number {
  if (length < 32) {
    for (let i = 0; i < length; i++) out[op + i] = src[from + i]!;
  } else {
    out.set(src.subarray(from, from + length), op);
  }
  return op + length;
}

/** Writes LZ4's length continuation bytes (255s, then the rest). */
function writeLength(out: Uint8Array, op: number, rest: number): number {
  let value = rest;
  while (value >= 255) {
    out[op++] = 255;
    value -= 255;
  }
  out[op++] = value;
  return op;
}
