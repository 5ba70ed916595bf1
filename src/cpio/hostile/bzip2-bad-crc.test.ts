// Hostile archive: a bzip2 segment with a flipped byte. The block CRC (of the decoded bytes) and
// the stream CRC (of the block CRCs) are both checked; a flip in the coded data is a typed error
// too, never a crash.
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawRecord, rawTrailer, readError } from '../test-support/records.js';

describe.skipIf(!hasTool('bzip2'))('bzip2 CRC mismatches', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a', data: 'some data\n'.repeat(5000) }), rawTrailer()]);
  const bz = runTool('bzip2', ['-c', '-9'], archive);

  it('a wrong block CRC is CPIO_DECOMPRESS naming both CRCs and the offset of the stored one', async () => {
    const bad = Buffer.from(bz);
    bad[10]! ^= 0x01; // header (4) + block magic (6): the block CRC's first byte
    const err = await readError(bad, { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toMatch(
      /^img:0xa: segment 0 \(bzip2\) at 0x0: bzip2 block CRC: expected 0x[0-9a-f]{8}, got 0x[0-9a-f]{8}$/,
    );
  });

  it('a wrong stream CRC is CPIO_DECOMPRESS', async () => {
    // The stream CRC is the last 32 bits before the padding to a byte; flipping the last byte's
    // high bit changes it whatever the padding.
    const bad = Buffer.from(bz);
    bad[bad.length - 2]! ^= 0x80;
    const err = await readError(bad, { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toContain('segment 0 (bzip2) at 0x0: bzip2 stream CRC: expected 0x');
  });

  it('every single flipped byte is a typed error (or, rarely, decodes to the same bytes)', async () => {
    for (let at = 4; at < bz.length; at += 7) {
      const bad = Buffer.from(bz);
      bad[at]! ^= 0x10;
      const err = await readError(bad, { source: 'img' }).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toMatch(/^CPIO_(DECOMPRESS|TRUNCATED|JUNK|BAD_MAGIC)$/);
    }
  });
});
