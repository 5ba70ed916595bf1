import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNames, decodeName, encodeName, escapeName, hasRawBytes } from './byte-names.js';

describe('byte names', () => {
  it('round-trips every byte sequence exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(Buffer.compare(encodeName(decodeName(bytes)), Buffer.from(bytes))).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves valid UTF-8 as a plain string', () => {
    expect(decodeName(Buffer.from('etc/rock/中文', 'utf8'))).toBe('etc/rock/中文');
    expect(hasRawBytes('etc/rock/中文')).toBe(false);
  });

  it('escapes bytes that are not UTF-8, like ls -b', () => {
    const name = decodeName(Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x6e]));
    expect(hasRawBytes(name)).toBe(true);
    expect(escapeName(name)).toBe('bad\\xff\\xfen');
    expect(escapeName(decodeName(Buffer.from('caf\xe9', 'latin1')))).toBe('caf\\xe9');
    expect(escapeName('a\nb\\c')).toBe('a\\nb\\\\c');
  });

  it('escapes encoded surrogates and overlongs byte by byte', () => {
    for (const bytes of [
      [0xed, 0xb2, 0x80],
      [0xc0, 0xaf],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      const name = decodeName(Buffer.from(bytes));
      expect([...name].length).toBe(bytes.length);
      expect(encodeName(name)).toEqual(Buffer.from(bytes));
    }
  });

  it('sorts as the bytes sort', () => {
    // U+FF61 (ef bd a1) sorts after U+1F600 (f0 9f 98 80) in UTF-16 but before it in bytes.
    expect(compareNames('\uff61', '\u{1f600}')).toBeLessThan(0);
    expect(compareNames('a', 'a')).toBe(0);
  });
});
