// Hostile archive: namesize 0 leaves no room for the name's NUL (style.md "Malformed headers";
// the kernel skips such a record, GNU cpio reads garbage). We refuse it, naming the field.
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('namesize 0', () => {
  it('is refused with CPIO_BAD_FIELD naming namesize and its offset', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'x', fields: { namesize: 0 } }), rawTrailer()]);
    const err = await readError(bytes, { source: 'initrd.img' });
    expect(err.code).toBe('CPIO_BAD_FIELD');
    expect(err.message).toBe('initrd.img:0x5e: namesize: expected 1 to 4096 (the name and its NUL), got 0');
    expect(err.exitCode).toBe(2);
  });

  it('positive twin: namesize 2 for a one-byte name reads', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'x' }), rawTrailer()]);
    const records = await readAll(bytes);
    expect(records.map((r) => r.info.name)).toEqual(['x']);
  });
});
