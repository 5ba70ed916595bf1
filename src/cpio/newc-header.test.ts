import { describe, expect, it } from 'vitest';
import type { StreamPlace } from './errors.js';
import { encodeHeader, pad4, parseHeader, type RawHeader, typeOfMode } from './newc-header.js';
import { rawHeader } from './test-support/records.js';

const place: StreamPlace = { source: 'x.cpio', segment: 0, compression: 'none', segmentOffset: 0x200 };

describe('newc header', () => {
  const header: RawHeader = {
    magic: '070701',
    ino: 1,
    mode: 0o100755,
    uid: 0xffffffff,
    gid: 2,
    nlink: 3,
    mtime: 0x12345678,
    filesize: 0xabcdef,
    devmajor: 4,
    devminor: 5,
    rdevmajor: 6,
    rdevminor: 7,
    namesize: 8,
    check: 9,
  };

  it('encodes uppercase hex and decodes it back', () => {
    const bytes = encodeHeader(header);
    expect(Buffer.from(bytes).toString('latin1')).toBe(rawHeader(header));
    expect(Buffer.from(bytes).toString('latin1')).toContain('FFFFFFFF');
    expect(parseHeader(bytes, place, 0)).toEqual(header);
  });

  it('names the segment-relative offset of a bad field in the file', () => {
    const bytes = Buffer.from(rawHeader({ nlink: '0000000x' }), 'latin1');
    expect(() => parseHeader(bytes, place, 0x10)).toThrow(
      'x.cpio:0x236: nlink: expected 8 hex digits, got "0000000x"',
    );
  });

  it('names the offset inside a compressed segment', () => {
    const bytes = Buffer.from(rawHeader({}, '070700'), 'latin1');
    expect(() => parseHeader(bytes, { ...place, segment: 2, compression: 'zstd' }, 0x1f4)).toThrow(
      'x.cpio: segment 2 (zstd) at 0x200, offset 0x1f4 in decompressed stream: magic: expected "070701" or "070702" (newc), got "070700"',
    );
  });

  it('pads to 4 without 32-bit overflow', () => {
    expect([0, 1, 4, 5, 0xffffffff].map(pad4)).toEqual([0, 4, 4, 8, 2 ** 32]);
  });

  it('maps S_IFMT bits to types', () => {
    expect(typeOfMode(0o120777)).toBe('symlink');
    expect(typeOfMode(0o140000)).toBe('socket');
    expect(typeOfMode(0o000644)).toBeUndefined();
  });
});
