// lzop files (Debian's COMPRESS=lzop, the kernel's RD_LZO) as the lzop tool writes them, decoded
// byte for byte as `lzop -dc` does.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSegment, gnuCpioArchive, hasTool, realBinaries, runTool } from './test-support/codec-tools.js';
import { readAll } from './test-support/records.js';
import type { CpioRecord } from './types.js';

const digest = (r: CpioRecord) => `${r.info.name} ${createHash('sha256').update(r.data).digest('hex')}`;

import { unlzopStream } from './lzo-segment.js';

describe.skipIf(!hasTool('lzop') || !hasTool('cpio'))('lzo segments', () => {
  const archive = gnuCpioArchive();

  it.each([[['-1']], [[]], [['-9']], [['--crc32']], [['-9', '--crc32']]])(
    'decodes a GNU cpio archive compressed with lzop %j, chunk by chunk',
    async (args) => {
      const lzo = runTool('lzop', ['-c', ...args], archive);
      const plain = await readAll(archive);
      for (const chunk of [0, 4093]) {
        const records = await readAll(lzo, {}, chunk);
        expect(records.map((r) => r.origin.compression)).toEqual(plain.map(() => 'lzo'));
        expect(records.map(digest)).toEqual(plain.map(digest));
      }
    },
  );

  it('reads an uncompressed segment followed by an lzo one', async () => {
    const records = await readAll(Buffer.concat([archive, runTool('lzop', ['-c'], archive)]));
    expect(records.map((r) => `${r.origin.segment} ${r.origin.compression} ${r.info.name}`)).toEqual([
      ...['etc', 'etc/hostname', 'etc/motd', 'busybox'].map((n) => `0 none ${n}`),
      ...['etc', 'etc/hostname', 'etc/motd', 'busybox'].map((n) => `1 lzo ${n}`),
    ]);
  });

  it('decodes real binaries exactly as lzop -dc, and leaves what follows the stream', async () => {
    const binaries = realBinaries(600 * 1024);
    for (const args of [['-1'], ['-9'], ['--crc32']]) {
      const lzo = runTool('lzop', ['-c', ...args], binaries);
      const { out, left } = await decodeSegment(
        unlzopStream,
        Buffer.concat([lzo, Buffer.from('next')]),
        'lzo',
        1000,
      );
      expect(out.equals(runTool('lzop', ['-dc'], lzo))).toBe(true);
      expect(out.equals(binaries)).toBe(true);
      expect(left).toBe(4);
    }
  });
});
