import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Collector, file, readAll, writeAll } from '../cpio/test-support/records.js';
import { COMPRESSIONS, type WriteCompression } from './codecs.js';
import { createCompressor } from './create-compressor.js';

/** Compresses `data`, fed in pieces cut at `cuts` (offsets), and returns the output. */
async function compress(
  kind: WriteCompression,
  data: Buffer,
  level?: number,
  cuts: number[] = [],
  threads?: number,
) {
  const out = new Collector();
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < data.length).sort((a, b) => a - b)];
  await pipeline(
    async function* () {
      for (const [i, start] of bounds.entries()) yield data.subarray(start, bounds[i + 1] ?? data.length);
    },
    createCompressor(kind, {
      ...(level === undefined ? {} : { level }),
      ...(threads === undefined ? {} : { threads }),
    }),
    out,
  );
  return out.bytes;
}

/** Bytes that compress like a real image: repeated text, a few random runs, zero padding. */
function imageLike(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = i % 4096 < 1024 ? x >>> 24 : i % 4096 < 3072 ? 'ELF library text '.charCodeAt(i % 17) : 0;
  }
  return out;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Writes `bytes` to a temp file and returns its path, for the xz and zstd command-line tools. */
function tempFile(name: string, bytes: Uint8Array): string {
  const p = path.join(work, name);
  fs.writeFileSync(p, bytes);
  return p;
}

