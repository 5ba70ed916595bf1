import { describe, expect, it } from 'vitest';
import { detectCompression } from './detect-compression.js';

describe('detectCompression', () => {
  it.each([
    [[0x1f, 0x8b, 8, 0, 0, 0], 'gzip'],
    [[0x28, 0xb5, 0x2f, 0xfd, 0, 0], 'zstd'],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
    [[0x02, 0x21, 0x4c, 0x18, 0, 0], 'lz4'],
    [[0x42, 0x5a, 0x68, 0x39, 0x31, 0x41], 'bzip2'],
    [[0x5d, 0x00, 0x00, 0x80, 0, 0], 'lzma'],
    [[0x89, 0x4c, 0x5a, 0x4f, 0, 0], 'lzo'],
    [[...Buffer.from('070701')], 'cpio'],
    [[...Buffer.from('070707')], 'cpio'],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x01], 'unknown'],
    [[0x1f], 'unknown'],
  ])('%j is %s', (bytes, kind) => {
    expect(detectCompression(Uint8Array.from(bytes))).toBe(kind);
  });
});
