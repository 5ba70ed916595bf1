/**
 * Reads an x86 bzImage's setup header (Documentation/arch/x86/boot.rst) without running anything:
 * the `HdrS` magic, the boot protocol version and the `kernel_version` string, which is what
 * `uname -r` later prints (its first word) and so names the store entry and `/lib/modules/<version>`.
 */
import { hexOffset, InputError } from '../errors/index.js';

/** What the setup header says about a kernel. */
export interface BzImageInfo {
  /** The kernel release, the first word of the version string (`6.1.0-56-cloud-amd64`). */
  release: string;
  /** The whole version string (`6.1.0-56-cloud-amd64 (debian-kernel@...) #1 SMP ... Debian 6.1.192-2 ...`). */
  versionString: string;
  /** Boot protocol version, `major.minor` (`2.15`). */
  protocol: string;
  /** True when loadflags has LOADED_HIGH: a bzImage, loaded at 1 MiB. */
  loadedHigh: boolean;
  /** Size of the real-mode setup code in bytes ((setup_sects + 1) * 512). */
  setupBytes: number;
}

const OFF_SETUP_SECTS = 0x1f1;
const OFF_BOOT_FLAG = 0x1fe;
const OFF_MAGIC = 0x202;
const OFF_VERSION = 0x206;
const OFF_KERNEL_VERSION = 0x20e;
const OFF_LOADFLAGS = 0x211;
const HEADER_END = 0x212;
const MAGIC = 'HdrS';
/** The longest version string we accept; the kernel's is well under 256 bytes. */
const MAX_VERSION_LENGTH = 512;

/**
 * Parses the setup header of `bytes` (the first few KiB of the file are enough; the version string
 * lives in the setup code). `file` names the source in messages.
 *
 * Refuses (InputError `KERNEL_NOT_BZIMAGE`, with the reason) anything that is not a bzImage: a file
 * too short for the header, an ELF vmlinux, a gzip or other archive, a header without `HdrS`, a boot
 * protocol older than 2.00, or a missing or unreadable version string.
 */
export function parseBzImage(bytes: Uint8Array, file: string): BzImageInfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refuse = (reason: string, data: Record<string, unknown> = {}): never => {
    throw new InputError('KERNEL_NOT_BZIMAGE', `${file}: not a Linux bzImage: ${reason}`, { file, ...data });
  };
  const what = recognise(buf);
  if (what) refuse(what);
  if (buf.length < HEADER_END)
    refuse(`${buf.length} bytes, too short for a setup header (needs ${HEADER_END})`);
  const magic = buf.subarray(OFF_MAGIC, OFF_MAGIC + 4).toString('latin1');
  if (magic !== MAGIC) {
    refuse(`${hexOffset(OFF_MAGIC)}: header magic: expected 'HdrS', got ${JSON.stringify(magic)}`, {
      offset: OFF_MAGIC,
    });
  }
  const bootFlag = buf.readUInt16LE(OFF_BOOT_FLAG);
  if (bootFlag !== 0xaa55) {
    refuse(`${hexOffset(OFF_BOOT_FLAG)}: boot_flag: expected 0xaa55, got ${hexOffset(bootFlag)}`, {
      offset: OFF_BOOT_FLAG,
    });
  }
  const version = buf.readUInt16LE(OFF_VERSION);
  const protocol = `${version >> 8}.${String(version & 0xff).padStart(2, '0')}`;
  // kernel_version appeared with protocol 2.00; older images are zImages QEMU's -kernel cannot load high.
  if (version < 0x200) refuse(`${hexOffset(OFF_VERSION)}: boot protocol ${protocol}, expected >= 2.00`);
  const setupSects = buf.readUInt8(OFF_SETUP_SECTS) || 4; // 0 means 4, for compatibility (boot.rst)
  const setupBytes = (setupSects + 1) * 512;
  const pointer = buf.readUInt16LE(OFF_KERNEL_VERSION);
  if (pointer === 0)
    refuse(`${hexOffset(OFF_KERNEL_VERSION)}: kernel_version is 0: the image has no version string`);
  const start = pointer + 0x200;
  if (start >= Math.min(buf.length, setupBytes)) {
    refuse(
      `${hexOffset(OFF_KERNEL_VERSION)}: kernel_version points to ${hexOffset(start)}, ` +
        `outside the setup code (${hexOffset(Math.min(buf.length, setupBytes))} bytes)`,
    );
  }
  const end = buf.indexOf(0, start);
  const stop = end < 0 ? Math.min(buf.length, start + MAX_VERSION_LENGTH) : end;
  if (end < 0 || end - start > MAX_VERSION_LENGTH) {
    refuse(`${hexOffset(start)}: version string is not NUL-terminated within ${MAX_VERSION_LENGTH} bytes`);
  }
  const versionString = buf.subarray(start, stop).toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(versionString)) {
    refuse(
      `${hexOffset(start)}: version string is not printable ASCII: ${JSON.stringify(versionString.slice(0, 40))}`,
    );
  }
  const release = versionString.split(' ')[0] ?? '';
  if (!/^[0-9][A-Za-z0-9._+~-]*$/.test(release)) {
    refuse(
      `${hexOffset(start)}: version string does not start with a kernel release: ${JSON.stringify(release)}`,
    );
  }
  return {
    release,
    versionString,
    protocol,
    loadedHigh: (buf.readUInt8(OFF_LOADFLAGS) & 1) === 1,
    setupBytes,
  };
}

/** Names well-known non-kernel formats, so the refusal says what the file is instead. */
function recognise(buf: Buffer): string | undefined {
  const starts = (hex: string) => buf.subarray(0, hex.length / 2).equals(Buffer.from(hex, 'hex'));
  if (starts('7f454c46'))
    return 'an ELF file (an uncompressed vmlinux?); QEMU -kernel needs the bzImage (vmlinuz)';
  if (starts('1f8b')) return 'a gzip file (a package or a compressed vmlinux?)';
  if (starts('fd377a585a00')) return 'an xz file';
  if (starts('28b52ffd')) return 'a zstd file';
  if (buf.subarray(0, 8).toString('latin1') === '!<arch>\n')
    return "an 'ar' archive (a .deb? use it as the source)";
  if (/^07070[12]/.test(buf.subarray(0, 6).toString('latin1'))) return 'a cpio archive (an initramfs?)';
  return undefined;
}

/** How many leading bytes {@link parseBzImage} needs at most: the setup code is at most 64 sectors. */
export const BZIMAGE_HEAD_BYTES = 65 * 512;
