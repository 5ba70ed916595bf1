// Hostile archive: a gzip segment cut short or corrupted. The decoder reports where, and never waits
// for bytes that will not come.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('truncated or corrupt gzip', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a', data: 'some data '.repeat(500) }), rawTrailer()]);
  const gz = zlib.gzipSync(archive);

  it('deflate data cut in the middle is CPIO_TRUNCATED', async () => {
    const err = await readError(gz.subarray(0, Math.floor(gz.length / 2)), { source: 'img' }, 16);
    expect(err.code).toBe('CPIO_TRUNCATED');
    expect(err.message).toMatch(
      /^img:0x[0-9a-f]+: segment 0 \(gzip\) at 0x0: deflate data: expected a complete deflate stream, got the end of input$/,
    );
  });

  it('a missing gzip trailer is CPIO_TRUNCATED at the trailer offset', async () => {
    const err = await readError(gz.subarray(0, gz.length - 3));
    expect(err.code).toBe('CPIO_TRUNCATED');
    expect(err.message).toBe(
      `input:0x${(gz.length - 8).toString(16)}: segment 0 (gzip) at 0x0: gzip trailer: expected 8 bytes (CRC-32, ISIZE), got 5 before the end of input`,
    );
  });

  it('a wrong CRC-32 is CPIO_DECOMPRESS', async () => {
    const bad = Buffer.from(gz);
    bad[bad.length - 8]! ^= 0xff;
    const err = await readError(bad);
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toContain(
      `input:0x${(gz.length - 8).toString(16)}: segment 0 (gzip) at 0x0: gzip CRC-32: expected`,
    );
  });

  it('corrupt deflate data is CPIO_DECOMPRESS (or a CRC mismatch), never a hang', async () => {
    const bad = Buffer.from(gz);
    bad.fill(0xff, 12, 40);
    const err = await readError(bad);
    expect(['CPIO_DECOMPRESS', 'CPIO_TRUNCATED']).toContain(err.code);
    expect(err.message).toMatch(/^input:0x[0-9a-f]+: segment 0 \(gzip\)/);
  });

  it('a gzip header cut short is CPIO_TRUNCATED', async () => {
    expect((await readError(gz.subarray(0, 6))).code).toBe('CPIO_TRUNCATED');
  });

  it('positive twin: the whole member reads, split in small chunks', async () => {
    expect((await readAll(gz, {}, 5)).map((r) => r.info.name)).toEqual(['a']);
  });
});
