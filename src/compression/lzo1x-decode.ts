import { CodecFailure } from './codec-failure.js';

/**
 * Decodes one LZO1X block (what lzop's methods 1-3, LZO1X-1/-1(15)/-999, write) into `out`, which
 * has the block's declared size; returns the number of bytes written. Written from the format
 * description of the kernel's lib/lzo/lzo1x_decompress_safe.c (Documentation/staging/lzo.rst) and
 * as strict as it: every length is checked against the input left, the output left and the bytes
 * already written (a match may not reach before the block), the block must end with the end
 * marker exactly at the end of its input. The LZO-RLE variant (a first byte of 17), which lzop
 * never writes, is not read. Offsets in failures are in `input`.
 */
export function decodeLzo1x(input: Uint8Array, out: Uint8Array): number {
  const inEnd = input.length;
  const outEnd = out.length;
  let ip = 0;
  let op = 0;
  let state = 0;
  let t = 0;
  let distance = 0;
  let length = 0;
  let literals = 0;
  const fail = (field: string, expected: string, actual: string) =>
    new CodecFailure('corrupt', ip, field, expected, actual);
  const needIn = (n: number) => {
    if (inEnd - ip < n)
      throw new CodecFailure('truncated', ip, 'lzo1x block', `${n} more bytes`, 'the end of the block');
  };
  const needOut = (n: number) => {
    if (outEnd - op < n)
      throw fail('lzo1x block', `at most ${outEnd} bytes of output (the declared size)`, 'more');
  };
  /** A length continued in zero bytes: each zero adds 255, the first other byte ends it. */
  const longLength = (base: number): number => {
    let n = base;
    for (;;) {
      needIn(1);
      const b = input[ip++]!;
      if (b !== 0) return n + b;
      n += 255;
    }
  };
  const copyLiterals = (n: number) => {
    needIn(n);
    needOut(n);
    if (n < 32) {
      // Short runs are the common case: a loop beats creating a subarray for out.set.
      for (let k = 0; k < n; k++) out[op++] = input[ip++]!;
    } else {
      out.set(input.subarray(ip, ip + n), op);
      ip += n;
      op += n;
    }
  };

  needIn(3);
  if (input[0]! > 17) {
    // First byte: a literal run with no instruction before it.
    t = input[ip++]! - 17;
    copyLiterals(t);
    state = Math.min(t, 4);
  }
  for (;;) {
    needIn(1);
    t = input[ip++]!;
    if (t < 16) {
      if (state === 0) {
        // 0000LLLL after no literals: a run of 4 or more literals.
        copyLiterals((t === 0 ? longLength(15) : t) + 3);
        state = 4;
        continue;
      }
      needIn(1);
      if (state < 4) {
        // 0000DDSS after 1-3 literals: 2 bytes within 1 kB.
        distance = 1 + (t >> 2) + (input[ip++]! << 2);
        length = 2;
      } else {
        // 0000DDSS after a literal run: 3 bytes from 2-3 kB back.
        distance = 2049 + (t >> 2) + (input[ip++]! << 2);
        length = 3;
      }
      literals = t & 3;
    } else if (t >= 64) {
      // 1LLDDDSS / 01LDDDSS: 3-8 bytes within 2 kB.
      needIn(1);
      distance = 1 + ((t >> 2) & 7) + (input[ip++]! << 3);
      length = (t >> 5) + 1;
      literals = t & 3;
    } else if (t >= 32) {
      // 001LLLLL + LE16: within 16 kB.
      length = (t & 31 || longLength(31)) + 2;
      needIn(2);
      const word = input[ip]! | (input[ip + 1]! << 8);
      ip += 2;
      distance = 1 + (word >> 2);
      literals = word & 3;
    } else {
      // 0001HLLL + LE16: 16-48 kB back; distance 16384 exactly is the end marker.
      length = (t & 7 || longLength(7)) + 2;
      needIn(2);
      const word = input[ip]! | (input[ip + 1]! << 8);
      ip += 2;
      distance = ((t & 8) << 11) + (word >> 2);
      literals = word & 3;
      if (distance === 0) {
        if (length !== 3) throw fail('lzo1x end marker', '11 00 00', `a length of ${length}`);
        if (ip !== inEnd) throw fail('lzo1x block', 'to end at its end marker', `${inEnd - ip} more bytes`);
        return op;
      }
      distance += 0x4000;
    }
    if (distance > op)
      throw fail('lzo1x match', `a distance of at most ${op} (the bytes written)`, String(distance));
    needOut(length);
    let from = op - distance;
    if (length >= 32 && distance >= length) {
      out.copyWithin(op, from, from + length);
      op += length;
    } else {
      // Byte by byte: short, or overlapping (a run repeating the last `distance` bytes).
      for (let k = 0; k < length; k++) out[op++] = out[from++]!;
    }
    state = literals;
    if (literals > 0) {
      needIn(literals);
      needOut(literals);
      for (let k = 0; k < literals; k++) out[op++] = input[ip++]!;
    }
  }
}
