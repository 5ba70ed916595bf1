// Hostile archive: an lzo segment cut short in its header, a block header or a block.
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawRecord, rawTrailer, readError } from '../test-support/records.js';

describe.skipIf(!hasTool('lzop'))('truncated lzo', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a', data: 'some data\n'.repeat(50_000) }), rawTrailer()]);
  const lzo = runTool('lzop', ['-c'], archive);

  it.each([12, 40, Math.floor(lzo.length / 2), lzo.length - 2])(
    'cut to %i bytes is CPIO_TRUNCATED naming where the missing field starts',
    async (length) => {
      for (const chunk of [0, 3]) {
        const err = await readError(lzo.subarray(0, length), { source: 'img' }, chunk);
        expect(err.code).toBe('CPIO_TRUNCATED');
        expect(err.message).toMatch(
          /^img:0x[0-9a-f]+: segment 0 \(lzo\) at 0x0: lzo[a-z ]+: expected \d+ bytes, got \d+ before the end of input$/,
        );
        expect(err.data.offset as number).toBeLessThan(length);
      }
    },
  );

  it('the end mark missing is CPIO_TRUNCATED at its offset', async () => {
    const err = await readError(lzo.subarray(0, lzo.length - 4), { source: 'img' });
    expect(err.message).toBe(
      `img:0x${(lzo.length - 4).toString(16)}: segment 0 (lzo) at 0x0: lzo block size: expected 4 bytes, got 0 before the end of input`,
    );
  });
});
