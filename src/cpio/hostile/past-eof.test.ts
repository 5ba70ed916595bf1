// Hostile archive: the name or the data runs past the end of the input. A typed error naming the
// record's offset, never a hang or a partial record.
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('name or data past EOF', () => {
  const good = rawRecord({ name: 'a', data: 'abcd' });

  it('a name running past EOF gives CPIO_TRUNCATED at the record', async () => {
    const bytes = Buffer.concat([good, rawRecord({ name: 'b', fields: { namesize: 300 } })]);
    const err = await readError(bytes, {}, 5);
    expect(err.code).toBe('CPIO_TRUNCATED');
    expect(err.message).toBe(
      `input:0x${good.length.toString(16)}: name: expected 300 bytes, got 2 before the end of input`,
    );
  });

  it('data running past EOF gives CPIO_TRUNCATED at the record', async () => {
    const bytes = Buffer.concat([good, rawRecord({ name: 'b', data: 'xyz', fields: { filesize: 100 } })]);
    const err = await readError(bytes, {}, 3);
    expect(err.code).toBe('CPIO_TRUNCATED');
    expect(err.message).toBe(
      `input:0x${good.length.toString(16)}: data: expected 100 bytes, got 4 before the end of input`,
    );
  });

  it('a header cut short gives CPIO_TRUNCATED', async () => {
    const bytes = Buffer.concat([good, rawTrailer().subarray(0, 50)]);
    const err = await readError(bytes);
    expect(err.code).toBe('CPIO_TRUNCATED');
    expect(err.message).toBe(
      `input:0x${good.length.toString(16)}: header: expected 110 bytes, got 50 before the end of input`,
    );
  });

  it('positive twin: the complete archive reads', async () => {
    const records = await readAll(Buffer.concat([good, rawTrailer()]), {}, 3);
    expect(Buffer.from(records[0]!.data).toString()).toBe('abcd');
  });
});
