// Hostile archive: the name's last byte is not NUL. The kernel stops with "malformed archive"
// (init/initramfs.c do_name); we refuse it too. A NUL before the last byte ends the name there.
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('name without NUL', () => {
  it('is refused with CPIO_NAME_NO_NUL at the name offset', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'etc/x', noNul: true }), rawTrailer()]);
    const err = await readError(bytes, { source: 'a.cpio' });
    expect(err.code).toBe('CPIO_NAME_NO_NUL');
    expect(err.message).toBe('a.cpio:0x6e: name: expected a NUL as its last byte, got "etc/x"');
  });

  it('a NUL inside the name ends it, as in the kernel (do_name reads a C string)', async () => {
    const records = await readAll(Buffer.concat([rawRecord({ name: 'a\0b' }), rawTrailer()]));
    expect(records[0]!.info.name).toBe('a');
  });

  it('a long name without NUL is quoted by its last 16 bytes only', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'x'.repeat(3000), noNul: true }), rawTrailer()]);
    const err = await readError(bytes, { source: 'a.cpio' });
    expect(err.message).toBe(`a.cpio:0x6e: name: expected a NUL as its last byte, got "${'x'.repeat(16)}"`);
  });

  it('positive twin: the same name with its NUL reads', async () => {
    const records = await readAll(Buffer.concat([rawRecord({ name: 'etc/x' }), rawTrailer()]));
    expect(records[0]!.info.name).toBe('etc/x');
  });
});
