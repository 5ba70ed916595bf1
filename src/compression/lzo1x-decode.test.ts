// LZO1X blocks built byte by byte from the format (Documentation/staging/lzo.rst): each
// instruction kind, and each way a block can lie about itself.
import { describe, expect, it } from 'vitest';
import { CodecFailure } from './codec-failure.js';
import { decodeLzo1x } from './lzo1x-decode.js';

const END = [0x11, 0x00, 0x00];
const ascii = (text: string) => [...Buffer.from(text)];

function decode(bytes: number[], size: number): string {
  const out = new Uint8Array(size);
  const n = decodeLzo1x(new Uint8Array(bytes), out);
  return Buffer.from(out.subarray(0, n)).toString('latin1');
}

function failure(bytes: number[], size: number): CodecFailure {
  try {
    decodeLzo1x(new Uint8Array(bytes), new Uint8Array(size));
  } catch (err) {
    expect(err).toBeInstanceOf(CodecFailure);
    return err as CodecFailure;
  }
  throw new Error('expected a failure');
}

describe('decodeLzo1x', () => {
  it('an empty block is the end marker alone', () => {
    expect(decode(END, 0)).toBe('');
  });

  it('a first-byte literal run, then an overlapping match within 2 kB (01LDDDSS)', () => {
    // 19 = 17 + 2: copy "ab"; 0x64 = 01 1 001 00: length 4, distance 2, no trailing literals.
    expect(decode([19, ...ascii('ab'), 0x64, 0x00, ...END], 6)).toBe('ababab');
  });

  it('a long literal run continued in zero bytes (0000LLLL after state 0)', () => {
    // First byte 0 with state 0: length 3 + 15 + 255 * zeros + the first non-zero byte.
    const run = 3 + 15 + 255 + 7;
    const literals = Array.from({ length: run }, (_, i) => 0x61 + (i % 26));
    expect(decode([0x00, 0x00, 0x07, ...literals, ...END], run)).toBe(
      Buffer.from(literals).toString('latin1'),
    );
  });

  it('a 001LLLLL match with its trailing literals in the distance word', () => {
    // "abcd", then 0x21: length 1 + 2 = 3, LE16 (distance 4 - 1) << 2 | 2 literals, then "xy".
    expect(decode([21, ...ascii('abcd'), 0x21, (3 << 2) | 2, 0x00, ...ascii('xy'), ...END], 9)).toBe(
      'abcdabcxy',
    );
  });

  it('a match reaching before the block is refused (the kernel: lookbehind overrun)', () => {
    const err = failure([19, ...ascii('ab'), 0x6c, 0x00, ...END], 10); // distance 4 > 2 written
    expect(err.message).toBe('lzo1x match: expected a distance of at most 2 (the bytes written), got 4');
    expect(err.offset).toBe(5);
  });

  it('output past the declared size is refused (the kernel: output overrun)', () => {
    expect(failure([19, ...ascii('ab'), 0x64, 0x00, ...END], 5).message).toContain(
      'lzo1x block: expected at most 5 bytes of output (the declared size), got more',
    );
  });

  it('bytes after the end marker are refused (the kernel: input not consumed)', () => {
    expect(failure([...END, 0x00], 0).message).toBe(
      'lzo1x block: expected to end at its end marker, got 1 more bytes',
    );
  });

  it('a block without its end marker is a truncation', () => {
    const err = failure([21, ...ascii('abcd')], 4);
    expect(err.kind).toBe('truncated');
  });

  it('an end marker with a length other than 3 is refused', () => {
    expect(failure([19, ...ascii('ab'), 0x12, 0x00, 0x00], 2).message).toBe(
      'lzo1x end marker: expected 11 00 00, got a length of 4',
    );
  });
});
