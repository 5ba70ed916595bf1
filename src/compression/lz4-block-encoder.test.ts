import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLz4Block } from '../cpio/lz4-block.js';
import { Lz4BlockEncoder, lz4CompressBound } from './lz4-block-encoder.js';

function roundTrip(input: Uint8Array, level: number): Uint8Array {
  const block = new Lz4BlockEncoder(level).encode(input);
  expect(block.length).toBeLessThanOrEqual(lz4CompressBound(input.length));
  const back = decodeLz4Block(block, input.length);
  if (typeof back === 'string') throw new Error(back);
  return back;
}

/** Text with repeats at every distance up to past 64 KiB, and random runs. */
function structured(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const mode = (i >>> 12) % 4;
    out[i] =
      mode === 0 ? x >>> 24 : mode === 1 ? 97 + (i % 7) : mode === 2 ? out[Math.max(0, i - 70_000)]! : 0;
  }
  return out;
}

describe('Lz4BlockEncoder', () => {
  it.each([1, 2, 5, 9])(
    'level %i: every block decodes back to its input (the last 5 bytes literals)',
    (level) => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 6 }), (bytes, period) => {
          // Mix the random bytes with a periodic copy so that matches occur near the block end.
          const input = Uint8Array.from([...bytes, ...bytes.map((_, i) => bytes[i % period] ?? 0)]);
          expect(Buffer.from(roundTrip(input, level)).equals(Buffer.from(input))).toBe(true);
        }),
        { numRuns: 300 },
      );
    },
  );

  it('handles every tiny size, long runs and distances past the 64 KiB window', () => {
    for (let n = 0; n < 40; n++) {
      const input = new Uint8Array(n).fill(7);
      expect(Buffer.from(roundTrip(input, 1)).equals(Buffer.from(input))).toBe(true);
    }
    const big = structured(5, 600_000);
    for (const level of [1, 4, 9])
      expect(Buffer.from(roundTrip(big, level)).equals(Buffer.from(big))).toBe(true);
    const zeros = new Uint8Array(1 << 20);
    expect(new Lz4BlockEncoder(1).encode(zeros).length).toBeLessThan(5000);
  });

  it('compresses better at higher levels, and the same bytes from one run to the next', () => {
    const input = structured(9, 400_000);
    const one = new Lz4BlockEncoder(1).encode(input);
    const nine = new Lz4BlockEncoder(9).encode(input);
    expect(nine.length).toBeLessThan(one.length);
    expect(Buffer.from(new Lz4BlockEncoder(9).encode(input)).equals(Buffer.from(nine))).toBe(true);
  });

  it('writes blocks the lz4 tool decodes (framed as lz4 -l does)', () => {
    const input = structured(3, 200_000);
    const block = new Lz4BlockEncoder(1).encode(input);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(block.length);
    const legacy = Buffer.concat([Buffer.from([0x02, 0x21, 0x4c, 0x18]), size, block]);
    expect(
      execFileSync('lz4', ['-dc'], { input: legacy, maxBuffer: 1 << 24 }).equals(Buffer.from(input)),
    ).toBe(true);
  });
});
