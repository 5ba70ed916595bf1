// Hostile archive: a non-hex digit in a header field. The kernel's simple_strtoul stops at it and
// reads a different number than GNU cpio; we refuse it and name the field.
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('non-hex digits in a field', () => {
  it('uid "0000G000" gives CPIO_BAD_FIELD naming uid and its offset', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'x', fields: { uid: '0000G000' } }), rawTrailer()]);
    const err = await readError(bytes);
    expect(err.code).toBe('CPIO_BAD_FIELD');
    expect(err.message).toBe('input:0x16: uid: expected 8 hex digits, got "0000G000"');
    expect(err.data.field).toBe('uid');
  });

  it('a sign or a space is not a digit either (filesize " +00001")', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'x', fields: { filesize: ' +000001' } }), rawTrailer()]);
    const err = await readError(bytes);
    expect(err.message).toBe('input:0x36: filesize: expected 8 hex digits, got " +000001"');
  });

  it('positive twin: lowercase hex is valid', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'x', fields: { uid: '0000abcd' } }), rawTrailer()]);
    expect((await readAll(bytes))[0]!.info.uid).toBe(0xabcd);
  });
});
