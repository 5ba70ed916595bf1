// Hostile archive: a bzip2 bomb. bzip2's two run-length steps turn 1 GiB of zeros into a few
// hundred bytes; decoding stops at the ratio cap after 16 MiB, handing out 64 KiB at a time.
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawHeader, readError } from '../test-support/records.js';

describe.skipIf(!hasTool('bzip2'))('bzip2 bomb', () => {
  it('with default limits, 256 MiB of zeros stops at the ratio cap', async () => {
    const size = 256 * 1024 * 1024;
    const head = Buffer.concat([
      Buffer.from(rawHeader({ mode: 0o100644, nlink: 1, namesize: 5, filesize: size }), 'latin1'),
      Buffer.from('zero\0\0'),
    ]);
    const bz = runTool('bash', ['-c', `(cat; head -c ${size} /dev/zero) | bzip2 -9 -c`], head);
    expect(bz.length).toBeLessThan(4096);
    const before = process.memoryUsage().arrayBuffers;
    const err = await readError(bz);
    expect(err.code).toBe('CPIO_LIMIT');
    expect(err.message).toContain('compression ratio: expected <= 2000 (maxRatio)');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });
});
