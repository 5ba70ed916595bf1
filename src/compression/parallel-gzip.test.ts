import { execFileSync } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Collector } from '../cpio/test-support/records.js';
import { GZIP_BLOCK, ParallelGzip } from './parallel-gzip.js';

async function gzip(input: Buffer, level: number, threads: number, piece = 65_536): Promise<Buffer> {
  const out = new Collector();
  await pipeline(
    async function* () {
      for (let i = 0; i < input.length; i += piece) yield input.subarray(i, i + piece);
    },
    new ParallelGzip(level, threads),
    out,
  );
  return out.bytes;
}

function sample(size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = 11;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = i % 5000 < 900 ? x >>> 24 : 'the cpio text of an image '.charCodeAt(i % 26);
  }
  return out;
}

describe('ParallelGzip', () => {
  const input = sample(5 * GZIP_BLOCK + 12_345);

  it('is one gzip member that gzip -t, pigz -t and gunzip accept', async () => {
    const gz = await gzip(input, 6, 2);
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    execFileSync('gzip', ['-t'], { input: gz });
    execFileSync('pigz', ['-t'], { input: gz });
    expect(execFileSync('gzip', ['-dc'], { input: gz, maxBuffer: 1 << 24 }).equals(input)).toBe(true);
    // One member: the body between the 10-byte header and the 8-byte trailer is one deflate stream.
    const inflate = zlib.inflateRawSync(gz.subarray(10, gz.length - 8));
    expect(inflate.equals(input)).toBe(true);
    expect(gz.readUInt32LE(gz.length - 8)).toBe(zlib.crc32(input));
    expect(gz.readUInt32LE(gz.length - 4)).toBe(input.length);
  });

  it('gives the same bytes for every thread count and input chunking', async () => {
    for (const level of [1, 6, 9]) {
      const one = await gzip(input, level, 1);
      for (const [threads, piece] of [
        [2, 1000],
        [3, GZIP_BLOCK],
        [7, 300_000],
      ] as const) {
        expect((await gzip(input, level, threads, piece)).equals(one)).toBe(true);
      }
    }
  });

  it('writes empty input, an input of exactly one block and one under a block', async () => {
    for (const size of [0, 1, GZIP_BLOCK - 1, GZIP_BLOCK, 2 * GZIP_BLOCK]) {
      const data = sample(size);
      const gz = await gzip(data, 6, 2);
      execFileSync('gzip', ['-t'], { input: gz });
      expect(zlib.gunzipSync(gz).equals(data)).toBe(true);
    }
  });

  it('compresses within 1% of a single-stream zlib gzip at the same level', async () => {
    const gz = await gzip(input, 6, 2);
    expect(gz.length).toBeLessThan(zlib.gzipSync(input, { level: 6 }).length * 1.01);
  });

  it('sets XFL as zlib does (2 at level 9, 4 at level 1)', async () => {
    expect((await gzip(input, 9, 1))[8]).toBe(2);
    expect((await gzip(input, 1, 1))[8]).toBe(4);
  });
});
