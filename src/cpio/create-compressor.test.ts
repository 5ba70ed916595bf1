import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createCompressor } from './create-compressor.js';
import { Collector } from './test-support/records.js';

async function compress(kind: 'gzip' | 'none', data: Buffer, level?: number): Promise<Buffer> {
  const out = new Collector();
  await pipeline(
    async function* () {
      yield data;
    },
    createCompressor(kind, level === undefined ? {} : { level }),
    out,
  );
  return out.bytes;
}

describe('createCompressor', () => {
  const data = Buffer.from('070701 some cpio bytes '.repeat(1000));

  it('gzip has gzip -n semantics: mtime 0, no name, unix OS byte', async () => {
    const gz = await compress('gzip', data);
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect(zlib.gunzipSync(gz).equals(data)).toBe(true);
  });

  it('gzip output is deterministic, and level changes it', async () => {
    const a = await compress('gzip', data);
    expect((await compress('gzip', data)).equals(a)).toBe(true);
    expect((await compress('gzip', data, 1)).equals(a)).toBe(false);
  });

  it('none passes bytes through', async () => {
    expect((await compress('none', data)).equals(data)).toBe(true);
  });

  it('refuses other kinds and bad levels', () => {
    expect(() => createCompressor('zstd' as 'gzip')).toThrow(
      expect.objectContaining({ code: 'CPIO_UNSUPPORTED_COMPRESSION' }),
    );
    expect(() => createCompressor('gzip', { level: 11 })).toThrow(
      expect.objectContaining({ code: 'CPIO_BAD_FIELD' }),
    );
  });
});
