// readRecords with `skipData`: the same records (infos, origins) as a full read, empty data, and the
// same typed errors (truncation, 070702 sums) at the same offsets.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ToolError } from '../errors/index.js';
import {
  dir,
  file,
  info,
  rawRecord,
  rawTrailer,
  readAll,
  readError,
  symlink,
  writeAll,
} from './test-support/records.js';
import type { CpioRecord, WriteEntry } from './types.js';

const CHUNKS = [0, 1, 3, 7, 1000, 65536];

const withoutData = (records: CpioRecord[]) => records.map(({ info, origin }) => ({ info, origin }));

/** Reads `bytes` both ways at every chunk size; asserts equal records and empty data when skipping. */
async function expectSameRecords(bytes: Uint8Array): Promise<CpioRecord[]> {
  const full = await readAll(bytes, { source: 'img' });
  for (const chunk of CHUNKS) {
    const skipped = await readAll(bytes, { source: 'img', skipData: true }, chunk);
    expect(withoutData(skipped)).toEqual(withoutData(full));
    expect(skipped.every((r) => r.data.length === 0)).toBe(true);
  }
  return full;
}

/** The error of reading `bytes`, the same with and without skipData at every chunk size. */
async function expectSameError(bytes: Uint8Array): Promise<ToolError> {
  const full = await readError(bytes, { source: 'img' });
  for (const chunk of CHUNKS) {
    const skipped = await readError(bytes, { source: 'img', skipData: true }, chunk);
    expect({ code: skipped.code, message: skipped.message, data: skipped.data }).toEqual({
      code: full.code,
      message: full.message,
      data: full.data,
    });
  }
  return full;
}

