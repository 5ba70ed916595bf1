/** Copies shorter than this are done inline. */
const SHORT = 32;

/**
 * Decodes one LZ4 block (the raw block format, no frame) into at most `maxOut` bytes, like the
 * kernel's LZ4_decompress_safe. Returns the output, or a string saying what is wrong.
 * Long literals and matches are copied with set/copyWithin (an overlapping match, a repeated
 * pattern, by doubling); only copies shorter than {@link SHORT} bytes use a plain loop, where a
 * call would cost more than the copy.
 */
export function decodeLz4Block(src: Uint8Array, maxOut: number): Uint8Array | string {
  const out = new Uint8Array(maxOut);
  const end = src.length;
  let ip = 0;
  let op = 0;
  while (ip < end) {
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b = 255;
      while (b === 255) {
        if (ip >= end) return 'literal length runs past the block';
        b = src[ip++]!;
        literals += b;
      }
    }
    if (ip + literals > end) return 'literals run past the block';
    if (op + literals > maxOut) return `output larger than ${maxOut} bytes`;
    if (literals < SHORT) {
      for (let i = 0; i < literals; i++) out[op + i] = src[ip + i]!;
    } else {
      out.set(src.subarray(ip, ip + literals), op);
    }
    ip += literals;
    op += literals;
    if (ip === end) break; // the last sequence carries literals only
    if (ip + 2 > end) return 'match offset runs past the block';
    const distance = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (distance === 0 || distance > op) return `match offset ${distance} points before the output start`;
    let length = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b = 255;
      while (b === 255) {
        if (ip >= end) return 'match length runs past the block';
        b = src[ip++]!;
        length += b;
      }
    }
    if (op + length > maxOut) return `output larger than ${maxOut} bytes`;
    const from = op - distance;
    if (length < SHORT) {
      // A forward byte copy is exactly LZ4's overlap semantics, and cheaper than a call for short runs.
      for (let i = 0; i < length; i++) out[op + i] = out[from + i]!;
    } else if (distance >= length) {
      out.copyWithin(op, from, from + length);
    } else {
      // The pattern of `distance` bytes repeats; copy whole periods from `from`, doubling each time.
      let copied = 0;
      while (copied < length) {
        const n = Math.min(distance + copied, length - copied);
        out.copyWithin(op + copied, from, from + n);
        copied += n;
      }
    }
    op += length;
  }
  return out.subarray(0, op);
}
