// .lzma segments (Debian's COMPRESS=lzma, the kernel's RD_LZMA) as the `lzma` tool writes them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rawRecord, rawTrailer, readAll, readError } from './test-support/records.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe.skipIf(!has('lzma'))('lzma segments', () => {
  const archive = Buffer.concat([rawRecord({ name: 'etc/x', data: 'hello\n'.repeat(1000) }), rawTrailer()]);
  const lzma = spawnSync('lzma', ['-c'], { input: archive }).stdout;

  it('decodes a segment made by lzma, after an uncompressed one', async () => {
    const records = await readAll(Buffer.concat([archive, lzma]));
    expect(records.map((r) => `${r.origin.compression} ${r.info.name} ${r.data.length}`)).toEqual([
      'none etc/x 6000',
      'lzma etc/x 6000',
    ]);
  });

  it('a truncated lzma segment is CPIO_TRUNCATED', async () => {
    const err = await readError(lzma.subarray(0, lzma.length - 20), { source: 'img' });
    expect(err.code).toMatch(/^CPIO_(TRUNCATED|JUNK)$/);
  });
});
