// bzip2 segments (Debian's COMPRESS=bzip2, the kernel's RD_BZIP2) as the bzip2 tool writes them,
// decoded byte for byte as `bzip2 -dc` does.

import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bunzip2Stream } from './bzip2-segment.js';
import { decodeSegment, gnuCpioArchive, hasTool, realBinaries, runTool } from './test-support/codec-tools.js';
import { readAll } from './test-support/records.js';
import type { CpioRecord } from './types.js';

const digest = (r: CpioRecord) => `${r.info.name} ${createHash('sha256').update(r.data).digest('hex')}`;

describe.skipIf(!hasTool('bzip2') || !hasTool('cpio'))('bzip2 segments', () => {
  const archive = gnuCpioArchive();

  it.each([['-9'], ['-1']])(
    'decodes a GNU cpio archive compressed with bzip2 %s, chunk by chunk',
    async (level) => {
      const bz = runTool('bzip2', ['-c', level], archive);
      const plain = await readAll(archive);
      for (const chunk of [0, 4093]) {
        const records = await readAll(bz, {}, chunk);
        expect(records.map((r) => r.origin.compression)).toEqual(plain.map(() => 'bzip2'));
        expect(records.map(digest)).toEqual(plain.map(digest));
      }
    },
  );

  it('reads a gzip segment followed by a bzip2 one', async () => {
    const records = await readAll(Buffer.concat([zlib.gzipSync(archive), runTool('bzip2', ['-c'], archive)]));
    expect(records.map((r) => `${r.origin.segment} ${r.origin.compression} ${r.info.name}`)).toEqual([
      ...['etc', 'etc/hostname', 'etc/motd', 'busybox'].map((n) => `0 gzip ${n}`),
      ...['etc', 'etc/hostname', 'etc/motd', 'busybox'].map((n) => `1 bzip2 ${n}`),
    ]);
  });

  it.skipIf(!hasTool('lzop'))('reads bzip2, NUL padding, lzo and gzip segments in a row', async () => {
    const image = Buffer.concat([
      runTool('bzip2', ['-c'], archive),
      Buffer.alloc(3),
      runTool('lzop', ['-c'], archive),
      zlib.gzipSync(archive),
    ]);
    const records = await readAll(image, {}, 1000);
    expect([...new Set(records.map((r) => `${r.origin.segment} ${r.origin.compression}`))]).toEqual([
      '0 bzip2',
      '1 lzo',
      '2 gzip',
    ]);
  });

  it('decodes real binaries exactly as bzip2 -dc (several blocks at -1), and leaves what follows', async () => {
    const binaries = realBinaries(600 * 1024);
    for (const level of ['-1', '-9']) {
      const bz = runTool('bzip2', ['-c', level], binaries);
      const { out, left } = await decodeSegment(
        bunzip2Stream,
        Buffer.concat([bz, Buffer.from('next')]),
        'bzip2',
        1000,
      );
      expect(out.equals(runTool('bzip2', ['-dc'], bz))).toBe(true);
      expect(out.equals(binaries)).toBe(true);
      expect(left).toBe(4);
    }
  });

  it('undoes long runs (the run-length steps) as bzip2 -dc does', async () => {
    const runs = Buffer.concat([
      Buffer.alloc(300_000, 0x61),
      Buffer.from('abcabc'),
      Buffer.alloc(1000, 0),
      Buffer.from('xxxx'),
    ]);
    const bz = runTool('bzip2', ['-c', '-1'], runs);
    const { out } = await decodeSegment(bunzip2Stream, bz, 'bzip2');
    expect(out.equals(runs)).toBe(true);
  });
});
