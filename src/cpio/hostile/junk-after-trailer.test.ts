// Hostile archive: bytes after the trailer inside a compressed segment. The kernel's flush_buffer
// accepts only NUL padding or another cpio header there ("junk within compressed archive"), and a
// header only at a 4-byte aligned offset ("broken padding").
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('junk after the trailer in a compressed segment', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a', data: 'x' }), rawTrailer()]);

  it('text after the trailer is CPIO_JUNK at its decompressed offset', async () => {
    const err = await readError(
      zlib.gzipSync(Buffer.concat([archive, Buffer.alloc(8), Buffer.from('JUNK')])),
      { source: 'img' },
    );
    expect(err.code).toBe('CPIO_JUNK');
    expect(err.message).toBe(
      `img: segment 0 (gzip) at 0x0, offset 0x${(archive.length + 8).toString(16)} in decompressed stream: after trailer: expected NUL padding, a cpio header or the end (kernel: "junk within compressed archive"), got "JUNK"`,
    );
  });

  it('a second archive at a misaligned offset is CPIO_JUNK (broken padding)', async () => {
    const err = await readError(zlib.gzipSync(Buffer.concat([archive, Buffer.alloc(2), archive])));
    expect(err.code).toBe('CPIO_JUNK');
    expect(err.message).toContain(
      `offset 0x${(archive.length + 2).toString(16)} in decompressed stream: after trailer: expected a cpio header at a 4-byte aligned offset`,
    );
  });

  it('positive twin: NUL padding and an aligned second archive are accepted, in the same segment', async () => {
    const records = await readAll(
      zlib.gzipSync(Buffer.concat([archive, Buffer.alloc(508), archive, Buffer.alloc(3)])),
    );
    expect(records.map((r) => [r.info.name, r.origin.segment, r.origin.offset])).toEqual([
      ['a', 0, 0],
      ['a', 0, archive.length + 508],
    ]);
  });
});
