// Hostile archive: filesize 0xFFFFFFFF on a 200-byte input. Bounds are checked before allocating
// (the lesson of isomorphic-git's applyDelta): the limit refuses it at once, and with the limit
// raised the reader still only holds the bytes that exist.
import { describe, expect, it } from 'vitest';
import { rawRecord, readAll, readError } from '../test-support/records.js';

describe('filesize 0xFFFFFFFF on a 200-byte input', () => {
  const bytes = Buffer.concat([
    rawRecord({ name: 'big', data: 'x'.repeat(60), fields: { filesize: 0xffffffff } }),
  ]);

  it('is refused by maxEntrySize with CPIO_LIMIT before reading the data', async () => {
    expect(bytes.length).toBeLessThan(200);
    const err = await readError(bytes, { source: 'img' });
    expect(err.code).toBe('CPIO_LIMIT');
    expect(err.message).toBe('img:0x36: filesize: expected <= 1073741824 (maxEntrySize), got 4294967295');
  });

  it('with maxEntrySize raised it is CPIO_TRUNCATED, and no 4 GiB buffer is ever allocated', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const err = await readError(bytes, { maxEntrySize: 2 ** 32 });
    expect(err.code).toBe('CPIO_TRUNCATED');
    expect(err.message).toBe('input:0x0: data: expected 4294967295 bytes, got 60 before the end of input');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('positive twin: the true size reads', async () => {
    const ok = rawRecord({ name: 'big', data: 'x'.repeat(60) });
    const err = await readError(ok);
    // Only the trailer is missing now.
    expect(err.code).toBe('CPIO_NO_TRAILER');
    expect(
      (await readAll(Buffer.concat([ok, rawRecord({ name: 'TRAILER!!!', fields: { mode: 0 } })])))[0]!.data
        .length,
    ).toBe(60);
  });
});
