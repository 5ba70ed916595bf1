// Hostile or merely unusual input: a segment compressed with a codec we do not decode, or bytes that
// are neither cpio nor a known compression. Each is named, never guessed at.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readError } from '../test-support/records.js';

describe('unsupported or unknown compression', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a' }), rawTrailer()]);

  it('bzip2 is CPIO_UNSUPPORTED_COMPRESSION naming bzip2 and the segment offset', async () => {
    const bz = spawnSync('bzip2', ['-c'], { input: archive }).stdout;
    const err = await readError(Buffer.concat([archive, bz]), { source: 'img' });
    expect(err.code).toBe('CPIO_UNSUPPORTED_COMPRESSION');
    expect(err.message).toBe(
      `img:0x${archive.length.toString(16)}: segment: expected gzip, zstd, xz or lz4 (legacy) compression, got bzip2 (not decoded by this tool; recompress with gzip, zstd or xz)`,
    );
  });

  it.each([['lzo', [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a]]])('%s is named', async (name, bytes) => {
    const err = await readError(Buffer.from(bytes));
    expect(err.code).toBe('CPIO_UNSUPPORTED_COMPRESSION');
    expect(err.message).toContain(`got ${name} (`);
  });

  it('unknown bytes are CPIO_BAD_MAGIC showing them', async () => {
    const err = await readError(Buffer.concat([archive, Buffer.from('QK\x03\x04 zip file')]));
    expect(err.code).toBe('CPIO_BAD_MAGIC');
    expect(err.message).toBe(
      `input:0x${archive.length.toString(16)}: segment: expected a cpio magic "070701" or a compression magic (gzip, zstd, xz, lz4, bzip2, lzma, lzo), got 51 4b 03 04 20 7a 69 70`,
    );
  });
});
