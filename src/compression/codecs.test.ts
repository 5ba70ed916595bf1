import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { detectCompression } from '../cpio/detect-compression.js';
import { Collector } from '../cpio/test-support/records.js';
import {
  COMPRESSION_NAMES,
  COMPRESSIONS,
  describeWriteCompressions,
  imageFileName,
  WRITE_COMPRESSIONS,
} from './codecs.js';
import { createCompressor } from './create-compressor.js';

describe('the codec table', () => {
  it('names every compression the kernel unpacks, plus none', () => {
    expect([...COMPRESSION_NAMES].sort()).toEqual([
      'bzip2',
      'gzip',
      'lz4',
      'lzma',
      'lzo',
      'none',
      'xz',
      'zstd',
    ]);
  });

  it.each(WRITE_COMPRESSIONS.filter((name) => name !== 'none'))(
    '%s: what the encoder writes starts with the magic, and the reader detects it',
    async (name) => {
      const out = new Collector();
      await pipeline(
        async function* () {
          yield Buffer.from('070701 some bytes '.repeat(100));
        },
        createCompressor(name),
        out,
      );
      const magic = COMPRESSIONS[name].magic;
      expect([...out.bytes.subarray(0, magic.length)]).toEqual(magic);
      expect(detectCompression(out.bytes.subarray(0, 8))).toBe(name);
    },
  );

  it('gives each compression an RD_ option, except none', () => {
    for (const name of COMPRESSION_NAMES) {
      const option: string | undefined = COMPRESSIONS[name].kernelOption;
      if (name === 'none') expect(option).toBeUndefined();
      else expect(option).toBe(`RD_${name.toUpperCase()}`);
    }
  });

  it('names image files by compression', () => {
    expect(imageFileName('image', 'gzip')).toBe('image.cpio.gz');
    expect(imageFileName('image', 'zstd')).toBe('image.cpio.zst');
    expect(imageFileName('image', 'xz')).toBe('image.cpio.xz');
    expect(imageFileName('image', 'lz4')).toBe('image.cpio.lz4');
    expect(imageFileName('image', 'none')).toBe('image.cpio');
  });

  it('describes the written compressions with their default levels', () => {
    expect(describeWriteCompressions()).toMatch(
      /^gzip -6 \(any kernel; RD_GZIP\), zstd -19 \(.*RD_ZSTD\), xz -6/,
    );
  });
});
