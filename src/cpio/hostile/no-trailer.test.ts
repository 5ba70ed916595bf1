// Hostile archive: no TRAILER!!! record. Every writer ends an archive with one; a missing trailer
// means a truncated file (the kernel's hard-link table and "reset" state depend on it).
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('no trailer', () => {
  const body = Buffer.concat([rawRecord({ name: 'a', data: 'hello' }), rawRecord({ name: 'b' })]);

  it('an uncompressed archive ending after a record is CPIO_NO_TRAILER at the end offset', async () => {
    const err = await readError(body);
    expect(err.code).toBe('CPIO_NO_TRAILER');
    expect(err.message).toBe(
      `input:0x${body.length.toString(16)}: header: expected a record named TRAILER!!!, got end of input`,
    );
  });

  it('a gzip segment ending after a record is CPIO_NO_TRAILER inside the decompressed stream', async () => {
    const err = await readError(zlib.gzipSync(body), { source: 'initrd.img' });
    expect(err.code).toBe('CPIO_NO_TRAILER');
    expect(err.message).toBe(
      `initrd.img: segment 0 (gzip) at 0x0, offset 0x${body.length.toString(16)} in decompressed stream: header: expected a record named TRAILER!!!, got end of the decompressed stream`,
    );
  });

  it('an empty input is not an archive', async () => {
    expect((await readError(new Uint8Array(0))).code).toBe('CPIO_TRUNCATED');
    expect((await readError(new Uint8Array(512))).message).toBe(
      'input:0x200: archive: expected at least one cpio archive, got only NUL bytes',
    );
  });

  it('positive twin: with the trailer both read', async () => {
    const archive = Buffer.concat([body, rawTrailer()]);
    expect(await readAll(archive)).toHaveLength(2);
    expect(await readAll(zlib.gzipSync(archive))).toHaveLength(2);
  });
});
