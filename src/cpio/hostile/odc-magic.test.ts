// Hostile archive: the odc magic 070707 (and the old binary format). The kernel says "incorrect cpio
// method used: use -H newc option"; we refuse with CPIO_BAD_MAGIC and say which format it was.
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('odc and binary magic', () => {
  it('070707 is CPIO_BAD_MAGIC naming odc', async () => {
    const odc = Buffer.from(`070707${'0'.repeat(70)}x\0`, 'latin1');
    const err = await readError(odc, { source: 'old.cpio' });
    expect(err.code).toBe('CPIO_BAD_MAGIC');
    expect(err.message).toBe(
      'old.cpio:0x0: magic: expected "070701" or "070702" (newc), got "070707" (odc, the old portable format: write with -H newc)',
    );
  });

  it('a later record with a bad magic names its offset', async () => {
    const first = rawRecord({ name: 'a' });
    const bytes = Buffer.concat([first, rawRecord({ name: 'b', magic: '070703' }), rawTrailer()]);
    const err = await readError(bytes);
    expect(err.code).toBe('CPIO_BAD_MAGIC');
    expect(err.message).toBe(
      `input:0x${first.length.toString(16)}: magic: expected "070701" or "070702" (newc), got "070703"`,
    );
  });

  it('positive twin: 070701 reads', async () => {
    expect(await readAll(Buffer.concat([rawRecord({ name: 'a' }), rawTrailer()]))).toHaveLength(1);
  });
});