describe('createCompressor', () => {
  const data = Buffer.from('070701 some cpio bytes '.repeat(1000));
  // 300 KiB: more than two zstd blocks (128 KiB) and many liblzma output buffers.
  const big = imageLike(300 * 1024);

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

  it.each(['gzip', 'zstd', 'xz', 'lz4'] as const)(
    '%s: the same bytes whatever the input chunking',
    async (kind) => {
      const level = { gzip: 6, zstd: 3, xz: 1, lz4: 2 }[kind];
      const reference = await compress(kind, big, level);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 1, max: big.length - 1 }), { maxLength: 40 }),
          async (cuts) => {
            expect((await compress(kind, big, level, cuts)).equals(reference)).toBe(true);
          },
        ),
        { numRuns: 12 },
      );
    },
  );

  it.each(['zstd', 'xz', 'lz4'] as const)(
    '%s at the default level: byte-identical across chunkings',
    async (kind) => {
      const one = await compress(kind, big);
      const cuts = Array.from({ length: 200 }, (_, i) => i * 1531 + 7);
      expect((await compress(kind, big, undefined, cuts)).equals(one)).toBe(true);
      const { min, max, default: fallback } = COMPRESSIONS[kind].write.levels;
      expect((await compress(kind, big, fallback === min ? max : min)).equals(one)).toBe(false);
    },
  );

  it('zstd: one frame, checksummed, 8 MiB window at most, that zstd -d and readRecords decode', async () => {
    const archive = await writeAll([file('etc/a', big), file('etc/b', data)]);
    const zst = await compress('zstd', archive);
    expect([...zst.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    const p = tempFile('a.zst', zst);
    expect(execFileSync('zstd', ['-dc', p], { maxBuffer: 1 << 26 }).equals(archive)).toBe(true);
    const listing = execFileSync('zstd', ['-lv', p], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    expect(listing).toMatch(/# Zstandard Frames: 1\n/);
    expect(listing).toMatch(/Check: XXH64/);
    const window = Number(/Window Size: .*\((\d+) B\)/.exec(listing)?.[1]);
    expect(window).toBeGreaterThan(0);
    expect(window).toBeLessThanOrEqual(8 * 1024 * 1024);
    const records = await readAll(zst, {}, 4096);
    expect(records.map((r) => [r.info.name, r.origin.segment, r.origin.compression])).toEqual([
      ['etc/a', 0, 'zstd'],
      ['etc/b', 0, 'zstd'],
    ]);
    expect(Buffer.from(records[0]!.data).equals(big)).toBe(true);
  });

  it('xz: one stream with check CRC32 and a 1 MiB LZMA2 dictionary, that xz -t and readRecords accept', async () => {
    const archive = await writeAll([file('etc/a', big), file('etc/b', data)]);
    const xz = await compress('xz', archive);
    // Stream Header: magic, Stream Flags 0x00 0x01 (Check ID 1 = CRC32).
    expect([...xz.subarray(0, 8)]).toEqual([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01]);
    const p = tempFile('a.xz', xz);
    execFileSync('xz', ['-t', p]); // throws on a non-zero exit
    expect(execFileSync('xz', ['-dc', p], { maxBuffer: 1 << 26 }).equals(archive)).toBe(true);
    const robot = execFileSync('xz', ['--robot', '-lvv', p]).toString();
    expect(robot).toMatch(/^totals\t1\t1\t/m); // one stream, one block
    expect(robot).toMatch(/^block\t.*\tCRC32\t.*--lzma2=dict=1MiB$/m);
    const records = await readAll(xz, {}, 4096);
    expect(records.map((r) => [r.info.name, r.origin.segment, r.origin.compression])).toEqual([
      ['etc/a', 0, 'xz'],
      ['etc/b', 0, 'xz'],
    ]);
  });

  it.each([0, 3, 6, 9])(
    'xz preset %i: the bytes of xz --check=crc32 --lzma2=preset=N,dict=1MiB',
    async (level) => {
      // liblzma's encoder is deterministic and stable across versions (measured: lzma-native's 5.2.3
      // against Debian's xz 5.4.1, all ten presets identical); this pins the spelled-out presets.
      const ours = await compress('xz', big, level);
      const args = ['-c', '-T1', '--check=crc32', `--lzma2=preset=${level},dict=1MiB`];
      expect(execFileSync('xz', args, { input: big, maxBuffer: 1 << 26 }).equals(ours)).toBe(true);
    },
  );

  it.each(['gzip', 'zstd', 'xz', 'lz4'] as const)('%s: an input error reaches the pipeline', async (kind) => {
    const compressor = createCompressor(kind, { level: COMPRESSIONS[kind].write.levels.min });
    const failing = pipeline(
      async function* () {
        yield big.subarray(0, 70_000);
        throw new Error('disk gone');
      },
      compressor,
      new Collector(),
    );
    await expect(failing).rejects.toThrow('disk gone');
    expect(compressor.destroyed).toBe(true);
  });

  it('refuses other kinds and levels outside each codec range', () => {
    expect(() => createCompressor('bzip2' as 'gzip')).toThrow(
      expect.objectContaining({
        code: 'CPIO_UNSUPPORTED_COMPRESSION',
        message: 'compression: expected gzip, zstd, xz, lz4 or none, got "bzip2"',
      }),
    );
    expect(() => createCompressor('none', { level: 1 })).toThrow(
      expect.objectContaining({
        code: 'CPIO_BAD_FIELD',
        message: 'none compression level: expected none, got 1',
      }),
    );
    expect(() => createCompressor('gzip', { level: 11 })).toThrow(
      expect.objectContaining({
        code: 'CPIO_BAD_FIELD',
        message: 'gzip compression level: expected 0 to 9, got 11',
      }),
    );
    expect(() => createCompressor('zstd', { level: 22 })).toThrow(
      expect.objectContaining({
        code: 'CPIO_BAD_FIELD',
        message: 'zstd compression level: expected 1 to 19, got 22',
      }),
    );
    expect(() => createCompressor('xz', { level: 1.5 })).toThrow(
      expect.objectContaining({
        code: 'CPIO_BAD_FIELD',
        message: 'xz compression level: expected 0 to 9, got 1.5',
      }),
    );
    expect(() => createCompressor('gzip', { threads: 0 })).toThrow(
      expect.objectContaining({
        code: 'CPIO_BAD_FIELD',
        message: 'threads: expected a whole number from 1 to 256, got 0',
      }),
    );
    expect(() => createCompressor('xz', { threads: 2 })).toThrow(
      expect.objectContaining({
        code: 'CPIO_BAD_FIELD',
        message: 'threads: xz is written on one thread: expected 1, got 2',
      }),
    );
  });

  it.each(['gzip', 'zstd'] as const)('%s: the same bytes for 1, 2, 3 and 8 threads', async (kind) => {
    // 1.5 MiB: a dozen gzip blocks; zstd's jobs at level 3 are 2 MiB, so cut the level to 1 too.
    const input = Buffer.concat([imageLike(1024 * 1024, 2), imageLike(512 * 1024, 3)]);
    for (const level of kind === 'gzip' ? [1, 6, 9] : [1, 3, 19]) {
      const one = await compress(kind, input, level, [], 1);
      for (const threads of [2, 3, 8]) {
        expect((await compress(kind, input, level, [5000, 300_000], threads)).equals(one)).toBe(true);
      }
    }
  });

  it('lz4: legacy frames that lz4 -t accepts and lz4 -d and readRecords decode', async () => {
    const archive = await writeAll([file('etc/a', big), file('etc/b', data)]);
    const lz = await compress('lz4', archive);
    expect([...lz.subarray(0, 4)]).toEqual([0x02, 0x21, 0x4c, 0x18]);
    const p = tempFile('a.lz4', lz);
    execFileSync('lz4', ['-t', '-q', p]);
    expect(execFileSync('lz4', ['-dc', p], { maxBuffer: 1 << 26 }).equals(archive)).toBe(true);
    const records = await readAll(lz, {}, 4096);
    expect(records.map((r) => [r.info.name, r.origin.compression])).toEqual([
      ['etc/a', 'lz4'],
      ['etc/b', 'lz4'],
    ]);
    expect(lz.length).toBeLessThan(archive.length * 0.7);
  });
});
