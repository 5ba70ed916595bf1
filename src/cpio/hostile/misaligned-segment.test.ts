// Hostile archive: an uncompressed archive that starts at an offset not a multiple of 4. The kernel
// (unpack_to_rootfs) only takes '0' as a cpio header when aligned, so such an image fails to unpack.
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe('misaligned uncompressed segment', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a' }), rawTrailer()]);

  it('two NULs then an archive is CPIO_JUNK naming the offset', async () => {
    const err = await readError(Buffer.concat([archive, Buffer.alloc(2), archive]), { source: 'img' });
    expect(err.code).toBe('CPIO_JUNK');
    expect(err.message).toBe(
      `img:0x${(archive.length + 2).toString(16)}: segment: expected an uncompressed archive to start at a 4-byte aligned offset, got one at 0x${(archive.length + 2).toString(16)} (misaligned)`,
    );
  });

  it('positive twin: four NULs keep it aligned; the second archive is segment 1', async () => {
    const records = await readAll(Buffer.concat([archive, Buffer.alloc(4), archive]));
    expect(records.map((r) => [r.origin.segment, r.origin.segmentOffset])).toEqual([
      [0, 0],
      [1, archive.length + 4],
    ]);
  });
});
