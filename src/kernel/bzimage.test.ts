import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { addKernel } from './add.js';
import { BZIMAGE_HEAD_BYTES, parseBzImage } from './bzimage.js';
import { removeTemp, tempHome, testKernelDeb } from './test-support/kernel-deb.js';

/** A minimal setup header: boot_flag, HdrS, protocol 2.15, kernel_version → `version` at 0x400. */
function synthetic(version: string, patch: (b: Buffer) => void = () => {}): Buffer {
  const b = Buffer.alloc(0x1200);
  b.writeUInt8(8, 0x1f1); // setup_sects: 8 → 9 * 512 bytes of setup code
  b.writeUInt16LE(0xaa55, 0x1fe);
  b.write('HdrS', 0x202, 'latin1');
  b.writeUInt16LE(0x020f, 0x206);
  b.writeUInt16LE(0x400 - 0x200, 0x20e);
  b.writeUInt8(1, 0x211);
  b.write(`${version}\0`, 0x400, 'latin1');
  patch(b);
  return b;
}

function refusal(bytes: Buffer): ToolError {
  try {
    parseBzImage(bytes, 'k.img');
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('KERNEL_NOT_BZIMAGE');
    expect((error as ToolError).exitCode).toBe(2);
    return error as ToolError;
  }
  throw new Error('expected a refusal');
}

describe('parseBzImage', () => {
  const home = tempHome();
  afterAll(() => removeTemp(home));

  it("reads Debian's cloud kernel: release, version string, protocol", async () => {
    const stored = await addKernel(testKernelDeb(), { home });
    const head = Buffer.alloc(BZIMAGE_HEAD_BYTES);
    const fd = fs.openSync(stored.vmlinuz, 'r');
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const info = parseBzImage(head, 'vmlinuz');
    expect(info.release).toMatch(/^6\.1\.0-\d+-cloud-amd64$/);
    expect(info.versionString.startsWith(`${info.release} (debian-kernel@lists.debian.org)`)).toBe(true);
    expect(info.protocol).toBe('2.15');
    expect(info.loadedHigh).toBe(true);
    expect(info.setupBytes).toBe((0x27 + 1) * 512);
    expect(path.basename(stored.dir)).toBe(info.release);
  });

  it('round-trips any release-like version string', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9][A-Za-z0-9._+~-]{0,40}$/),
        fc.stringMatching(/^[ -~]{0,60}$/),
        (release, rest) => {
          const info = parseBzImage(synthetic(`${release} ${rest}`.trimEnd()), 'k');
          expect(info.release).toBe(release);
          expect(info.versionString).toBe(`${release} ${rest}`.trimEnd());
        },
      ),
    );
  });

  it('refuses other formats, naming what they are', () => {
    expect(refusal(Buffer.from('\x7fELF\x02\x01\x01', 'latin1')).message).toBe(
      'k.img: not a Linux bzImage: an ELF file (an uncompressed vmlinux?); QEMU -kernel needs the bzImage (vmlinuz)',
    );
    expect(refusal(Buffer.from([0x1f, 0x8b, 8, 0])).message).toContain('a gzip file');
    expect(refusal(Buffer.from('!<arch>\ndebian-binary', 'latin1')).message).toContain("an 'ar' archive");
    expect(refusal(Buffer.from('070701000000', 'latin1')).message).toContain('a cpio archive');
    expect(refusal(Buffer.from('hello')).message).toBe(
      'k.img: not a Linux bzImage: 5 bytes, too short for a setup header (needs 530)',
    );
  });

  it('refuses a header without HdrS, with the offset and what was there', () => {
    const e = refusal(synthetic('6.1.0', (b) => b.write('HdrX', 0x202, 'latin1')));
    expect(e.message).toBe(`k.img: not a Linux bzImage: 0x202: header magic: expected 'HdrS', got "HdrX"`);
  });

  it('refuses a missing boot flag, an old protocol and bad version pointers', () => {
    expect(refusal(synthetic('6.1.0', (b) => b.writeUInt16LE(0, 0x1fe))).message).toContain(
      '0x1fe: boot_flag: expected 0xaa55, got 0x0',
    );
    expect(refusal(synthetic('6.1.0', (b) => b.writeUInt16LE(0x0104, 0x206))).message).toContain(
      'boot protocol 1.04, expected >= 2.00',
    );
    expect(refusal(synthetic('6.1.0', (b) => b.writeUInt16LE(0, 0x20e))).message).toContain(
      'kernel_version is 0',
    );
    expect(refusal(synthetic('6.1.0', (b) => b.writeUInt16LE(0x1000, 0x20e))).message).toContain(
      'kernel_version points to 0x1200, outside the setup code (0x1200 bytes)',
    );
    expect(refusal(synthetic('6.1.0', (b) => b.fill(0x41, 0x400))).message).toContain('not NUL-terminated');
    expect(refusal(synthetic('\x01\x02')).message).toContain('not printable ASCII');
    expect(refusal(synthetic('linux 6.1')).message).toContain(
      'does not start with a kernel release: "linux"',
    );
  });
});
