// Hostile archive: a bzip2 header asking for an absurd block size, or a block whose fields point
// past it. Each is refused before anything is allocated for it, as the kernel's bunzip2 refuses it.
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawRecord, rawTrailer, readError } from '../test-support/records.js';

describe('bzip2 block size', () => {
  it.each([
    ['BZh0', '"0"'],
    ['BZhZ', '"Z"'],
    ['BZh\xff', '0xff'],
  ])('a %j header is CPIO_DECOMPRESS at offset 3', async (header, shown) => {
    const err = await readError(Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(40, 0x55)]), {
      source: 'img',
    });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toBe(
      `img:0x3: segment 0 (bzip2) at 0x0: bzip2 block size: expected "1" to "9" (x 100 kB), got ${shown}`,
    );
  });

  it.skipIf(!hasTool('bzip2'))(
    'a block at -1 relabelled -9 still decodes; -9 relabelled -1 overflows its block',
    async () => {
      const big = Buffer.concat([
        rawRecord({ name: 'a', data: Buffer.alloc(500_000, 0).map((_, i) => (i * 7919) & 0xff) }),
        rawTrailer(),
      ]);
      const bz = runTool('bzip2', ['-c', '-9'], big);
      const relabelled = Buffer.from(bz);
      relabelled[3] = 0x31; // "BZh1": blocks may hold at most 100,000 bytes
      const err = await readError(relabelled, { source: 'img' });
      expect(err.code).toBe('CPIO_DECOMPRESS');
      expect(err.message).toMatch(/bzip2 (origPtr|run|block length): expected (<|at most)/);
    },
  );

  it('a randomised block (bzip2 0.9.0) is refused as the kernel refuses it', async () => {
    // BZh9, block magic, CRC 0, then the randomised bit set.
    const block = Buffer.from([
      0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0,
    ]);
    const err = await readError(Buffer.concat([block, Buffer.alloc(64)]), { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toContain(
      'bzip2 block: expected a non-randomised block (as the kernel reads), got a randomised block',
    );
  });
});
