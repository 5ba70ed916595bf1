import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRecords } from './read-records.js';
import {
  chunked,
  dir,
  file,
  rawRecord,
  rawTrailer,
  readAll,
  readError,
  symlink,
  writeAll,
} from './test-support/records.js';

function run(cmd: string, args: string[], input: Buffer): Buffer {
  const res = spawnSync(cmd, args, { input, maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr}`);
  return res.stdout;
}

describe('readRecords on concatenated segments', () => {
  it('reads uncompressed + gzip + zstd + xz + lz4 legacy as one stream, with origins', async () => {
    const micro = await writeAll([dir('kernel'), file('kernel/x86/microcode/GenuineIntel.bin', 'ucode')]);
    const main = await writeAll([
      dir('bin'),
      file('bin/a', Buffer.alloc(200_000, 1)),
      symlink('init', 'bin/a'),
    ]);
    const parts = [
      micro,
      zlib.gzipSync(main),
      run('zstd', ['-q', '-c'], main),
      run('xz', ['--check=crc32', '--lzma2=dict=1MiB', '-c'], main),
      Buffer.alloc(4),
      run('lz4', ['-l', '-q', '-c'], main),
    ];
    const image = Buffer.concat(parts);
    const starts: number[] = [];
    let at = 0;
    for (const p of parts) {
      starts.push(at);
      at += p.length;
    }
    for (const chunk of [0, 1000, 65536]) {
      const records = await readAll(image, { source: 'initrd.img' }, chunk);
      const seen = records.map(
        (r) =>
          `${r.origin.segment}:${r.origin.compression}:${r.origin.segmentOffset}:${r.origin.offset}:${r.info.name}`,
      );
      const mains = (seg: number, comp: string, at: number) => [
        `${seg}:${comp}:${at}:0:bin`,
        `${seg}:${comp}:${at}:116:bin/a`,
        `${seg}:${comp}:${at}:${116 + 116 + 200_000}:init`,
      ];
      expect(seen).toEqual([
        `0:none:0:0:kernel`,
        `0:none:0:120:kernel/x86/microcode/GenuineIntel.bin`,
        ...mains(1, 'gzip', starts[1]!),
        ...mains(2, 'zstd', starts[2]!),
        ...mains(3, 'xz', starts[3]!),
        ...mains(4, 'lz4', starts[5]!),
      ]);
      for (const r of records.filter((x) => x.info.name === 'bin/a'))
        expect(Buffer.from(r.data).equals(Buffer.alloc(200_000, 1))).toBe(true);
      expect(records.filter((x) => x.info.name === 'init').every((r) => r.info.linkTarget === 'bin/a')).toBe(
        true,
      );
    }
  });

  it('reads multi-block lz4 legacy data (blocks of 8 MiB) and repeated frames', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.write(`block ${i} `, i);
    const archive = await writeAll([file('big', big)]);
    const lz = run('lz4', ['-l', '-q', '-c'], archive);
    const records = await readAll(lz, {}, 100_000);
    expect(Buffer.from(records[0]!.data).equals(big)).toBe(true);
    // A second legacy magic continues the same stream (lib/decompress_unlz4.c): one segment, two archives.
    const small = run('lz4', ['-l', '-q', '-c'], await writeAll([file('s', 'x')]));
    const twice = await readAll(Buffer.concat([small, small]));
    expect(twice.map((r) => [r.info.name, r.origin.segment])).toEqual([
      ['s', 0],
      ['s', 0],
    ]);
  });

  it('zstd and xz segments cut short are CPIO_TRUNCATED; corrupt ones CPIO_DECOMPRESS', async () => {
    const main = await writeAll([file('a', Buffer.alloc(100_000, 3))]);
    for (const [cmd, args] of [
      ['zstd', ['-q', '-c']],
      ['xz', ['--check=crc32', '-c']],
    ] as const) {
      const z = run(cmd, [...args], main);
      const cut = await readError(z.subarray(0, z.length - 10), { source: 'img' });
      expect(cut.code).toBe('CPIO_TRUNCATED');
      expect(cut.message).toMatch(
        new RegExp(`^img:0x[0-9a-f]+: segment 0 \\(${cmd === 'zstd' ? 'zstd' : 'xz'}\\) at 0x0: `),
      );
      const bad = Buffer.from(z);
      bad.fill(0x55, 20, 60);
      expect((await readError(bad)).code).toBe('CPIO_DECOMPRESS');
    }
  });

  it('finds the end of a gzip member whatever the chunk boundaries (incl. exactly at the deflate end)', async () => {
    const main = await writeAll([file('a', Buffer.alloc(5000, 9))]);
    const gz = zlib.gzipSync(main);
    const img = Buffer.concat([gz, gz]);
    for (const cut of [gz.length - 8, gz.length - 7, gz.length, gz.length + 1, gz.length + 10]) {
      async function* two() {
        yield img.subarray(0, cut);
        yield img.subarray(cut);
      }
      const segments: number[] = [];
      for await (const r of readRecords(two())) segments.push(r.origin.segmentOffset);
      expect(segments).toEqual([0, gz.length]);
    }
  });

  it('skips the FNAME, FCOMMENT, FEXTRA and FHCRC fields of a gzip header', async () => {
    const main = await writeAll([file('a', 'named')]);
    const body = zlib.deflateRawSync(main);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(zlib.crc32(main), 0);
    trailer.writeUInt32LE(main.length, 4);
    // FLG = FHCRC | FEXTRA | FNAME | FCOMMENT
    const header = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, 0x1e, 1, 2, 3, 4, 0, 3, 4, 0]),
      Buffer.from('xtra'),
      Buffer.from('initrd.cpio\0a comment\0'),
      Buffer.from([0xaa, 0xbb]),
    ]);
    const records = await readAll(Buffer.concat([header, body, trailer]), {}, 3);
    expect(Buffer.from(records[0]!.data).toString()).toBe('named');
  });

  it('stops early without leaking: breaking out of the loop closes the decoder', async () => {
    const main = await writeAll([file('a', 'x'), file('b', 'y')]);
    const img = Buffer.concat([zlib.gzipSync(main), zlib.gzipSync(main)]);
    const names: string[] = [];
    for await (const r of readRecords(chunked(img, 3))) {
      names.push(r.info.name);
      if (names.length === 1) break;
    }
    expect(names).toEqual(['a']);
  });

  it('counts NUL padding between segments into the offsets (4-byte aligned start kept)', async () => {
    const a = Buffer.concat([rawRecord({ name: 'a' }), rawTrailer()]);
    const records = await readAll(Buffer.concat([Buffer.alloc(8), a, Buffer.alloc(512), a]));
    expect(records.map((r) => r.origin.segmentOffset)).toEqual([8, 8 + a.length + 512]);
  });
});

describe('readRecords archive numbering', () => {
  // The kernel resets its hard-link table at every TRAILER!!!, not per compressed segment: one gzip
  // member may hold two complete archives, whose records must not link to each other.
  it('counts archives by trailer, also inside one compressed segment', async () => {
    const first = await writeAll([file('a', 'one')]);
    const second = await writeAll([file('b', 'two')]);
    const plain = await writeAll([file('c', 'three')]);
    const image = Buffer.concat([plain, zlib.gzipSync(Buffer.concat([first, second]))]);
    const origins: string[] = [];
    for await (const r of readRecords(chunked(image, 7))) {
      origins.push(`${r.info.name}:${r.origin.segment}:${r.origin.archive}`);
    }
    expect(origins).toEqual(['c:0:0', 'a:1:1', 'b:1:2']);
  });
});
