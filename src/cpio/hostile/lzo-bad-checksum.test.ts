// Hostile archive: an lzo segment with a flipped byte. lzop's header checksum and each block's
// checksum of its decoded bytes (adler32 by default, crc32 with --crc32) are checked; the kernel
// skips them, but a mismatch means the bytes it would unpack are not the ones compressed.
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawRecord, rawTrailer, readError } from '../test-support/records.js';

/** Offset of the first block: magic, fixed fields, flags, mode, mtimes, name length, name, checksum. */
const firstBlock = (lzo: Buffer) => 9 + 8 + 4 + 12 + 1 + lzo[9 + 8 + 4 + 12]! + 4;

describe.skipIf(!hasTool('lzop'))('lzo checksum mismatches', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a', data: 'some data\n'.repeat(5000) }), rawTrailer()]);

  it.each([
    [[], 'adler32'],
    [['--crc32'], 'crc32'],
  ])('lzop %j: a wrong block checksum is CPIO_DECOMPRESS at its offset', async (args, check) => {
    const lzo = runTool('lzop', ['-c', ...args], archive);
    const at = firstBlock(lzo) + 8;
    const bad = Buffer.from(lzo);
    bad[at]! ^= 0x01;
    const err = await readError(bad, { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toMatch(
      new RegExp(
        `^img:0x${at.toString(16)}: segment 0 \\(lzo\\) at 0x0: lzo block ${check}: expected 0x[0-9a-f]{8}, got 0x[0-9a-f]{8}$`,
      ),
    );
  });

  it('a flipped byte in the compressed data is CPIO_DECOMPRESS', async () => {
    const lzo = runTool('lzop', ['-c'], archive);
    const bad = Buffer.from(lzo);
    bad[firstBlock(lzo) + 12 + 30]! ^= 0x04;
    const err = await readError(bad, { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toMatch(
      /^img:0x[0-9a-f]+: segment 0 \(lzo\) at 0x0: lzo(1x)? (block|match|end marker)/,
    );
  });

  it('a wrong header checksum is CPIO_DECOMPRESS', async () => {
    const lzo = runTool('lzop', ['-c'], archive);
    const bad = Buffer.from(lzo);
    bad[firstBlock(lzo) - 1]! ^= 0x01;
    const err = await readError(bad, { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toContain(
      `img:0x${(firstBlock(lzo) - 4).toString(16)}: segment 0 (lzo) at 0x0: lzop header adler32: expected`,
    );
  });
});
