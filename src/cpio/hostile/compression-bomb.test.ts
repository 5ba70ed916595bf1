// Hostile archive: compression bombs (style.md item 13). Decoding stops at the total cap or the
// ratio cap, long before the declared data is produced.
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rawHeader, rawTrailer, readAll, readError } from '../test-support/records.js';

/** A cpio header for a file of `size` zero bytes, followed by `size` zeros (no trailer needed). */
function zeroFile(size: number): Buffer {
  const head = Buffer.from(rawHeader({ mode: 0o100644, nlink: 1, namesize: 5, filesize: size }), 'latin1');
  return Buffer.concat([head, Buffer.from('zero\0\0'), Buffer.alloc(size)]);
}

describe('compression bombs', () => {
  const gz = zlib.gzipSync(zeroFile(48 * 1024 * 1024), { level: 9 });

  it('a gzip segment expanding past maxTotalSize is CPIO_LIMIT', async () => {
    const err = await readError(gz, { maxTotalSize: 8 * 1024 * 1024 });
    expect(err.code).toBe('CPIO_LIMIT');
    expect(err.message).toMatch(
      /^input: segment 0 \(gzip\) at 0x0, offset 0x[0-9a-f]+ in decompressed stream: total size: expected <= 8388608 bytes of cpio data over all segments \(maxTotalSize\)/,
    );
    expect(err.data.offset as number).toBeLessThan(9 * 1024 * 1024);
  });

  it('a gzip segment over maxRatio is CPIO_LIMIT naming the ratio', async () => {
    const err = await readError(gz, { maxRatio: 100 });
    expect(err.code).toBe('CPIO_LIMIT');
    expect(err.message).toContain('compression ratio: expected <= 100 (maxRatio)');
  });

  it('with default limits a zstd bomb (1 GiB of zeros) stops at the ratio cap', async () => {
    const size = 1024 * 1024 * 1024 - 1024;
    const head = Buffer.concat([
      Buffer.from(rawHeader({ mode: 0o100644, nlink: 1, namesize: 5, filesize: size }), 'latin1'),
      Buffer.from('zero\0\0'),
    ]);
    const made = spawnSync('bash', ['-c', `(cat; head -c ${size} /dev/zero) | zstd -q -c`], {
      input: head,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(made.status).toBe(0);
    const before = process.memoryUsage().arrayBuffers;
    const err = await readError(made.stdout);
    expect(err.code).toBe('CPIO_LIMIT');
    expect(err.message).toContain('compression ratio: expected <= 2000 (maxRatio)');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('positive twin: the same data with a trailer reads within the default limits', async () => {
    const ok = zlib.gzipSync(Buffer.concat([zeroFile(48 * 1024 * 1024), rawTrailer()]), { level: 9 });
    const records = await readAll(ok);
    expect(records.map((r) => [r.info.name, r.data.length])).toEqual([['zero', 48 * 1024 * 1024]]);
  });
});
