// Hostile image: one cpio archive split across two gzip members. The kernel refuses it with
// "junk at the end of compressed archive" (measured: docs/boot-facts.md); each member must end in
// the "reset" state, i.e. after a trailer.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('one archive split across gzip members', () => {
  const archive = Buffer.concat([
    rawRecord({ name: 'a', data: 'first' }),
    rawRecord({ name: 'b', data: 'second' }),
    rawTrailer(),
  ]);

  it('a member ending inside a record is CPIO_JUNK with the kernel wording', async () => {
    const cut = 150;
    const img = Buffer.concat([
      zlib.gzipSync(archive.subarray(0, cut)),
      zlib.gzipSync(archive.subarray(cut)),
    ]);
    const err = await readError(img, { source: 'initrd.img' });
    expect(err.code).toBe('CPIO_JUNK');
    expect(err.message).toContain(
      'initrd.img: segment 0 (gzip) at 0x0, offset 0x78 in decompressed stream: header: expected 110 bytes before the end of the segment, got 30',
    );
    expect(err.message).toContain('junk at the end of compressed archive');
  });

  it('positive twin: two complete archives, each gzipped alone, are two segments', async () => {
    const first = zlib.gzipSync(archive);
    const records = await readAll(Buffer.concat([first, zlib.gzipSync(archive)]));
    expect(
      records.map((r) => [r.info.name, r.origin.segment, r.origin.compression, r.origin.segmentOffset]),
    ).toEqual([
      ['a', 0, 'gzip', 0],
      ['b', 0, 'gzip', 0],
      ['a', 1, 'gzip', first.length],
      ['b', 1, 'gzip', first.length],
    ]);
  });
});
