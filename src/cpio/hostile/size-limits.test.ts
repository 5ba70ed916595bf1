// Hostile archive: names over PATH_MAX and symlink bodies that are too long or contain NUL
// (style.md item 10). The kernel skips such entries (init/initramfs.c); we refuse them.
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('name and symlink size limits', () => {
  it('namesize over 4096 is CPIO_NAME_TOO_LONG before the name is read', async () => {
    const err = await readError(Buffer.concat([rawRecord({ name: 'a'.repeat(4096) }), rawTrailer()]));
    expect(err.code).toBe('CPIO_NAME_TOO_LONG');
    expect(err.message).toBe('input:0x5e: namesize: expected <= 4096, got 4097');
  });

  it('a symlink target over 4096 bytes is CPIO_NAME_TOO_LONG', async () => {
    const err = await readError(
      Buffer.concat([
        rawRecord({ name: 'l', data: 'x'.repeat(4097), fields: { mode: 0o120777 } }),
        rawTrailer(),
      ]),
    );
    expect(err.code).toBe('CPIO_NAME_TOO_LONG');
    expect(err.message).toBe('input:0x36: filesize: expected <= 4096 for a symlink target, got 4097');
  });

  it('a symlink target with a NUL ends at the NUL, as the kernel takes it (do_symlink)', async () => {
    const [record] = await readAll(
      Buffer.concat([rawRecord({ name: 'l', data: '/bin\0/sh', fields: { mode: 0o120777 } }), rawTrailer()]),
    );
    expect(record!.info.linkTarget).toBe('/bin');
    expect(record!.info.size).toBe(8);
  });

  it('data on a directory is CPIO_BAD_FIELD', async () => {
    const err = await readError(
      Buffer.concat([rawRecord({ name: 'd', data: 'xx', fields: { mode: 0o40755 } }), rawTrailer()]),
    );
    expect(err.code).toBe('CPIO_BAD_FIELD');
    expect(err.message).toBe('input:0x36: filesize: expected 0 for a directory, got 2');
  });

  it('a mode without a file type is CPIO_BAD_FIELD', async () => {
    const err = await readError(
      Buffer.concat([rawRecord({ name: 'x', fields: { mode: 0o644 } }), rawTrailer()]),
    );
    expect(err.message).toBe('input:0xe: mode: expected a file type in the S_IFMT bits, got 0o644');
  });

  it('positive twin: a 4095-byte name and a 4096-byte target read', async () => {
    const records = await readAll(
      Buffer.concat([
        rawRecord({ name: 'a'.repeat(4095) }),
        rawRecord({ name: 'l', data: 'y'.repeat(4096), fields: { mode: 0o120777 } }),
        rawTrailer(),
      ]),
    );
    expect(records.map((r) => r.info.linkTarget?.length ?? r.info.name.length)).toEqual([4095, 4096]);
  });
});
