// Hostile archive: a bzip2 segment cut short, anywhere. The decoder says where the input ended
// and never waits for bytes that will not come.
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawRecord, rawTrailer, readError } from '../test-support/records.js';

describe.skipIf(!hasTool('bzip2'))('truncated bzip2', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a', data: 'some data\n'.repeat(5000) }), rawTrailer()]);
  const bz = runTool('bzip2', ['-c', '-9'], archive);

  it.each([3, 20, Math.floor(bz.length / 2), bz.length - 4])(
    'cut to %i bytes is CPIO_TRUNCATED at the end of the input',
    async (length) => {
      for (const chunk of [0, 5]) {
        const err = await readError(bz.subarray(0, length), { source: 'img' }, chunk);
        expect(err.code).toBe('CPIO_TRUNCATED');
        expect(err.message).toMatch(/^img:0x[0-9a-f]+: segment 0 \(bzip2\) at 0x0: bzip2 [a-z ]+: expected /);
        expect(err.data.offset as number).toBeLessThanOrEqual(length);
      }
    },
  );

  it('names the end of the input when a block ends early', async () => {
    const err = await readError(bz.subarray(0, 40), { source: 'img' });
    expect(err.message).toBe(
      'img:0x28: segment 0 (bzip2) at 0x0: bzip2 block: expected more data, got the end of input',
    );
  });
});
