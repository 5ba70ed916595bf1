// Hostile archive: an lzo block claiming a huge decoded size, or a stored size past it. Refused from
// the block header, before anything is allocated, with the kernel's limit (LZO_BLOCK_SIZE, 256 KiB).
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawRecord, rawTrailer, readError } from '../test-support/records.js';

describe.skipIf(!hasTool('lzop'))('lzo block sizes', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a', data: 'some data\n'.repeat(5000) }), rawTrailer()]);
  const lzo = runTool('lzop', ['-c'], archive);
  const block = 9 + 8 + 4 + 12 + 1 + lzo[9 + 8 + 4 + 12]! + 4;

  it('a decoded size of 4 GiB - 1 is CPIO_DECOMPRESS at the block', async () => {
    const bad = Buffer.from(lzo);
    bad.writeUInt32BE(0xffffffff, block);
    const err = await readError(bad, { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toBe(
      `img:0x${block.toString(16)}: segment 0 (lzo) at 0x0: lzo block size: expected <= 262144 (the kernel's LZO_BLOCK_SIZE), got 4294967295`,
    );
  });

  it('a compressed size larger than the decoded size is CPIO_DECOMPRESS', async () => {
    const bad = Buffer.from(lzo);
    bad.writeUInt32BE(bad.readUInt32BE(block) + 1, block + 4);
    const err = await readError(bad, { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toContain(
      `img:0x${(block + 4).toString(16)}: segment 0 (lzo) at 0x0: lzo compressed size: expected 1 to`,
    );
  });

  it('a decoded size larger than the block decodes to is CPIO_DECOMPRESS', async () => {
    const bad = Buffer.from(lzo);
    bad.writeUInt32BE(bad.readUInt32BE(block) - 1, block);
    const err = await readError(bad, { source: 'img' });
    expect(err.code).toBe('CPIO_DECOMPRESS');
    expect(err.message).toContain('segment 0 (lzo) at 0x0: lzo1x block: expected at most');
  });
});
