// Unusual archive: lzop files the kernel's unlzo cannot read. It reads every block as decoded
// size, stored size, one checksum word, data: a file without that word (`lzop -F`) or with a
// second one is misread at boot, and a filtered file (`--filter`) is unpacked still filtered, so
// each is refused with that reason rather than listed.
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

describe.skipIf(!hasTool('lzop'))('lzo files the kernel misreads', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a', data: 'some data\n'.repeat(5000) }), rawTrailer()]);
  const flagsAt = 9 + 8;

  it('lzop -F (no block checksum) is CPIO_DECOMPRESS naming the flags', async () => {
    const err = await readError(runTool('lzop', ['-c', '-F'], archive), { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toMatch(
      /^img:0x11: segment 0 \(lzo\) at 0x0: lzop flags: expected one checksum of the decoded data \(adler32 or crc32\), none of the compressed data and no extra field, as the kernel reads every block, got 0x[0-9a-f]{8} \(no checksum: lzop -F\)$/,
    );
  });

  it('a header flagging a compressed-data checksum is refused', async () => {
    const lzo = Buffer.from(runTool('lzop', ['-c'], archive));
    lzo[flagsAt + 3]! |= 0x02; // F_ADLER32_C
    const err = await readError(lzo, { source: 'img' });
    expect(err.message).toContain('lzop flags: expected one checksum of the decoded data');
  });

  it('lzop --filter=1 (a delta filter the kernel does not undo) is refused naming the filter', async () => {
    const err = await readError(runTool('lzop', ['-c', '--filter=1'], archive), { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toBe(
      'img:0x15: segment 0 (lzo) at 0x0: lzop filter: expected none (the kernel does not undo lzop --filter), got 1',
    );
  });

  it('positive twin: the default and --crc32 files read', async () => {
    for (const args of [[], ['--crc32']]) {
      const records = await readAll(runTool('lzop', ['-c', ...args], archive));
      expect(records.map((r) => [r.info.name, r.data.length])).toEqual([['a', 50_000]]);
    }
  });
});