function run(cmd: string, args: string[], input: Buffer, cwd?: string): Buffer {
  const res = spawnSync(cmd, args, { input, cwd, maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr}`);
  return res.stdout;
}

const mixed: WriteEntry[] = [
  dir('bin'),
  file('bin/empty', ''),
  file('bin/one', 'x'),
  file('bin/five', 'abcde'),
  file('bin/big', Buffer.alloc(300_001, 0xa5)),
  symlink('init', 'bin/big'),
  symlink('bin/long', 'x'.repeat(4000)),
  { info: info('dev/console', 'char-device', { perm: 0o600, rdevMajor: 5, rdevMinor: 1 }) },
  { info: info('dev/sda', 'block-device', { rdevMajor: 8 }) },
  { info: info('run/fifo', 'fifo') },
  file('lib/a', 'shared', {}, 'g'),
  file('lib/b', 'shared', {}, 'g'),
];

describe('readRecords with skipData', () => {
  it('gives the same infos and origins over plain, gzip, zstd and concatenated segments', async () => {
    const archive = await writeAll(mixed);
    const micro = await writeAll([dir('kernel'), file('kernel/x86/microcode/GenuineIntel.bin', 'ucode')]);
    const zst = run('zstd', ['-q', '-c'], archive);
    const corpus = [
      archive,
      zlib.gzipSync(archive),
      zst,
      Buffer.concat([micro, zlib.gzipSync(archive), zst, Buffer.alloc(4), run('xz', ['-c'], archive)]),
      // Two archives inside one compressed segment.
      zlib.gzipSync(Buffer.concat([micro, archive])),
    ];
    for (const bytes of corpus) {
      const full = await expectSameRecords(bytes);
      expect(full.find((r) => r.info.name === 'bin/big')!.data.length).toBe(300_001);
      expect(full.find((r) => r.info.name === 'bin/long')!.info.linkTarget).toBe('x'.repeat(4000));
    }
  });

  it('keeps symlink targets when skipping', async () => {
    const records = await readAll(await writeAll(mixed), { skipData: true }, 5);
    expect(records.filter((r) => r.info.type === 'symlink').map((r) => r.info.linkTarget)).toEqual([
      'bin/big',
      'x'.repeat(4000),
    ]);
  });

  it('property: any small tree reads the same both ways', async () => {
    const entry = fc.oneof(
      fc
        .tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.uint8Array({ maxLength: 70 }))
        .map(([n, d]) => file(`f/${n}`, d)),
      fc
        .tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z/]{1,30}$/))
        .map(([n, t]) => symlink(`s/${n}`, t)),
      fc.stringMatching(/^[a-z]{1,8}$/).map((n) => dir(`d/${n}`)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(entry, { maxLength: 12, selector: (e) => e.info.name }),
        fc.integer({ min: 1, max: 200 }),
        async (entries, chunk) => {
          const bytes = await writeAll(entries);
          const full = await readAll(bytes);
          const skipped = await readAll(bytes, { skipData: true }, chunk);
          expect(withoutData(skipped)).toEqual(withoutData(full));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('data cut short is CPIO_TRUNCATED (plain) with the same offset and counts', async () => {
    const archive = await writeAll(mixed);
    const bigAt = (await readAll(archive)).find((r) => r.info.name === 'bin/big')!.origin.offset;
    const dataAt = bigAt + 120; // 110-byte header + "bin/big\0", padded to 4
    // Cut inside the data, at the last data byte, and inside the padding after it.
    for (const cut of [dataAt + 1000, dataAt + 300_000, dataAt + 300_002]) {
      const err = await expectSameError(archive.subarray(0, cut));
      expect(err.code).toBe('CPIO_TRUNCATED');
      expect(err.message).toBe(
        `img:0x${bigAt.toString(16)}: data: expected 300001 bytes, got ${Math.min(cut - dataAt, 300_001)} before the end of input`,
      );
    }
  });

  it('data cut short inside a gzip segment is CPIO_JUNK, the same both ways', async () => {
    const archive = await writeAll(mixed);
    const bigAt = (await readAll(archive)).find((r) => r.info.name === 'bin/big')!.origin.offset;
    const err = await expectSameError(zlib.gzipSync(archive.subarray(0, bigAt + 120 + 5000)));
    expect(err.code).toBe('CPIO_JUNK');
    expect(err.message).toContain(
      `offset 0x${bigAt.toString(16)} in decompressed stream: data: expected 300001 bytes before the end of the segment, got 5000 `,
    );
  });

  it('a 070702 bad sum is CPIO_BAD_CHECKSUM when skipping, also across chunk boundaries', async () => {
    const data = Buffer.alloc(70_001);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    let sum = 0;
    for (const b of data) sum = (sum + b) >>> 0;
    const bad = Buffer.concat([
      rawRecord({ name: 'ok', data: 'abc', magic: '070702', fields: { check: 0x61 + 0x62 + 0x63 } }),
      rawRecord({ name: 'f', data, magic: '070702', fields: { check: sum + 1 } }),
      rawTrailer(),
    ]);
    const err = await expectSameError(bad); // record "f" at 0x78, its check field 102 bytes in
    expect(err.code).toBe('CPIO_BAD_CHECKSUM');
    expect(err.message).toBe(
      `img:0xde: check: expected 0x${sum.toString(16)} (sum of the data bytes), got 0x${(sum + 1).toString(16)}`,
    );
    // Positive twin: the right sum reads both ways.
    const good = Buffer.concat([
      rawRecord({ name: 'f', data, magic: '070702', fields: { check: sum } }),
      rawTrailer(),
    ]);
    const [record] = await expectSameRecords(good);
    expect(Buffer.from(record!.data)).toEqual(data);
  });

  it('sums the data bytes only, not the padding after them (even when the padding is not NUL)', async () => {
    const rec = rawRecord({ name: 'f', data: 'abcde', magic: '070702', fields: { check: 0x1ef } });
    rec.fill(0xff, rec.length - 3); // the 3 padding bytes after 5 data bytes
    const [record] = await expectSameRecords(Buffer.concat([rec, rawTrailer()]));
    expect(Buffer.from(record!.data).toString()).toBe('abcde');
  });

  it('reads GNU cpio -H crc archives when skipping, and finds one flipped data byte', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
    try {
      fs.writeFileSync(path.join(tmp, 'a'), Buffer.alloc(100_000, 0x5a));
      fs.writeFileSync(path.join(tmp, 'b'), 'hello\n');
      fs.symlinkSync('a', path.join(tmp, 'l'));
      const archive = run('cpio', ['-o', '-H', 'crc', '--quiet'], Buffer.from('a\nb\nl\n'), tmp);
      expect(archive.subarray(0, 6).toString()).toBe('070702');
      await expectSameRecords(archive);
      const flipped = Buffer.from(archive);
      const at = 112 + 50_000; // inside a's data (header 110 + "a\0")
      flipped[at] = flipped[at]! ^ 1;
      expect((await expectSameError(flipped)).code).toBe('CPIO_BAD_CHECKSUM');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
