// Hostile or merely unusual input: bytes that are neither cpio nor a compression the kernel
// decodes. Each is named, never guessed at. (Every codec the kernel reads is decoded: gzip, zstd,
// xz, lzma, lz4 legacy, bzip2 and lzo have their own tests.)
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readError } from '../test-support/records.js';

describe('unknown compression', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a' }), rawTrailer()]);

  it('unknown bytes are CPIO_BAD_MAGIC showing them', async () => {
    const err = await readError(Buffer.concat([archive, Buffer.from('QK\x03\x04 zip file')]));
    expect(err.code).toBe('CPIO_BAD_MAGIC');
    expect(err.message).toBe(
      `input:0x${archive.length.toString(16)}: segment: expected a cpio magic "070701" or a compression magic (gzip, zstd, xz, lz4, bzip2, lzma, lzo), got 51 4b 03 04 20 7a 69 70`,
    );
  });
});
