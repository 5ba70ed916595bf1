import { describe, expect, it } from 'vitest';
import { XZ_HEADER_PREFIX, xzStreamCheck } from './xz-check.js';

/** The first 12 bytes `xz --check=<c>` writes (magic, Stream Flags, their CRC32). */
const HEADERS = {
  none: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x00, 0xff, 0x12, 0xd9, 0x41],
  crc32: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01, 0x69, 0x22, 0xde, 0x36],
  crc64: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46],
  sha256: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x0a, 0xe1, 0xfb, 0x0c, 0xa1],
};

describe('xzStreamCheck', () => {
  it('accepts what the kernel decoder accepts: CRC32 and none', () => {
    expect(xzStreamCheck(new Uint8Array(HEADERS.crc32))).toEqual({
      id: 1,
      name: 'CRC32',
      kernelDecodes: true,
    });
    expect(xzStreamCheck(new Uint8Array(HEADERS.none))).toEqual({ id: 0, name: 'none', kernelDecodes: true });
  });

  it("flags xz's default CRC64, SHA-256, reserved IDs and reserved flag bits", () => {
    expect(xzStreamCheck(new Uint8Array(HEADERS.crc64))).toEqual({
      id: 4,
      name: 'CRC64',
      kernelDecodes: false,
    });
    expect(xzStreamCheck(new Uint8Array(HEADERS.sha256))).toEqual({
      id: 10,
      name: 'SHA-256',
      kernelDecodes: false,
    });
    const reserved = new Uint8Array(HEADERS.crc32);
    reserved[7] = 0x02;
    expect(xzStreamCheck(reserved)).toEqual({ id: 2, name: 'reserved ID 2', kernelDecodes: false });
    reserved[7] = 0x11;
    expect(xzStreamCheck(reserved)?.kernelDecodes).toBe(false);
    reserved[6] = 0x01;
    reserved[7] = 0x01;
    expect(xzStreamCheck(reserved)?.kernelDecodes).toBe(false);
  });

  it('reads only the first 8 bytes, and returns undefined for anything but an xz header', () => {
    expect(XZ_HEADER_PREFIX).toBe(8);
    expect(xzStreamCheck(new Uint8Array(HEADERS.crc64.slice(0, 8)))?.name).toBe('CRC64');
    expect(xzStreamCheck(new Uint8Array(HEADERS.crc64.slice(0, 7)))).toBeUndefined();
    expect(xzStreamCheck(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(xzStreamCheck(Buffer.from('07070100000001'))).toBeUndefined();
  });
});
