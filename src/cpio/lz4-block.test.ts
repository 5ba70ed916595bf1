import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeLz4Block } from './lz4-block.js';

describe('decodeLz4Block', () => {
  it('decodes literals and an overlapping match (a run)', () => {
    // token 0x1F: 1 literal 'a', match length 15+4+1=20 at distance 1 -> 'a' * 21; then 'END' literals.
    const block = Uint8Array.from([0x1f, 0x61, 0x01, 0x00, 0x01, 0x30, 0x45, 0x4e, 0x44]);
    expect(Buffer.from(decodeLz4Block(block, 100) as Uint8Array).toString()).toBe(`${'a'.repeat(21)}END`);
  });

  it('decodes a periodic overlapping match (distance 3)', () => {
    // 3 literals 'abc', match distance 3 length 4+5=9, then literal 'Z'.
    const block = Uint8Array.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x5a]);
    expect(Buffer.from(decodeLz4Block(block, 100) as Uint8Array).toString()).toBe('abcabcabcabcZ');
  });

  it('decodes a long periodic match by doubling (distance 3, length 100)', () => {
    const block = Uint8Array.from([0x3f, 0x61, 0x62, 0x63, 0x03, 0x00, 81, 0x10, 0x5a]);
    expect(Buffer.from(decodeLz4Block(block, 200) as Uint8Array).toString()).toBe(
      `${'abc'.repeat(35).slice(0, 103)}Z`,
    );
  });

  it('refuses a match before the start, output over the limit, and truncated blocks', () => {
    expect(decodeLz4Block(Uint8Array.from([0x10, 0x61, 0x05, 0x00]), 100)).toBe(
      'match offset 5 points before the output start',
    );
    expect(decodeLz4Block(Uint8Array.from([0x1f, 0x61, 0x01, 0x00, 0xff, 0x00]), 100)).toBe(
      'output larger than 100 bytes',
    );
    expect(decodeLz4Block(Uint8Array.from([0x50, 0x61]), 100)).toBe('literals run past the block');
    expect(decodeLz4Block(Uint8Array.from([0x10, 0x61, 0x01]), 100)).toBe('match offset runs past the block');
  });

  it('decodes what the lz4 tool writes (legacy block after the 8-byte frame start)', () => {
    const input = Buffer.from('hello hello hello hello, lz4 legacy block format '.repeat(50));
    const out = spawnSync('lz4', ['-l', '-q', '-c'], { input }).stdout;
    const size = out.readUInt32LE(4);
    expect(Buffer.from(decodeLz4Block(out.subarray(8, 8 + size), 8 << 20) as Uint8Array).equals(input)).toBe(
      true,
    );
  });
});
