// Hostile archive: the name's last byte is not NUL. The kernel stops with "malformed archive"
// (init/initramfs.c do_name); we refuse it too.
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('name without NUL', () => {
  it('is refused with CPIO_NAME_NO_NUL at the name offset', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'etc/x', noNul: true }), rawTrailer()]);
    const err = await readError(bytes, { source: 'a.cpio' });
    expect(err.code).toBe('CPIO_NAME_NO_NUL');
    expect(err.message).toBe('a.cpio:0x6e: name: expected a NUL as its last byte, got "etc/x"');
  });

  it('a NUL inside the name is refused too (parsers would disagree on the name)', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'a\0b' }), rawTrailer()]);
    const err = await readError(bytes);
    expect(err.code).toBe('CPIO_BAD_FIELD');
    expect(err.message).toMatch(/^input:0x6e: name: expected no NUL before its end/);
  });

  it('positive twin: the same name with its NUL reads', async () => {
    const records = await readAll(Buffer.concat([rawRecord({ name: 'etc/x' }), rawTrailer()]));
    expect(records[0]!.info.name).toBe('etc/x');
  });
});
