// Hostile archive: a 070702 record whose check field is not the 32-bit sum of its data bytes
// (init/initramfs.c do_copy compares them and fails with "bad checksum").
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

const data = Buffer.from([0xff, 0xff, 0x01, 0x02, 0x03]);
const sum = 0xff + 0xff + 1 + 2 + 3;

describe('070702 checksum', () => {
  it('a wrong sum is CPIO_BAD_CHECKSUM at the check field', async () => {
    const bytes = Buffer.concat([
      rawRecord({ name: 'f', data, magic: '070702', fields: { check: sum + 1 } }),
      rawTrailer(),
    ]);
    const err = await readError(bytes);
    expect(err.code).toBe('CPIO_BAD_CHECKSUM');
    expect(err.message).toBe(
      `input:0x66: check: expected 0x${sum.toString(16)} (sum of the data bytes), got 0x${(sum + 1).toString(16)}`,
    );
  });

  it('positive twin: the right sum reads, data intact', async () => {
    const bytes = Buffer.concat([
      rawRecord({ name: 'f', data, magic: '070702', fields: { check: sum } }),
      rawTrailer(),
    ]);
    const [record] = await readAll(bytes, {}, 3);
    expect(Buffer.from(record!.data)).toEqual(data);
  });
});
